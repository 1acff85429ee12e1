"""A web process's `/hls/…`: asked of the media process (`--media-url`), answered as it answers.

The media process holds the live stream in memory, so blocking playlist reloads (`_HLS_msn`/`_HLS_part`)
and parts sent as they arrive work through here exactly as there: the answer is passed on chunk by chunk
as it comes. The request carries the client's address in `X-Forwarded-For` (the media process trusts
it from the web processes: `--trusted-proxies`, or on its own under `--workers`), so the media process
counts the viewer and applies its rules to the client, not to this process.
"""

from __future__ import annotations

import logging

import aiohttp
from aiohttp import web

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
