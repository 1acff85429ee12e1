"""`/api/metrics/cmcd` (anyone; newer Owncast's development branch, reference newer §14.3): players report
CMCD as JSON (`POST`, one object or an array) or in the dictionary syntax (`GET ?CMCD=`, the `CMCD-*`
headers). Every answer carries `Access-Control-Allow-Origin: *`; success is 200 with an empty body, an
unusable request a simple 400. Other methods: 405 with an empty body, as Owncast 0.2's router answers.
"""

from __future__ import annotations

import json
from typing import Any, Final

from aiohttp import web

from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.auth.requirements import public
from ownstream.net.client_address import client_address
from ownstream.stream.cmcd import NO_REPORT, Report, body_reports, header_report, parse_dictionary
from ownstream.stream.viewers import viewer_id

routes = web.RouteTableDef()

MAX_BODY_BYTES: Final = 64 * 1024
CORS: Final = {"Access-Control-Allow-Origin": "*"}
PREFLIGHT: Final = CORS | {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, CMCD-Request, CMCD-Object, CMCD-Status, CMCD-Session",
}


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@routes.route("*", "/api/metrics/cmcd")
@public
async def cmcd_report(request: web.Request) -> web.Response:
    if request.method == "OPTIONS":
        return web.Response(status=204, headers=PREFLIGHT)
    if request.method not in ("GET", "POST"):
        return web.Response(status=405, headers={**CORS, "Allow": "GET, POST"})
    try:
        reports = await _reports(request)
    except _Refused as refused:
        answer = json_response({"success": False, "message": refused.message}, status=400)
        answer.headers.update(CORS)
        return answer
    sender = viewer_id(client_address(request), request.headers.get("User-Agent", ""))
    services(request).playback.cmcd(sender, reports, from_request=False)
    return web.Response(status=200, headers=CORS)


async def _reports(request: web.Request) -> list[Report]:
    from_headers = header_report(request.headers)
    if request.method == "GET":
        query = request.query.get("CMCD")
        if query is None:
            raise _Refused(NO_REPORT)
        reports = body_reports(parse_dictionary(query), from_headers)
    else:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise _Refused("http: request body too large")
        body = await request.content.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise _Refused("http: request body too large")
        reports = body_reports(_decode(body), from_headers)
    if not reports:
        raise _Refused(NO_REPORT)
    return reports


def _decode(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body, parse_constant=_not_json)
    except UnicodeDecodeError:
        raise _Refused("invalid character in request body") from None
    except json.JSONDecodeError as error:
        if error.pos >= len(error.doc.rstrip()):
            raise _Refused("unexpected EOF") from None
        raise _Refused(f"invalid character {error.doc[error.pos]!r} looking for beginning of value") from None
    except (ValueError, RecursionError):
        # NaN/Infinity, integers past Python's digit limit, nesting past the parser's recursion limit.
        raise _Refused("invalid request body") from None


def _not_json(name: str) -> Any:
    raise ValueError(name)
