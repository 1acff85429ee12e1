"""What a web process asks of the media process (`--media-url`) and answers as the media process answers.

- `/hls/…` (`forward`): the media process holds the live stream in memory, so blocking playlist reloads
  (`_HLS_msn`/`_HLS_part`) and parts sent as they arrive work through here exactly as there: the answer
  is passed on chunk by chunk as it comes.
- The admin's simulcast routes (`relay`): the media process owns the destinations' forwarders, so a
  destination written through a web process must start or stop there at once, and only there are the
  live statuses. The web process's admin gate has admitted the request already (credentials, CSRF token,
  cross-site rule, back-off); the media process checks the same credentials again (it shares the
  database, hence the password and the session secret), which is why the relayed request carries
  `Authorization`, the admin's session cookie and the CSRF header. It does not carry `Origin` or
  `Referer`: the cross-site rule is about what a browser sends, and it was applied here, to the
  browser's request; the hop to the media process is this process's own. The small JSON answer is
  read whole and passed back with its status.

Both carry the client's address in `X-Forwarded-For` (the media process trusts it from the web
processes: `--trusted-proxies`, or on its own under `--workers`), so the media process counts the viewer
and applies its rules (a login's back-off) to the client, not to this process.
"""

from __future__ import annotations

import logging

import aiohttp
from aiohttp import web

from ownstream.auth.session import COOKIE_NAME
from ownstream.net.rate_limited_log import RateLimitedLog

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
PASSED_REQUEST_HEADERS = ("User-Agent", "Range", "If-None-Match", "If-Modified-Since", "Origin")
PASSED_RESPONSE_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "Access-Control-Allow-Origin",
    "ETag",
    "Last-Modified",
    "Accept-Ranges",
    "Content-Range",
    "Expires",
    "Pragma",
)


RELAYED_REQUEST_HEADERS = ("Authorization", "X-CSRF-Token", "Content-Type", "Accept", "User-Agent")
RELAY_TIMEOUT = 60.0
"""An admin write waits for the database and for a forwarder to stop or start: seconds, not minutes."""
MEDIA_UNREACHABLE = "the media process cannot be reached right now; try again"


class MediaForwarder:
    def __init__(self, media_url: str) -> None:
        self._base = media_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None
        self._failures = RateLimitedLog(log, logging.WARNING)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            # No overall limit: a blocking reload may wait three target durations, a hinted part longer.
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=0),
            auto_decompress=False,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def forward(self, request: web.Request, client: str) -> web.StreamResponse:
        session = self._session
        if session is None:
            raise web.HTTPServiceUnavailable()
        headers = {name: request.headers[name] for name in PASSED_REQUEST_HEADERS if name in request.headers}
        headers["X-Forwarded-For"] = client
        response: web.StreamResponse | None = None
        try:
            async with session.request(
                request.method, self._base + str(request.rel_url), headers=headers, allow_redirects=False
            ) as upstream:
                passed = {
                    name: upstream.headers[name]
                    for name in PASSED_RESPONSE_HEADERS
                    if name in upstream.headers
                }
                response = web.StreamResponse(status=upstream.status, headers=passed)
                if upstream.content_length is not None:
                    response.content_length = upstream.content_length
                await response.prepare(request)
                async for chunk in upstream.content.iter_any():
                    await response.write(chunk)
                await response.write_eof()
                return response
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            self._failures.log("the media process at %s cannot be reached for /hls/: %r", self._base, error)
            if response is None:
                return web.json_response(
                    {"error": "the stream is not reachable right now; try again"},
                    status=502,
                    headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"},
                )
            if request.transport is not None:
                request.transport.close()  # cut short: no cache may keep a truncated answer
            return response

    async def relay(self, request: web.Request, client: str) -> web.Response:
        """The request asked of the media process as it came (method, path, query, body, credentials),
        and its answer (status, JSON body) passed back; 502 in the simple shape when it cannot be asked."""
        session = self._session
        if session is None:
            raise web.HTTPServiceUnavailable()
        body = await request.read()
        headers = {name: request.headers[name] for name in RELAYED_REQUEST_HEADERS if name in request.headers}
        cookie = request.cookies.get(COOKIE_NAME)
        if cookie is not None:
            headers["Cookie"] = f"{COOKIE_NAME}={cookie}"
        headers["X-Forwarded-For"] = client
        headers["Accept-Encoding"] = "identity"
        try:
            async with session.request(
                request.method,
                self._base + str(request.rel_url),
                data=body if body else None,
                headers=headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=RELAY_TIMEOUT, sock_connect=CONNECT_TIMEOUT),
            ) as upstream:
                answer = await upstream.read()
                content_type = upstream.headers.get("Content-Type")
                status = upstream.status
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            self._failures.log(
                "the media process at %s cannot be reached for %s: %r", self._base, request.path, error
            )
            return web.json_response({"success": False, "message": MEDIA_UNREACHABLE}, status=502)
        response = web.Response(status=status, body=answer)
        if content_type is not None:
            response.headers["Content-Type"] = content_type
        return response
