"""Exceptions become responses here, and only here, in the shape of the endpoint that raised them.

Owncast endpoints answer errors in one of two shapes: the simple response `{"success": false,
"message": …}` or the error object `{"error": …}`. A handler declares its shape with `@error_shape`.
Anything unexpected is logged with its traceback and answered 500 in that shape; bad input never is.
A full disk (ENOSPC, SQLite's "database or disk is full") is not unexpected: 503 `Unavailable`, and
one log line a minute at most.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

from aiohttp import web

from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.disk_full import DISK_FULL_MESSAGE, is_disk_full
from ownstream.errors import DomainError, Invalid, Unavailable

log = logging.getLogger(__name__)

Shape = Literal["simple", "error"]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Handler)

_SHAPE_ATTRIBUTE = "__owncast_error_shape__"
CLIENT_CLOSED_REQUEST = 499
"""The status the access log and metrics record for a client that left mid-request (nginx's convention)."""


def error_shape(shape: Shape) -> Callable[[H], H]:
    def mark(handler: H) -> H:
        setattr(handler, _SHAPE_ATTRIBUTE, shape)
        return handler

    return mark


def error_body(shape: Shape, message: str) -> dict[str, Any]:
    if shape == "simple":
        return {"success": False, "message": message}
    return {"error": message}


def _shape_of(request: web.Request) -> Shape:
    handler = getattr(request.match_info, "handler", None)
    shape = getattr(handler, _SHAPE_ATTRIBUTE, "error")
    return "simple" if shape == "simple" else "error"


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except DomainError as exc:
        return _domain_response(request, exc)
    except web.HTTPException:
        raise
    except ConnectionResetError:
        # The client left mid-request (aiohttp's "Connection lost" while the body was read): its doing,
        # not ours, so one line and no traceback. Nobody is left to read the answer.
        log.info("client left during %s %s", request.method, request.path)
        return web.Response(status=CLIENT_CLOSED_REQUEST)
    except Exception as exc:
        if is_disk_full(exc):
            services(request).disk_full.report(f"{request.method} {request.path}", exc)
            return _domain_response(request, Unavailable(DISK_FULL_MESSAGE))
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_response(error_body(_shape_of(request), "internal server error"), status=500)


def _domain_response(request: web.Request, error: DomainError) -> web.Response:
    return json_response(error_body(_shape_of(request), error.message), status=error.status)


def parse_json(raw: bytes, message: str = "unable to parse request") -> Any:
    """`raw` as JSON, or `Invalid(message)`.

    Refused: anything that is not JSON in UTF-8, NaN and Infinity (not JSON, and Go's decoder refused
    them), and nesting deeper than the parser's recursion limit (a RecursionError, not a ValueError).
    """
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise Invalid(message) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


async def read_json(request: web.Request, message: str = "unable to parse request") -> Any:
    """The request body as JSON, or `Invalid(message)` (see `parse_json`)."""
    return parse_json(await request.read(), message)
