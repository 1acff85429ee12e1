"""What aiohttp reports once per finished request: counted for the metrics, and written as one access-log
line when the access log is on (`--access-log`, or `--loglevel debug`).

A line: `<client> "<METHOD> <path?query> HTTP/<v>" <status> <bytes> <ms>ms "<user agent>"`. The query's
`accessToken` is replaced, no header but the User-Agent is written, and the logging filter redacts the
rest (stream keys, Bearer tokens) as for every line.
"""

from __future__ import annotations

import logging
import re
from typing import Protocol

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from ownstream.logfilters import REDACTED
from ownstream.net.client_address import TrustedProxies, client_address

log = logging.getLogger(__name__)
_TOKEN_IN_QUERY = re.compile(r"(?i)((?:^|[?&])accesstoken=)[^&]*")
UNMATCHED_ROUTE = "unmatched"
INVALID_REQUEST_ROUTE = "invalid"


class RequestMetrics(Protocol):
    def observe_request(self, method: str, route: str, status: int, seconds: float | None) -> None: ...


def route_label(request: BaseRequest) -> str:
    """The route's pattern (`/api/admin/chat/messagevisibility`, `/hls/{path}`): a bounded label."""
    if not isinstance(request, web.Request):
        return INVALID_REQUEST_ROUTE
    try:
        match_info = request.match_info
    except AssertionError:  # aiohttp's error answer to a request it could not parse was never routed
        return INVALID_REQUEST_ROUTE
    resource = match_info.route.resource if match_info is not None else None
    if resource is None:
        return UNMATCHED_ROUTE
    return resource.canonical


def safe_target(request: BaseRequest) -> str:
    return _TOKEN_IN_QUERY.sub(rf"\1{REDACTED}", request.path_qs)


def access_observer(
    metrics: RequestMetrics | None, *, log_lines: bool, proxies: TrustedProxies | None = None
) -> type[AbstractAccessLogger]:
    """The class aiohttp instantiates as its access logger (it takes a class, hence the factory)."""

    class RequestObserver(AbstractAccessLogger):
        def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
            try:
                self._observe(request, response, time)
            except Exception:  # never let bookkeeping break a connection
                log.exception("recording a request failed")

        def _observe(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
            status = response.status
            if metrics is not None:
                timed = None if status == 101 else time  # a WebSocket's time is the session's length
                metrics.observe_request(request.method, route_label(request), status, timed)
            if log_lines and self.logger.isEnabledFor(logging.INFO):
                client = client_address(request, proxies or TrustedProxies())
                version = f"{request.version.major}.{request.version.minor}"
                self.logger.info(
                    '%s "%s %s HTTP/%s" %d %d %.1fms "%s"',
                    client or "-",
                    request.method,
                    safe_target(request),
                    version,
                    status,
                    response.body_length,
                    time * 1000,
                    request.headers.get("User-Agent", "-"),
                )

    return RequestObserver
