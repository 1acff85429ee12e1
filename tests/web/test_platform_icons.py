"""The brand icons build.mjs writes from the npm icon sets: one per platform of /api/socialplatforms,
served at exactly Owncast's `icon` paths, each a recognisable SVG with an accessible name."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
import resvg_py
from PIL import Image

from ownstream.social import PLATFORMS, platform_icon
from ownstream.web.bundle import Bundle
from tests.harness import RunningServer, running_server


@pytest.fixture
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path_factory.mktemp("icons") / "data") as running:
        yield running


def test_the_build_has_an_icon_for_every_platform_and_the_licences(built_bundle: Bundle) -> None:
    icons = {name.removesuffix(".svg") for name in built_bundle.platform_logos if name.endswith(".svg")}
    assert icons == set(PLATFORMS)
    assert {"LICENSE-simple-icons.txt", "LICENSE-tabler-icons.txt"} <= set(built_bundle.platform_logos)


async def test_every_platform_icon_is_served_at_its_owncast_path(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(server.base_url + "/api/socialplatforms") as response:
            platforms = await response.json()
        assert set(platforms) == set(PLATFORMS)
        colours: set[object] = set()
        for key, entry in platforms.items():
            assert entry["icon"] == f"/img/platformlogos/{key}.svg" == platform_icon(key)
            async with http.get(server.base_url + entry["icon"]) as response:
                assert response.status == 200, key
                assert response.headers["Content-Type"] == "image/svg+xml"
                assert response.headers["Cache-Control"] == "public, max-age=604800"
                svg = await response.text()
            assert re.search(rf'aria-label="{re.escape(PLATFORMS[key])}"', svg), key
            assert f"<title>{PLATFORMS[key]}</title>" in svg
            # A real drawing: the glyph covers part of the disc in a second colour.
            picture = Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=svg, width=64)))).convert(
                "RGB"
            )
            distinct = {colour for _, colour in picture.getcolors(64 * 64) or []}
            assert len(distinct) > 2, key
            colours.add(picture.getpixel((4, 32)))
        assert len(colours) > 10, "brand colours, not one badge colour for all"
        # Twitter, Twitch and TikTok are no longer three letter "T"s.
        drawings = []
        for key in ("twitter", "twitch", "tiktok"):
            async with http.get(f"{server.base_url}/img/platformlogos/{key}.svg") as response:
                drawings.append(
                    re.sub(r"<title>.*?</title>|aria-label=\"[^\"]*\"", "", await response.text())
                )
        assert len(set(drawings)) == 3


@pytest.mark.parametrize("name", ["unknown", "..%2Fsocial", "LICENSE-tabler-icons"])
async def test_unknown_icons_are_404(server: RunningServer, name: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{server.base_url}/img/platformlogos/{name}.svg") as r,
    ):
        assert r.status == 404
