"""The logo as other software wants it: `/logo/external`, a square PNG that fediverse servers and link
previews accept (Mastodon, Discord, X and Facebook render no SVG), and `/favicon.ico`.

SVG logos are rasterised with resvg (the `resvg-py` wheel: no system libraries); PNG, JPEG and GIF
logos are read with Pillow (a GIF's first frame). The picture is fitted into the square, centred on a
transparent background. Renditions are made in a thread, once per logo file (its path, size and mtime),
and kept; a logo that cannot be read is logged once and the built-in logo stands in.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import resvg_py
from PIL import Image, UnidentifiedImageError

from .bundle import DEFAULT_LOGO

log = logging.getLogger(__name__)

EXTERNAL_SIZE: Final = 512
"""Pixels a side of `/logo/external`: above Mastodon's 400×400 avatar, far below every size limit."""
FAVICON_SIZES: Final = (16, 32, 48, 64)
MAX_SOURCE_PIXELS: Final = 40_000_000
"""A raster logo larger than this (a decompression bomb, say) is not decoded."""


class UnreadableLogo(ValueError):
    """The logo file is not an image we can draw."""


def _svg_png(data: bytes, width: int | None, height: int | None) -> bytes:
    try:
        text = data.decode("utf-8")
        return bytes(resvg_py.svg_to_bytes(svg_string=text, width=width, height=height))
    except (UnicodeDecodeError, ValueError) as error:
        raise UnreadableLogo(f"SVG: {error}") from None


def _open_raster(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_SOURCE_PIXELS:
            raise UnreadableLogo(f"{image.width}×{image.height} pixels is too large to draw")
        image.seek(0)
        return image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, EOFError) as error:
        raise UnreadableLogo(str(error) or type(error).__name__) from None


def _decode(data: bytes, is_svg: bool, size: int) -> Image.Image:
    """The logo as RGBA, its longer side `size` pixels (SVGs drawn at that size, rasters scaled)."""
    if is_svg:
        first = Image.open(io.BytesIO(_svg_png(data, size, None)))
        if first.height > size:  # taller than wide: draw again fitted to the height
            first = Image.open(io.BytesIO(_svg_png(data, None, size)))
        return first.convert("RGBA")
    image = _open_raster(data)
    scale = size / max(image.width, image.height)
    target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(target, Image.Resampling.LANCZOS)


def square_png(data: bytes, is_svg: bool, size: int = EXTERNAL_SIZE) -> bytes:
    """The logo fitted into a transparent `size`×`size` square, as PNG. Raises `UnreadableLogo`."""
    picture = _decode(data, is_svg, size)
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    canvas.paste(picture, ((size - picture.width) // 2, (size - picture.height) // 2), picture)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def favicon_ico(square: bytes) -> bytes:
    """An ICO holding the square PNG at the usual favicon sizes."""
    image = Image.open(io.BytesIO(square)).convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="ICO", sizes=[(s, s) for s in FAVICON_SIZES])
    return out.getvalue()


@dataclass(frozen=True)
class Renditions:
    png: bytes
    ico: bytes


def _render(path: Path) -> Renditions:
    """Blocking: read and draw the logo at `path`, or the built-in one when that fails."""
    try:
        png = square_png(path.read_bytes(), path.suffix.lower() == ".svg")
    except (OSError, UnreadableLogo) as error:
        if path == DEFAULT_LOGO:
            raise
        log.warning(
            "the logo %s cannot be drawn (%s): using the built-in logo for previews", path.name, error
        )
        png = square_png(DEFAULT_LOGO.read_bytes(), is_svg=True)
    return Renditions(png=png, ico=favicon_ico(png))


class LogoImages:
    """PNG and ICO renditions of whatever logo `logo_path()` names now, remade when the file changes."""

    def __init__(self, logo_path: Callable[[], Path]) -> None:
        self._logo_path = logo_path
        self._key: tuple[str, int, int] | None = None
        self._renditions: Renditions | None = None
        self._lock = asyncio.Lock()
        self.renders = 0
        """How many times a logo was drawn (once per file; for tests)."""

    async def current(self) -> Renditions:
        path = self._logo_path()
        key = await asyncio.to_thread(_file_key, path)
        if key == self._key and self._renditions is not None:
            return self._renditions
        async with self._lock:
            if key != self._key or self._renditions is None:
                self._renditions = await asyncio.to_thread(_render, path)
                self._key = key
                self.renders += 1
            return self._renditions


def _file_key(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_size, stat.st_mtime_ns)
