"""`/logo/external` and `/favicon.ico` on a real server: the uploaded logo (SVG, PNG, GIF) as a square PNG
and an ICO, remade when the logo changes, the built-in logo standing in for one that cannot be drawn."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from PIL import Image

from tests.api.admin_config_client import AdminConfigClient
from tests.harness import running_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

WIDE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
    '<rect width="200" height="100" fill="#ff0000"/></svg>'
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AdminConfigClient]:
    data_dir = tmp_path_factory.mktemp("logo-images") / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        yield AdminConfigClient(http, server)


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def raster(kind: str, size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=kind)
    return out.getvalue()


def pixel(image: Image.Image, x: int, y: int) -> tuple[int, int, int, int]:
    """An RGBA pixel (Pillow types getpixel loosely)."""
    value = image.convert("RGBA").getpixel((x, y))
    assert isinstance(value, tuple) and len(value) == 4
    return (int(value[0]), int(value[1]), int(value[2]), int(value[3]))


async def external(admin: AdminConfigClient) -> Image.Image:
    async with admin.http.get(admin.url("/logo/external")) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        image = Image.open(io.BytesIO(await response.read()))
        assert image.format == "PNG"
        return image.convert("RGBA")


async def test_the_built_in_logo_as_png_and_favicon(admin: AdminConfigClient) -> None:
    image = await external(admin)
    assert image.size == (512, 512)
    assert pixel(image, 256, 256)[3] == 255, "something is drawn in the middle"
    async with admin.http.get(admin.url("/favicon.ico")) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/x-icon"
        icon = Image.open(io.BytesIO(await response.read()))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48), (64, 64)} <= set(icon.info["sizes"])


async def test_an_svg_logo_is_drawn_and_fitted_into_the_square(admin: AdminConfigClient) -> None:
    await admin.expect_ok("logo", data_uri("image/svg+xml", WIDE_SVG.encode()), "changed")
    image = await external(admin)
    assert image.size == (512, 512)
    assert pixel(image, 256, 256) == (255, 0, 0, 255)
    assert pixel(image, 256, 10)[3] == 0, "transparent above a wide logo"
    assert pixel(image, 256, 501)[3] == 0, "and below it"
    assert pixel(image, 2, 256) == (255, 0, 0, 255), "full width"


@pytest.mark.parametrize(
    ("kind", "mime"), [("PNG", "image/png"), ("GIF", "image/gif"), ("JPEG", "image/jpeg")]
)
async def test_raster_logos(admin: AdminConfigClient, kind: str, mime: str) -> None:
    await admin.expect_ok("logo", data_uri(mime, raster(kind, (40, 80), (0, 0, 255))), "changed")
    image = await external(admin)
    assert image.size == (512, 512)
    red, green, blue, alpha = pixel(image, 256, 256)
    assert (red, green, alpha) == (0, 0, 255) and blue > 240
    assert pixel(image, 20, 256)[3] == 0, "transparent beside a tall logo"
    async with admin.http.get(admin.url("/favicon.ico")) as response:
        icon = Image.open(io.BytesIO(await response.read()))
        icon.load()
        assert pixel(icon, icon.width // 2, icon.height // 2)[2] > 240


async def test_a_logo_that_cannot_be_drawn_falls_back_to_the_built_in_one(
    admin: AdminConfigClient, caplog: pytest.LogCaptureFixture
) -> None:
    await admin.expect_ok("logo", data_uri("image/png", raster("PNG", (10, 10), (0, 255, 0))), "changed")
    assert pixel(await external(admin), 256, 256) == (0, 255, 0, 255)
    services = admin.server.server.services
    assert services is not None
    logo = services.logo.logo_path()
    logo.write_bytes(b"\x89PNG\r\n\x1a\n but not really a PNG")  # damaged on disk
    with caplog.at_level(logging.WARNING, logger="ownstream.web.logo_images"):
        image = await external(admin)
        assert image.size == (512, 512) and pixel(image, 256, 256)[3] == 255
        renders = services.logo_images.renders
        await external(admin)
        assert services.logo_images.renders == renders, "drawn once per file"
    warnings = [r.getMessage() for r in caplog.records if r.name == "ownstream.web.logo_images"]
    assert len(warnings) == 1 and "cannot be drawn" in warnings[0] and "built-in logo" in warnings[0]
