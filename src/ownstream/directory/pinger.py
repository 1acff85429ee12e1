"""The directory pinger: while a stream runs, tells the Owncast directory that this server is live.

Started on `StreamStarted`, stopped on `StreamStopped`. The first ping goes out one interval after
connect, then one per interval, each skipped while the stream isn't `online` yet (reference §9).
Unlike Owncast 0.0.11, which saved the key it had *sent*, the key the directory returns is stored.
Nothing here ever raises into the event loop: network and directory failures are logged.

Pings go out through the server's shared HTTP client (outbound/http.py; private addresses allowed: a
directory may run on the same network), not through a delivery queue: each answer decides what the
next ping carries, and a missed ping is superseded by the next one, so there is nothing to retry.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from ownstream.clock import PeriodicTimer
from ownstream.config.service import ConfigService
from ownstream.directory.yp import parse_ping_reply, ping_body, ping_url, usable_server_url
from ownstream.events import EventBus, StreamStarted, StreamStopped
from ownstream.outbound.http import OutboundFailure, OutboundHttp

log = logging.getLogger(__name__)

MAX_REPLY_BYTES = 64 * 1024


class DirectoryPinger:
    def __init__(
        self,
        config: ConfigService,
        bus: EventBus,
        is_online: Callable[[], bool],
        *,
        directory_url: str,
        interval: float,
        timeout: float,
        http: OutboundHttp | None = None,
    ) -> None:
        """`http`: the server's shared client; without one the pinger makes (and closes) its own."""
        self._config = config
        self._bus = bus
        self._is_online = is_online
        self._ping_url = ping_url(directory_url)
        self._timeout = timeout
        self._timer = PeriodicTimer("directory-ping", interval, self.ping_once)
        self._owns_http = http is None
        self._http = http
        self._unsubscribe: list[Callable[[], None]] = []
        self._warned_server_url = False
        self._warned_refusal = False

    @property
    def pinging(self) -> bool:
        return self._timer.running

    async def start(self) -> None:
        if self._http is None:
            self._http = OutboundHttp()
        self._unsubscribe = [
            self._bus.subscribe(StreamStarted, self._stream_started),
            self._bus.subscribe(StreamStopped, self._stream_stopped),
        ]

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        await self._timer.stop()
        if self._owns_http and self._http is not None:
            await self._http.close()
            self._http = None

    def _stream_started(self, _event: StreamStarted) -> None:
        self._enabled()  # warns now about an unusable server URL rather than at the first ping
        self._timer.start()

    async def _stream_stopped(self, _event: StreamStopped) -> None:
        await self._timer.stop()

    def _enabled(self) -> bool:
        """Whether pings should go out; warns once while the directory is on but the URL is unusable."""
        config = self._config.current
        if not config.directory_enabled:
            return False
        if not usable_server_url(config.server_url):
            if not self._warned_server_url:
                log.warning(
                    "the directory listing is on, but the server URL %r is not an absolute http(s) URL; "
                    "no directory pings until it is set",
                    config.server_url,
                )
                self._warned_server_url = True
            return False
        self._warned_server_url = False
        return True

    async def ping_once(self) -> None:
        if self._http is None or not self._is_online() or not self._enabled():
            return
        config = self._config.current
        sent_key = config.directory_registration_key
        data = await self._post(ping_body(sent_key, config.server_url))
        if data is None:
            return
        reply = parse_ping_reply(data)
        if not reply.success:
            if not self._warned_refusal:
                log.warning("the directory refused the ping: %s (code %d)", reply.error, reply.error_code)
                self._warned_refusal = True
            return
        if self._warned_refusal:
            log.info("the directory accepts pings again")
            self._warned_refusal = False
        if reply.key and reply.key != sent_key:
            await self._config.update(directory_registration_key=reply.key)
            log.info("stored the directory registration key")

    async def _post(self, body: dict[str, str]) -> Any:
        """The reply's JSON (a failed reply when unreadable), or None after logging a transport failure."""
        assert self._http is not None
        try:
            reply = await self._http.request(
                "POST",
                self._ping_url,
                body=json.dumps(body).encode("utf-8"),
                headers={"Content-Type": "application/json"},
                timeout=self._timeout,
                allow_private=True,
                max_reply_bytes=MAX_REPLY_BYTES,
            )
        except OutboundFailure as failure:
            log.warning("could not reach the directory at %s: %s", self._ping_url, failure.detail)
            return None
        try:
            return json.loads(reply.body)
        except (ValueError, RecursionError):
            return {"success": False, "error": f"unreadable reply (HTTP {reply.status})"}
