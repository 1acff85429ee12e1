"""The HTTP listener's guard against slow and greedy peers, in front of aiohttp's own protocol.

- A header deadline: a request's header must be complete within `header_timeout` of its first byte (of
  the connection opening, for the first request). aiohttp has no such timeout; its keep-alive timer only
  runs between requests, so a client sending half a request line and then nothing, or one byte every few
  seconds, held a connection (and a file descriptor) for an hour.
- A per-address connection cap (`ConnectionCap`), counted by TCP peer address.

`_GuardedConnection` wraps the `RequestHandler` that aiohttp's server makes for each connection and
forwards every protocol callback to it; it reads two of the handler's private counters, which the tests
in tests/net/test_http_guard.py pin against the aiohttp version in use.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass
from typing import cast

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from ownstream.net.client_address import parse_ip
from ownstream.net.connection_caps import ConnectionCap
from ownstream.net.rate_limited_log import RateLimitedLog

log = logging.getLogger(__name__)


@dataclass
class HttpGuard:
    header_timeout: float
    cap: ConnectionCap

    def __post_init__(self) -> None:
        self.slow_headers = RateLimitedLog(log, logging.INFO)


def peer_address(transport: asyncio.BaseTransport) -> str:
    peername = transport.get_extra_info("peername")
    host = peername[0] if isinstance(peername, tuple) and peername else ""
    address = parse_ip(str(host))
    return str(address) if address is not None else str(host)


class _GuardedConnection(asyncio.Protocol):
    def __init__(self, server: web.Server, guard: HttpGuard) -> None:
        self._server = server
        self._guard = guard
        self._inner: RequestHandler | None = None
        self._address = ""
        self._deadline: asyncio.TimerHandle | None = None
        self._requests_at_arming = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._address = peer_address(transport)
        if not self._guard.cap.admit(self._address):
            cast(asyncio.Transport, transport).abort()
            return
        self._inner = self._server()
        self._inner.connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        inner = self._inner
        if inner is None:
            return
        if self._deadline is None and not inner._request_in_progress:
            # Between requests, new bytes start a request header.
            self._arm()
        inner.data_received(data)
        if self._deadline is not None and inner._request_count != self._requests_at_arming:
            self._disarm()

    def eof_received(self) -> None:
        if self._inner is not None:
            self._inner.eof_received()

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm()
        inner, self._inner = self._inner, None
        if inner is None:
            return  # refused at the cap, never counted
        self._guard.cap.release(self._address)
        inner.connection_lost(exc)

    def _arm(self) -> None:
        assert self._inner is not None
        self._requests_at_arming = self._inner._request_count
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(self._guard.header_timeout, self._header_overdue)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _header_overdue(self) -> None:
        self._deadline = None
        inner = self._inner
        if inner is None or inner._request_count != self._requests_at_arming or inner._request_in_progress:
            return
        self._guard.slow_headers.log(
            "HTTP connection from %s closed: no complete request header within %.0f s",
            self._address,
            self._guard.header_timeout,
        )
        inner.force_close()


class GuardedTCPSite(web.BaseSite):
    """`web.TCPSite`, with each connection behind the guard."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, guard: HttpGuard) -> None:
        super().__init__(runner)
        self._host = host
        self._port = port
        self._guard = guard

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def port(self) -> int:
        """The bound port (the requested one before `start`)."""
        sockets = getattr(self._server, "sockets", None) if self._server is not None else None
        return int(sockets[0].getsockname()[1]) if sockets else self._port

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        if server is None:
            raise RuntimeError("the web runner is not set up")
        guard = self._guard
        self._server = await asyncio.get_running_loop().create_server(
            lambda: _GuardedConnection(server, guard),
            self._host,
            self._port,
            backlog=self._backlog,
            reuse_address=True,
        )


class GuardedSocketSite(web.BaseSite):
    """A site on a listening socket someone else bound (a `--workers` parent), each connection behind the
    guard. Several processes accept on the one socket; the kernel hands each connection to one of them."""

    def __init__(self, runner: web.BaseRunner, sock: socket.socket, guard: HttpGuard) -> None:
        super().__init__(runner)
        self._sock = sock
        self._guard = guard

    @property
    def name(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        if server is None:
            raise RuntimeError("the web runner is not set up")
        guard = self._guard
        self._server = await asyncio.get_running_loop().create_server(
            lambda: _GuardedConnection(server, guard), sock=self._sock, backlog=self._backlog
        )
