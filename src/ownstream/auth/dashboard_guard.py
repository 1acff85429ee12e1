"""The defects issue's protections, applied to the admin dashboard's own credential checks.

The same rules as the admin API's Basic gate (auth/admin.py): a request from a foreign page (`Origin`,
else `Referer`) is not served with credentials a browser attaches on its own (here also the session
cookie); wrong passwords, in the login form too, count towards the per-address back-off of the one
`LoginThrottle`; and a request reached us over HTTPS when its own origin says so, which honours
`X-Forwarded-Proto` only from a trusted proxy.
"""

from __future__ import annotations

from aiohttp import web

from ownstream.auth.login_throttle import LoginThrottle
from ownstream.auth.origins import own_origin, refuses_credentialed
from ownstream.config.service import ConfigService
from ownstream.net.client_address import client_address


class DashboardGuard:
    def __init__(self, config: ConfigService, throttle: LoginThrottle) -> None:
        self._config = config
        self._throttle = throttle

    def refuses(self, request: web.Request) -> bool:
        return refuses_credentialed(request, self._config.current)

    async def wait_turn(self, request: web.Request) -> None:
        await self._throttle.wait_turn(client_address(request))

    def failed(self, request: web.Request) -> None:
        self._throttle.failed(client_address(request))

    def succeeded(self, request: web.Request) -> None:
        self._throttle.succeeded(client_address(request))

    def is_https(self, request: web.Request) -> bool:
        origin = own_origin(request)
        return origin is not None and origin.startswith("https://")
