"""The broadcaster details Owncast reports in `/api/admin/status` (reference §1.5), from RTMP `onMetaData`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ownstream.clock import rfc3339

_VIDEO_CODECS = {7: "H.264", 12: "H.265"}
_AUDIO_CODECS = {2: "MP3", 10: "AAC", 11: "Speex"}
# Enhanced RTMP puts FourCC codes where the classic ids were.
_FOURCC_CODECS = {
    "avc1": "H.264",
    "hvc1": "H.265",
    "av01": "AV1",
    "vp09": "VP9",
    "Opus": "Opus",
    "mp4a": "AAC",
}


def _fourcc(number: int) -> str | None:
    if number < 0x01000000 or number > 0xFFFFFFFF:
        return None
    text = number.to_bytes(4, "big").decode("latin-1")
    return _FOURCC_CODECS.get(text)


def _codec_name(value: Any, table: dict[int, str], missing: str) -> str:
    if value is None:
        return missing
    if isinstance(value, str):
        return _FOURCC_CODECS.get(value, value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "Unknown"
    number = int(value)
    return table.get(number) or _fourcc(number) or "Unknown"


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    if value != value or value in (float("inf"), float("-inf")):
        return 0.0
    return float(value)


@dataclass(frozen=True)
class Broadcaster:
    remote_addr: str
    connected_at: datetime
    metadata: dict[str, Any] = field(default_factory=dict)

    def stream_details(self) -> dict[str, Any]:
        meta = self.metadata
        return {
            "width": int(_number(meta.get("width"))),
            "height": int(_number(meta.get("height"))),
            "framerate": _number(meta.get("framerate")),
            "videoBitrate": int(_number(meta.get("videodatarate"))),
            "videoCodec": _codec_name(meta.get("videocodecid"), _VIDEO_CODECS, "Unknown"),
            "audioBitrate": int(_number(meta.get("audiodatarate"))),
            "audioCodec": _codec_name(meta.get("audiocodecid"), _AUDIO_CODECS, "No audio"),
            "encoder": str(meta.get("encoder", "")),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "remoteAddr": self.remote_addr,
            "time": rfc3339(self.connected_at),
            "streamDetails": self.stream_details(),
        }
