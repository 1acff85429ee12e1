"""The gates for callers holding a token: chat users and moderators (`?accessToken=`), integrations
(`Authorization: Bearer`, reference §2.4) and the Prometheus scraper (`OWNSTREAM_METRICS_TOKEN`).

Owncast's answers, kept exactly: a missing, unknown or disabled token, or one without the route's scope
or role, gets 401 with the plain body `unauthorized`. Integration routes answer `OPTIONS` with 204 and
CORS `*` before any check, and an authorised integration's response (errors included) carries
`Access-Control-Allow-Origin: *`. The metrics route answers 404 while no token is configured, as if it
did not exist.

The caller a gate admitted is in `request[CALLER]` for the handler.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

from ownstream.auth.requirements import ChatUser, Integration, Moderator, Requirement
from ownstream.auth.tokens import IntegrationTokens
from ownstream.domain.users import User
from ownstream.net.client_address import client_address

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UserForToken = Callable[[str], Awaitable[User | None]]
IsBanned = Callable[[str], Awaitable[bool]]

CALLER = web.RequestKey("caller", User)
"""The chat user or integration a gate admitted."""
_INTEGRATION = web.RequestKey("integration_authorised", bool)

INTEGRATION_PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
}


def unauthorized() -> web.Response:
    """Owncast's 401 for a user or integration token: a plain `unauthorized`."""
    return web.Response(status=401, text="unauthorized\n")


def caller(request: web.Request) -> User:
    """The chat user or integration the route's gate admitted."""
    return request[CALLER]


class ChatUserGate:
    """`ChatUser` and `Moderator`: the token in `?accessToken=` names a user who is not disabled (and,
    for `Moderator`, is a moderator). A `ChatUser` route also refuses a banned client address (newer
    Owncast §5; moderator routes do not check bans, as there)."""

    def __init__(self, user_for_token: UserForToken, is_banned: IsBanned | None = None) -> None:
        self._user_for_token = user_for_token
        self._is_banned = is_banned

    async def serve(
        self, request: web.Request, requirement: Requirement, handler: Handler
    ) -> web.StreamResponse:
        if (
            isinstance(requirement, ChatUser)
            and self._is_banned is not None
            and await self._is_banned(client_address(request))
        ):
            return unauthorized()
        user = await self._user_for_token(request.query.get("accessToken", ""))
        if user is None or user.disabled:
            return unauthorized()
        if isinstance(requirement, Moderator) and not user.is_moderator:
            return unauthorized()
        request[CALLER] = user
        return await handler(request)


class IntegrationGate:
    """`Integration(scope)`: a Bearer access token holding the scope; its last use is recorded."""

    def __init__(self, tokens: IntegrationTokens) -> None:
        self._tokens = tokens

    async def serve(
        self, request: web.Request, requirement: Requirement, handler: Handler
    ) -> web.StreamResponse:
        if not isinstance(requirement, Integration):
            raise TypeError(f"the integration gate cannot serve {requirement!r}")
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=INTEGRATION_PREFLIGHT_HEADERS)
        user = await self._tokens.authorise(request.headers.get("Authorization"), requirement.scope)
        if user is None:
            return unauthorized()
        request[CALLER] = user
        request[_INTEGRATION] = True
        return await handler(request)


async def integration_any_origin(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: authorised integration responses may be read from any origin."""
    if request.get(_INTEGRATION):
        response.headers["Access-Control-Allow-Origin"] = "*"


def bearer_token_matches(header: str | None, expected: str) -> bool:
    """Constant-time check of an `Authorization: Bearer <token>` header."""
    if not header or header[:7].lower() != "bearer ":
        return False
    return hmac.compare_digest(header[7:].strip().encode("utf-8"), expected.encode("utf-8"))


class MetricsScraperGate:
    """`MetricsScraper`: `Authorization: Bearer` with the configured metrics token; without one
    configured the route does not exist (404)."""

    def __init__(self, token: str | None) -> None:
        self._token = token

    async def serve(
        self, request: web.Request, _requirement: Requirement, handler: Handler
    ) -> web.StreamResponse:
        if not self._token:
            raise web.HTTPNotFound()
        if not bearer_token_matches(request.headers.get("Authorization"), self._token):
            return web.Response(status=401, text="Unauthorized\n", headers={"WWW-Authenticate": "Bearer"})
        return await handler(request)
