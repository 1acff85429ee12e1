"""Response helpers in Owncast's wire conventions (JSON with a trailing newline, no-cache headers)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

NO_CACHE_HEADERS = {
    "Cache-Control": "no-cache, no-store, must-revalidate",
    "Expires": "Thu, 1 Jan 1970 00:00:00 GMT",
}


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None, *, no_cache: bool = False
) -> web.Response:
    merged = dict(NO_CACHE_HEADERS) if no_cache else {}
    if headers:
        merged.update(headers)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return web.Response(
        text=body, status=status, content_type="application/json", charset="utf-8", headers=merged
    )


def simple_response(success: bool, message: str) -> web.Response:
    """Owncast's `{"success", "message"}`: 200 when successful, 400 otherwise."""
    return json_response({"success": success, "message": message}, status=200 if success else 400)
