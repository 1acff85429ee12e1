"""A custom favicon (newer Owncast 0.2.5, reference newer §4.3): `<datadir>/favicon.png` or `.ico`, its file
name stored as `favicon_path`; without one, `/favicon.ico` is drawn from the logo.

The upload is a PNG or an ICO of at most 200 KB, as a multipart part named `favicon` (0.2.5) or a data URI
in `{"value": …}` (the later revision); the bytes must really be PNG or ICO, whatever the part says.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

from ownstream.errors import Invalid

MAX_FAVICON_BYTES = 200 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICO_SIGNATURE = b"\x00\x00\x01\x00"
ACCEPTED_TYPES = {"image/png": "png", "image/x-icon": "ico", "image/vnd.microsoft.icon": "ico"}
NO_FILE = "no file provided"
WRONG_FORMAT = "favicon must be PNG or ICO format"
UNREADABLE = "unable to read file"
TOO_LARGE = "file too large, max 200KB"
FILE_NAMES = ("favicon.png", "favicon.ico")


@dataclass(frozen=True)
class Favicon:
    extension: str
    data: bytes

    @property
    def content_type(self) -> str:
        return "image/png" if self.extension == "png" else "image/x-icon"


def favicon_from_upload(content_type: str, data: bytes) -> Favicon:
    extension = ACCEPTED_TYPES.get(content_type.split(";", 1)[0].strip().lower())
    if extension is None:
        raise Invalid(WRONG_FORMAT)
    if len(data) > MAX_FAVICON_BYTES:
        raise Invalid(TOO_LARGE)
    if not data:
        raise Invalid(NO_FILE)
    signature = PNG_SIGNATURE if extension == "png" else ICO_SIGNATURE
    if not data.startswith(signature):
        raise Invalid(WRONG_FORMAT)
    return Favicon(extension, data)


def favicon_from_data_uri(value: object) -> Favicon:
    if not isinstance(value, str) or not value:
        raise Invalid(NO_FILE)
    header, comma, payload = value.partition(",")
    if not comma or not header.startswith("data:") or ";base64" not in header:
        raise Invalid(UNREADABLE)
    if len(payload) > (MAX_FAVICON_BYTES // 3 + 1) * 4 + 16:
        raise Invalid(TOO_LARGE)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(UNREADABLE) from None
    return favicon_from_upload(header[5:].split(";", 1)[0], data)


def install_favicon(data_dir: Path, favicon: Favicon) -> str:
    """Write the file (atomically) and remove the other kind; returns the file name to store."""
    name = f"favicon.{favicon.extension}"
    target = data_dir / name
    temporary = target.with_suffix(target.suffix + ".tmp")
    temporary.write_bytes(favicon.data)
    os.replace(temporary, target)
    for other in FILE_NAMES:
        if other != name:
            (data_dir / other).unlink(missing_ok=True)
    return name


def remove_favicons(data_dir: Path) -> None:
    for name in FILE_NAMES:
        (data_dir / name).unlink(missing_ok=True)


def read_favicon(data_dir: Path, name: str) -> Favicon | None:
    """The stored favicon, or None when none is set or its file is gone."""
    if name not in FILE_NAMES:
        return None
    try:
        data = (data_dir / name).read_bytes()
    except OSError:
        return None
    return Favicon(name.rsplit(".", 1)[1], data)
