"""The logo setter end to end: a data URI in, `/logo` and the offline thumbnail serve the new file."""

from __future__ import annotations

import base64

import aiohttp

from tests.api.admin_config_client import AdminConfigClient
from tests.harness import RunningServer

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


async def test_png_logo_is_served(server: RunningServer, http: aiohttp.ClientSession) -> None:
    admin = AdminConfigClient(http, server)
    await admin.expect_ok("logo", data_uri("image/png", PNG), "changed")
    assert (await admin.server_config())["instanceDetails"]["logo"] == "logo.png"
    assert (server.data_dir / "logo.png").read_bytes() == PNG
    for path in ("/logo", "/thumbnail.jpg"):
        async with http.get(admin.url(path)) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "image/png"
            assert await response.read() == PNG
    assert (await admin.public_config())["logo"] == "/logo"

    await admin.expect_ok("logo", data_uri("image/jpeg", JPEG_HEAD), "changed")
    async with http.get(admin.url("/logo")) as response:
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["Cache-Control"] == "public, max-age=7200"
        assert await response.read() == JPEG_HEAD


async def test_malformed_logos_use_owncast_messages(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    admin = AdminConfigClient(http, server)
    encoded = base64.b64encode(PNG).decode()
    cases = {
        "data:image/png;base64": "Error splitting base64 image data.",
        "image/png;base64," + encoded: "Error splitting base64 image header.",
        "data:image/webp;base64," + encoded: "Missing or invalid contentType in base64 image.",
        "data:image/png;base64,%%%": "illegal base64 data at input byte 0",
        data_uri("image/png", JPEG_HEAD): "the logo data is not an image/png image",
        data_uri(
            "image/svg+xml", b'<svg onload="alert(1)"/>'
        ): "SVG logos can not contain scripts or event handlers",
    }
    for value, message in cases.items():
        await admin.expect_rejected("logo", value, message)
    await admin.expect_rejected("logo", {"data": encoded}, "logo must be a data URI string")
    assert sorted(path.name for path in server.data_dir.glob("logo*")) == ["logo.svg"]
    async with http.get(admin.url("/logo")) as response:
        assert response.headers["Content-Type"] == "image/svg+xml"
