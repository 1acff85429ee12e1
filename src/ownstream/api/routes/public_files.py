"""`GET /public/<path>`: the streamer's own files from `<datadir>/public` (newer Owncast 0.1.0, reference
newer §4.2), as a Go file server serves them: a file (byte ranges too), `index.html` for a folder, else a
listing of the folder, 404 when missing. Nothing outside the folder is reachable (`..`, symlinks out)."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from ownstream.api.state import services
from ownstream.auth.requirements import public

routes = web.RouteTableDef()

PUBLIC_DIR = "public"
HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


def resolve(root: Path, relative: str) -> Path | None:
    """The file or folder `relative` names inside `root`, or None when it is outside or missing."""
    try:
        base = root.resolve(strict=True)
        target = (base / relative.lstrip("/")).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return target if target == base or base in target.parents else None


def listing(folder: Path, url_path: str) -> str:
    entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    items = "".join(
        f'<a href="{quote(entry.name)}{"/" if entry.is_dir() else ""}">'
        f"{html.escape(entry.name)}{'/' if entry.is_dir() else ''}</a>\n"
        for entry in entries
    )
    return f"<pre>\n{items}</pre>\n"


@routes.get("/public/{path:.*}")
@public
async def public_file(request: web.Request) -> web.StreamResponse:
    root = services(request).settings.data_dir / PUBLIC_DIR
    relative = request.match_info["path"]
    target = await asyncio.to_thread(resolve, root, relative)
    if target is None:
        raise web.HTTPNotFound()
    if await asyncio.to_thread(target.is_dir):
        if relative and not relative.endswith("/"):
            raise web.HTTPMovedPermanently(request.path + "/")
        index = target / "index.html"
        if await asyncio.to_thread(index.is_file):
            return web.FileResponse(index, headers=HEADERS)
        text = await asyncio.to_thread(listing, target, request.path)
        return web.Response(text=text, content_type="text/html", charset="utf-8", headers=HEADERS)
    return web.FileResponse(target, headers=HEADERS)
