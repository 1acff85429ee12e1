"""The logo setter's payload: a `data:<mime>;base64,<data>` URI decoded, checked, and written to the data dir.

Parsing follows Owncast's order and messages (reference §2.3): split at the first comma, decode the
base64, split the header at `:`, then look up the MIME type. We also refuse images over 2 MB and data
that is not the image type it claims, and SVGs that carry script (Owncast 0.0.12 dropped SVG uploads
altogether; we keep them, without script). This is a guard, not a sanitizer.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownstream.errors import Invalid

MAX_LOGO_BYTES = 2 * 1024 * 1024

DATA_SPLIT_ERROR = "Error splitting base64 image data."
HEADER_SPLIT_ERROR = "Error splitting base64 image header."
CONTENT_TYPE_ERROR = "Missing or invalid contentType in base64 image."

EXTENSIONS = {
    "image/svg+xml": "svg",
    "image/gif": "gif",
    "image/png": "png",
    "image/jpeg": "jpeg",
}

_BASE64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_SVG_ROOT = re.compile(rb"<svg[\s>/]", re.IGNORECASE)
_SVG_SCRIPTING = re.compile(rb"<script|<foreignobject|javascript:|[\s\"'/]on[a-z]+\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class LogoImage:
    extension: str
    data: bytes

    @property
    def file_name(self) -> str:
        return f"logo.{self.extension}"


def decode_logo(value: Any) -> LogoImage:
    """The image in a data URI string, or `Invalid` saying what is wrong with it."""
    if not isinstance(value, str):
        raise Invalid("logo must be a data URI string")
    header, comma, payload = value.partition(",")
    if not comma:
        raise Invalid(DATA_SPLIT_ERROR)
    if len(payload) > (MAX_LOGO_BYTES // 3 + 1) * 4 + 1024:
        raise Invalid(_too_large())
    data = _decode_base64(payload)
    _, colon, media = header.partition(":")
    if not colon:
        raise Invalid(HEADER_SPLIT_ERROR)
    extension = EXTENSIONS.get(media.split(";", 1)[0].strip().lower())
    if extension is None:
        raise Invalid(CONTENT_TYPE_ERROR)
    if len(data) > MAX_LOGO_BYTES:
        raise Invalid(_too_large())
    _check_content(extension, data)
    return LogoImage(extension, data)


def _too_large() -> str:
    return f"logo image is larger than {MAX_LOGO_BYTES // (1024 * 1024)} MB"


def _decode_base64(payload: str) -> bytes:
    """Standard padded base64; line breaks ignored. Errors read like Go's `illegal base64 data …`."""
    raw = payload.replace("\r", "").replace("\n", "").encode("utf-8", "surrogatepass")
    bad = next((index for index, byte in enumerate(raw) if byte not in _BASE64_ALPHABET), None)
    if bad is None:
        try:
            return base64.b64decode(raw, validate=True)
        except binascii.Error:
            bad = len(raw)
    raise Invalid(f"illegal base64 data at input byte {bad}")


def _check_content(extension: str, data: bytes) -> None:
    claimed = "svg+xml" if extension == "svg" else extension
    if extension == "png":
        ok = data.startswith(b"\x89PNG\r\n\x1a\n")
    elif extension == "gif":
        ok = data.startswith((b"GIF87a", b"GIF89a"))
    elif extension == "jpeg":
        ok = data.startswith(b"\xff\xd8\xff")
    else:
        ok = _looks_like_svg(data)
        if ok and _SVG_SCRIPTING.search(data):
            raise Invalid("SVG logos can not contain scripts or event handlers")
    if not ok:
        raise Invalid(f"the logo data is not an image/{claimed} image")


def _looks_like_svg(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _SVG_ROOT.search(data) is not None


def install_logo(data_dir: Path, image: LogoImage) -> str:
    """Write the image as `<data_dir>/logo.<ext>` through a temporary file and a rename. Blocking.

    Returns the file name to store as `logo_path`.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / image.file_name
    temporary = data_dir / f".{image.file_name}.{secrets.token_hex(4)}.tmp"
    try:
        with temporary.open("wb") as handle:
            handle.write(image.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return image.file_name
