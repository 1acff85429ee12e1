"""Logo data URIs: Owncast's parse order and messages, size and content checks, atomic install."""

import base64
from pathlib import Path
from typing import Any

import pytest

from ownstream.config.logo_upload import MAX_LOGO_BYTES, LogoImage, decode_logo, install_logo
from ownstream.errors import Invalid

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>'


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def message(value: Any) -> str:
    with pytest.raises(Invalid) as caught:
        decode_logo(value)
    return caught.value.message


@pytest.mark.parametrize(
    ("mime", "data", "extension"),
    [
        ("image/png", PNG, "png"),
        ("image/gif", GIF, "gif"),
        ("image/jpeg", JPEG, "jpeg"),
        ("image/svg+xml", SVG, "svg"),
    ],
)
def test_supported_types(mime: str, data: bytes, extension: str) -> None:
    assert decode_logo(data_uri(mime, data)) == LogoImage(extension, data)


def test_owncast_messages_in_owncast_order() -> None:
    assert message("data:image/png;base64") == "Error splitting base64 image data."
    assert (
        message("no header at all," + base64.b64encode(PNG).decode())
        == "Error splitting base64 image header."
    )
    assert message(data_uri("image/webp", PNG)) == "Missing or invalid contentType in base64 image."
    assert (
        message("data:;base64," + base64.b64encode(PNG).decode())
        == "Missing or invalid contentType in base64 image."
    )
    assert message("data:image/png;base64,iVBOR!w0") == "illegal base64 data at input byte 5"
    assert message("data:image/png;base64,abc") == "illegal base64 data at input byte 3"
    # A bad payload is reported before a bad header, as in Owncast.
    assert message("nothing,***") == "illegal base64 data at input byte 0"


def test_line_breaks_in_base64_are_ignored() -> None:
    encoded = base64.encodebytes(PNG).decode()
    assert "\n" in encoded
    assert decode_logo("data:image/png;base64," + encoded).data == PNG


def test_data_must_match_the_claimed_type() -> None:
    assert message(data_uri("image/png", JPEG)) == "the logo data is not an image/png image"
    assert message(data_uri("image/jpeg", PNG)) == "the logo data is not an image/jpeg image"
    assert message(data_uri("image/gif", b"GIF")) == "the logo data is not an image/gif image"
    assert (
        message(data_uri("image/svg+xml", b"<html></html>")) == "the logo data is not an image/svg+xml image"
    )
    assert message(data_uri("image/svg+xml", b"\xff<svg>")) == "the logo data is not an image/svg+xml image"


@pytest.mark.parametrize(
    "svg",
    [
        b"<svg><script>alert(1)</script></svg>",
        b'<svg onload="alert(1)"></svg>',
        b'<svg><a href="javascript:alert(1)">x</a></svg>',
        b"<svg><foreignObject><iframe/></foreignObject></svg>",
        b"<svg/onload=alert(1)>",
    ],
)
def test_svg_with_script_rejected(svg: bytes) -> None:
    assert "can not contain scripts" in message(data_uri("image/svg+xml", svg))


def test_size_limit() -> None:
    big = b"\x89PNG\r\n\x1a\n" + bytes(MAX_LOGO_BYTES)
    assert message(data_uri("image/png", big)) == "logo image is larger than 2 MB"
    assert message(1) == "logo must be a data URI string"


def test_install_replaces_atomically(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert install_logo(data_dir, LogoImage("png", PNG)) == "logo.png"
    assert install_logo(data_dir, LogoImage("png", PNG + b"x")) == "logo.png"
    assert (data_dir / "logo.png").read_bytes() == PNG + b"x"
    assert [path.name for path in data_dir.iterdir()] == ["logo.png"]
