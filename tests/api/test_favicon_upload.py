"""A custom favicon (newer Owncast 0.2.5, reference newer §4.3) on a real server: multipart and data-URI
uploads, Owncast's messages, `/favicon.ico` serving it, and the reset back to the logo's icon."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import aiohttp
from PIL import Image

from tests.harness import RunningServer, admin_auth, running_server

FAVICON = "/api/admin/config/favicon"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def ico_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 200, 10)).save(out, format="ICO")
    return out.getvalue()


async def upload(
    http: aiohttp.ClientSession, server: RunningServer, data: bytes, content_type: str, field: str = "favicon"
) -> tuple[int, dict[str, object]]:
    form = aiohttp.FormData()
    form.add_field(field, data, filename="icon", content_type=content_type)
    async with http.post(server.base_url + FAVICON, data=form, headers=admin_auth()) as response:
        return response.status, await response.json()


async def favicon(http: aiohttp.ClientSession, server: RunningServer) -> tuple[str, bytes]:
    async with http.get(server.base_url + "/favicon.ico") as response:
        assert response.status == 200
        return response.headers["Content-Type"], await response.read()


async def test_upload_serve_and_reset(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        logo_type, logo_icon = await favicon(http, server)
        assert logo_type == "image/x-icon"

        png = png_bytes()
        assert await upload(http, server, png, "image/png") == (
            200,
            {"success": True, "message": "favicon updated"},
        )
        assert await favicon(http, server) == ("image/png", png)
        assert (data_dir / "favicon.png").read_bytes() == png

        ico = ico_bytes()
        uri = "data:image/x-icon;base64," + base64.b64encode(ico).decode()
        async with http.post(
            server.base_url + FAVICON, json={"value": uri}, headers=admin_auth()
        ) as response:
            assert (response.status, (await response.json())["message"]) == (200, "favicon updated")
        assert await favicon(http, server) == ("image/x-icon", ico)
        assert not (data_dir / "favicon.png").exists(), "one favicon at a time"

        refused = [
            (await upload(http, server, b"GIF89a...", "image/gif"), "favicon must be PNG or ICO format"),
            (await upload(http, server, b"not a png", "image/png"), "favicon must be PNG or ICO format"),
            (await upload(http, server, png, "image/png", field="other"), "no file provided"),
            (await upload(http, server, PNG_BIG, "image/png"), "file too large, max 200KB"),
        ]
        for (status, body), message in refused:
            assert (status, body) == (400, {"success": False, "message": message})
        async with http.post(
            server.base_url + FAVICON, json={"value": "data:image/png;base64,!!!"}, headers=admin_auth()
        ) as response:
            assert (response.status, (await response.json())["message"]) == (400, "unable to read file")
        assert await favicon(http, server) == ("image/x-icon", ico), "nothing refused replaced it"

        async with http.delete(server.base_url + FAVICON, headers=admin_auth()) as response:
            assert (response.status, await response.json()) == (
                200,
                {"success": True, "message": "favicon reset to default"},
            )
        assert await favicon(http, server) == (logo_type, logo_icon)
        assert not (data_dir / "favicon.ico").exists()
        async with http.post(server.base_url + FAVICON, json={"value": uri}) as response:
            assert response.status == 401


PNG_BIG = b"\x89PNG\r\n\x1a\n" + b"\0" * (200 * 1024)
