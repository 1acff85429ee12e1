"""`POST /api/admin/config/favicon` (upload) and `DELETE` (back to the logo's), newer Owncast 0.2.5 (reference
newer §4.3). The upload is multipart (part `favicon`) or JSON `{"value": "data:image/png;base64,…"}`."""

from __future__ import annotations

import asyncio

from aiohttp import BodyPartReader, web

from ownstream.api.errors import error_shape, read_json
from ownstream.api.responses import simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.config.favicon import (
    MAX_FAVICON_BYTES,
    NO_FILE,
    TOO_LARGE,
    UNREADABLE,
    Favicon,
    favicon_from_data_uri,
    favicon_from_upload,
    install_favicon,
    remove_favicons,
)
from ownstream.errors import Invalid

routes = web.RouteTableDef()

PATH = "/api/admin/config/favicon"


async def _multipart_favicon(request: web.Request) -> Favicon:
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.name == "favicon":
                data = bytearray()
                while chunk := await part.read_chunk(16 * 1024):
                    data.extend(chunk)
                    if len(data) > MAX_FAVICON_BYTES:
                        raise Invalid(TOO_LARGE)
                return favicon_from_upload(part.headers.get("Content-Type", ""), bytes(data))
    except (ValueError, AssertionError):
        raise Invalid(UNREADABLE) from None
    raise Invalid(NO_FILE)


@routes.post(PATH)
@requires(Admin())
@error_shape("simple")
async def upload_favicon(request: web.Request) -> web.Response:
    if request.content_type.startswith("multipart/"):
        favicon = await _multipart_favicon(request)
    else:
        body = await read_json(request, UNREADABLE)
        favicon = favicon_from_data_uri(body.get("value") if isinstance(body, dict) else None)
    svc = services(request)
    name = await asyncio.to_thread(install_favicon, svc.settings.data_dir, favicon)
    await svc.config.update(favicon_path=name)
    return simple_response(True, "favicon updated")


@routes.delete(PATH)
@requires(Admin())
@error_shape("simple")
async def reset_favicon(request: web.Request) -> web.Response:
    svc = services(request)
    await svc.config.update(favicon_path="")
    await asyncio.to_thread(remove_favicons, svc.settings.data_dir)
    return simple_response(True, "favicon reset to default")
