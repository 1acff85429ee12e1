"""`POST /api/admin/preview/markdown`: a page text rendered as viewers will see it (the dashboard's
previews of the summary, page content and welcome message). Ours: Owncast has no such endpoint.

Body `{"value": "<markdown>"}`, answer `{"html": "<sanitized html>"}`, from the same renderer and
allow-list as `/api/config`. Rendering large texts takes a while, so it runs off the event loop.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from ownstream.api.bodies import unsupported_method
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response
from ownstream.api.routes.admin_config import read_config_value
from ownstream.auth.requirements import Admin, requires
from ownstream.config.validation import expect_string
from ownstream.errors import Invalid
from ownstream.markdown import render_page_markdown

MAX_PREVIEW_CHARACTERS = 256 * 1024

routes = web.RouteTableDef()


@routes.route("*", "/api/admin/preview/markdown")
@requires(Admin())
@error_shape("simple")
async def preview_markdown(request: web.Request) -> web.Response:
    if refused := unsupported_method(request):
        return refused
    text = expect_string(await read_config_value(request), "text")
    if len(text) > MAX_PREVIEW_CHARACTERS:
        raise Invalid(f"text must be at most {MAX_PREVIEW_CHARACTERS} characters")
    html = await asyncio.to_thread(render_page_markdown, text)
    return json_response({"html": html}, no_cache=True)
