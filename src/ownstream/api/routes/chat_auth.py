"""Chat authentication (newer Owncast §7): IndieAuth as a client and fediverse one-time codes.

- `POST /api/auth/indieauth?accessToken=` `{"authHost": "<profile URL>"}` → `{"redirect": …}`;
- `GET /api/auth/indieauth/callback?state=&code=` → 307 to `/`, or 400 `text/html`
  "Unable to complete authentication.";
- `POST /api/auth/fediverse?accessToken=` `{"account": "user@host"}` → simple response;
- `POST /api/auth/fediverse/verify?accessToken=` `{"code": "123456"}` → simple response, or 403 with an
  empty body for a wrong, expired or used code (or an unknown token);
- `GET|POST /api/auth/provider/indieauth`: this server as an IndieAuth provider for the streamer (§7.2).
Errors are Owncast's simple responses and texts.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, ChatUser, public, requires
from ownstream.auth.token_gates import caller
from ownstream.chat_auth.fediverse_codes import CodeRefused
from ownstream.chat_auth.indieauth_client import IndieAuthFailed
from ownstream.chat_auth.indieauth_provider import ProviderRefused
from ownstream.errors import Invalid

log = logging.getLogger(__name__)

routes = web.RouteTableDef()

CALLBACK_FAILED_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Authentication</title></head><body>'
    '<p>Unable to complete authentication.</p><p><a href="/">Return to the stream</a></p></body></html>\n'
)
NOT_FOR_INTEGRATIONS = "only chat users can authenticate"


async def _json_body(request: web.Request, prefix: str) -> Any:
    """The body as JSON, or `Invalid` with the decoder's text after `prefix` (Owncast's habit)."""
    raw = await request.read()
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        reason = str(error) if isinstance(error, ValueError) else "too deeply nested"
        raise Invalid(f"{prefix}{reason}") from None


def _string_field(body: Any, name: str) -> str:
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""


@routes.post("/api/auth/indieauth")
@requires(ChatUser())
@error_shape("simple")
async def start_indieauth(request: web.Request) -> web.Response:
    user = caller(request)
    if user.is_bot:
        raise Invalid(NOT_FOR_INTEGRATIONS)
    body = await _json_body(request, "")
    redirect = await services(request).indieauth.start(
        user, request.query.get("accessToken", ""), _string_field(body, "authHost")
    )
    return json_response({"redirect": redirect}, no_cache=True)


@routes.get("/api/auth/indieauth/callback")
@public
async def indieauth_callback(request: web.Request) -> web.Response:
    try:
        await services(request).indieauth.complete(
            request.query.get("state", ""), request.query.get("code", "")
        )
    except (IndieAuthFailed, Invalid) as failure:
        log.info("IndieAuth sign-in not completed: %s", failure)
        return web.Response(status=400, text=CALLBACK_FAILED_PAGE, content_type="text/html")
    return web.Response(status=307, headers={"Location": "/"})


@routes.post("/api/auth/fediverse")
@requires(ChatUser())
@error_shape("simple")
async def send_fediverse_code(request: web.Request) -> web.Response:
    user = caller(request)
    if user.is_bot:
        raise Invalid(NOT_FOR_INTEGRATIONS)
    body = await _json_body(request, "Could not decode request: ")
    account = _string_field(body, "account")
    await services(request).fediverse_codes.send_code(user, request.query.get("accessToken", ""), account)
    return simple_response(True, "")


@routes.post("/api/auth/fediverse/verify")
@public
@error_shape("simple")
async def verify_fediverse_code(request: web.Request) -> web.Response:
    body = await _json_body(request, "Could not decode request: ")
    code = _string_field(body, "code")
    if not code:
        raise Invalid("Could not decode request: code is required")
    try:
        await services(request).fediverse_codes.verify(request.query.get("accessToken", ""), code)
    except CodeRefused:
        return web.Response(status=403)
    return simple_response(True, "")


@routes.get("/api/auth/provider/indieauth")
@requires(Admin())
async def provider_authorize(request: web.Request) -> web.Response:
    """The streamer, signed in as the admin, approves a site's sign-in with this server's URL."""
    try:
        target = await services(request).indieauth_provider.authorize(request.query)
    except ProviderRefused as refused:
        if refused.document is not None:
            return json_response(refused.document)
        return web.Response(status=500, text=str(refused))
    return web.Response(status=307, headers={"Location": target})


@routes.post("/api/auth/provider/indieauth")
@public
async def provider_redeem(request: web.Request) -> web.Response:
    """A site checks the code it was given (no authentication: the code and the PKCE verifier are the
    proof); always 200, mismatches as `{"error": "invalid_client", …}`, as in Owncast."""
    form = await request.post()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    return json_response(await services(request).indieauth_provider.redeem(fields), no_cache=True)
