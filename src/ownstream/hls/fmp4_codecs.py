"""RFC 6381 codec strings from an MP4 sample entry (`avc1`/`avc3` + `avcC`, `hvc1`/`hev1` + `hvcC`,
`mp4a` + `esds`, `Opus`), for the master playlist's `CODECS` attribute. Pure code; None when unknown."""

from __future__ import annotations

from typing import Final

_VISUAL_ENTRY_HEADER: Final = 78
"""VisualSampleEntry fields before its child boxes (reserved, index, sizes, resolution, compressor…)."""
_AUDIO_ENTRY_HEADER: Final = 28
"""AudioSampleEntry fields before its child boxes."""
_AAC_OBJECT_TYPE: Final = 0x40


def codec_string(kind: bytes, entry: bytes, *, is_video: bool) -> str | None:
    """The codec string of one sample entry (`entry` is its payload, after the box header)."""
    name = kind.decode("latin-1")
    children = _children(entry, _VISUAL_ENTRY_HEADER if is_video else _AUDIO_ENTRY_HEADER)
    try:
        if name in ("avc1", "avc3") and b"avcC" in children:
            config = children[b"avcC"]
            return f"{name}.{config[1]:02x}{config[2]:02x}{config[3]:02x}"
        if name in ("hvc1", "hev1") and b"hvcC" in children:
            return _hevc(name, children[b"hvcC"])
        if name == "mp4a" and b"esds" in children:
            return _mp4a(children[b"esds"])
    except IndexError:
        return None
    if name == "Opus":
        return "opus"
    if name == "fLaC":
        return "fLaC"
    return None


def _children(entry: bytes, header: int) -> dict[bytes, bytes]:
    """Child boxes of a sample entry by type (payloads), tolerant: stops at the first bad size."""
    found: dict[bytes, bytes] = {}
    offset = header
    while offset + 8 <= len(entry):
        size = int.from_bytes(entry[offset : offset + 4], "big")
        if size < 8 or offset + size > len(entry):
            break
        found.setdefault(entry[offset + 4 : offset + 8], entry[offset + 8 : offset + size])
        offset += size
    return found


def _hevc(name: str, config: bytes) -> str:
    profile_space = config[1] >> 6
    tier = "H" if config[1] & 0x20 else "L"
    profile_idc = config[1] & 0x1F
    compatibility = int.from_bytes(config[2:6], "big")
    reversed_flags = int(f"{compatibility:032b}"[::-1], 2)
    constraints = bytearray(config[6:12])
    while constraints and constraints[-1] == 0:
        constraints.pop()
    level = config[12]
    space = "" if profile_space == 0 else "ABC"[profile_space - 1]
    parts = [name, f"{space}{profile_idc}", f"{reversed_flags:x}", f"{tier}{level}"]
    parts += [f"{byte:x}" for byte in constraints]
    return ".".join(parts)


def _mp4a(esds: bytes) -> str | None:
    """`mp4a.40.<audio object type>` for AAC, `mp4a.<oti>` for other MPEG-4 audio."""
    offset = 4  # version and flags
    descriptors = _descriptors(esds, offset)
    es = descriptors.get(0x03)
    if es is None:
        return None
    flags = es[2]
    cursor = 3
    if flags & 0x80:
        cursor += 2
    if flags & 0x40:
        cursor += 1 + es[cursor]
    if flags & 0x20:
        cursor += 2
    decoder_config = _descriptors(es, cursor).get(0x04)
    if decoder_config is None:
        return None
    object_type = decoder_config[0]
    if object_type != _AAC_OBJECT_TYPE:
        return f"mp4a.{object_type:02x}"
    specific = _descriptors(decoder_config, 13).get(0x05)
    if not specific:
        return "mp4a.40.2"
    audio_object_type = specific[0] >> 3
    if audio_object_type == 31 and len(specific) >= 2:
        audio_object_type = 32 + (((specific[0] & 0x07) << 3) | (specific[1] >> 5))
    return f"mp4a.40.{audio_object_type}"


def _descriptors(data: bytes, offset: int) -> dict[int, bytes]:
    """MPEG-4 descriptors (tag, variable-length size, body) from `offset`, by tag."""
    found: dict[int, bytes] = {}
    while offset + 2 <= len(data):
        tag = data[offset]
        offset += 1
        size = 0
        for _ in range(4):
            byte = data[offset]
            offset += 1
            size = (size << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        found.setdefault(tag, data[offset : offset + size])
        offset += size
    return found
