"""Go-live notifications (newer-api §8): browser Web Push to every stored subscription, and a Discord
webhook message.

A stream that connects starts one timer (`delay`, Owncast's 2 minutes, so a streamer testing their setup
for a few seconds notifies nobody); a stream that ends before it fires cancels it. Nothing goes out if
the last notification left less than `min_interval` (10 minutes) ago, so a dropped connection and a
reconnect do not notify everyone twice.

Push messages go out through the server's one HTTP client, `workers` at a time. Endpoints are chosen by
viewers, so they must be public addresses unless the operator allows private ones. A push service
answering 404 or 410 says the subscription is gone: it is deleted. One attempt per message: a go-live
notice retried minutes later is worth less than none (its TTL is 2 minutes anyway).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.notifications import BROWSER_PUSH, NotificationRepository, Subscription
from ownstream.errors import Invalid
from ownstream.events import EventBus, StreamStarted, StreamStopped
from ownstream.notifications.vapid_keys import VapidKey
from ownstream.notifications.webpush import (
    BadSubscription,
    PushSubscription,
    audience,
    encrypt,
    vapid_authorization,
    vapid_jwt,
)
from ownstream.outbound.http import OutboundFailure, OutboundHttp

log = logging.getLogger(__name__)

PUSH_TTL_SECONDS = 120
PUSH_TOPIC = "owncast-go-live"
PUSH_TIMEOUT = 15.0
GONE_STATUSES = frozenset({404, 410})
JWT_REUSE_SECONDS = 3600


@dataclass(frozen=True)
class _PushKind:
    topic: str
    ttl: int


GO_LIVE = _PushKind(PUSH_TOPIC, PUSH_TTL_SECONDS)
REMINDER = _PushKind("owncast-schedule-reminder", 900)
"""A scheduled stream's reminder stays worth delivering for a quarter of an hour."""


@dataclass
class PushOutcome:
    delivered: int = 0
    failed: int = 0
    removed: int = 0
    seconds: float = 0.0


@dataclass
class _JwtCache:
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)

    def get(self, key: VapidKey, aud: str, subject: str, now: float) -> str:
        cached = self.tokens.get(aud)
        if cached is not None and cached[1] > now:
            return cached[0]
        token = vapid_jwt(key.private_key, aud, subject, now)
        self.tokens[aud] = (token, now + JWT_REUSE_SECONDS)
        return token


class NotificationService:
    def __init__(
        self,
        repository: NotificationRepository,
        config: ConfigService,
        bus: EventBus,
        http: OutboundHttp,
        clock: Clock,
        key: VapidKey,
        *,
        allow_private_endpoints: bool,
        delay: float = 120.0,
        min_interval: float = 600.0,
        workers: int = 64,
    ) -> None:
        self._repository = repository
        self._config = config
        self._bus = bus
        self._http = http
        self._clock = clock
        self.key = key
        self._allow_private = allow_private_endpoints
        self._delay = delay
        self._min_interval = min_interval
        self._workers = workers
        self._jwts = _JwtCache()
        self._timer: asyncio.Task[None] | None = None
        self._last_sent: float | None = None
        self._unsubscribe: list[Callable[[], None]] = []

    def start(self) -> None:
        self._unsubscribe = [
            self._bus.subscribe(StreamStarted, self._stream_started),
            self._bus.subscribe(StreamStopped, self._stream_stopped),
        ]

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        await self._cancel_timer()

    @property
    def public_key(self) -> str:
        return self.key.public_key

    async def register(self, channel: str, destination: str) -> None:
        """Store a subscription (`POST /api/notifications/register`); `Invalid` with Owncast's message."""
        if channel != BROWSER_PUSH:
            raise Invalid(f"invalid notification channel: {channel}")
        try:
            PushSubscription.parse(destination)
        except BadSubscription:
            raise Invalid("unable to register for notifications") from None
        await self._repository.add(channel, destination)

    # --- the go-live timer -------------------------------------------------------------------------

    def _stream_started(self, _event: StreamStarted) -> None:
        if self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._after_delay(), name="go-live notifications")
            self._timer.add_done_callback(self._timer_done)

    async def _stream_stopped(self, _event: StreamStopped) -> None:
        await self._cancel_timer()

    async def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None and not timer.done():
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer

    @staticmethod
    def _timer_done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("go-live notifications failed", exc_info=task.exception())

    async def _after_delay(self) -> None:
        await asyncio.sleep(self._delay)
        await self.notify_go_live()

    async def notify_go_live(self) -> None:
        """Send every enabled channel's go-live message, unless one went out within `min_interval`."""
        now = self._clock.monotonic()
        if self._last_sent is not None and now - self._last_sent < self._min_interval:
            log.info("go-live notifications skipped: the last ones went out less than 10 minutes ago")
            return
        self._last_sent = now
        config = self._config.current
        if config.discord.enabled and config.discord.webhook:
            await self.send_discord()
        if config.browser_push.enabled:
            outcome = await self.send_browser_push()
            log.info(
                "go-live Web Push: %d delivered, %d failed, %d expired subscriptions removed (%.1f s)",
                outcome.delivered,
                outcome.failed,
                outcome.removed,
                outcome.seconds,
            )

    async def send_reminder(self, text: str) -> None:
        """A scheduled stream's reminder (newer §14.1) through every enabled channel. Unlike go-live
        messages, reminders are not held back by the 10-minute rule: each occurrence sends each once."""
        config = self._config.current
        if config.discord.enabled and config.discord.webhook:
            await self.send_discord(text)
        if config.browser_push.enabled:
            outcome = await self.send_browser_push(text, reminder=True)
            log.info("reminder Web Push: %d delivered, %d failed", outcome.delivered, outcome.failed)

    # --- Discord -----------------------------------------------------------------------------------

    def discord_message(self, text: str | None = None) -> dict[str, str]:
        """The go-live message, or `text` (a scheduled stream's reminder) under the same name and logo."""
        config = self._config.current
        if text is not None:
            content = text
        else:
            content = config.discord.go_live_message
            if config.stream_title:
                content += f"\n{config.stream_title}"
            if config.server_url:
                content += f"\n\n{config.server_url}"
        avatar = f"{config.server_url.rstrip('/')}/logo" if config.server_url else ""
        return {"username": config.server_name, "content": content, "avatar_url": avatar}

    async def send_discord(self, text: str | None = None) -> None:
        body = json.dumps(self.discord_message(text)).encode()
        try:
            reply = await self._http.request(
                "POST",
                self._config.current.discord.webhook,
                timeout=PUSH_TIMEOUT,
                allow_private=True,  # the admin chose this address
                body=body,
                headers={"Content-Type": "application/json"},
            )
        except OutboundFailure as failure:
            log.warning("Discord message not delivered: %s", failure.reason)
            return
        if reply.status >= 300:
            log.warning("Discord message refused: HTTP %d", reply.status)

    # --- Web Push ----------------------------------------------------------------------------------

    def push_payload(self, text: str | None = None) -> bytes:
        config = self._config.current
        body = config.browser_push.go_live_message if text is None else text
        message = {"title": config.server_name, "body": body, "icon": "/logo"}
        return json.dumps(message).encode()

    def _subject(self) -> str:
        url = self._config.current.server_url
        return url if url.startswith("https://") else "mailto:webpush@ownstream.invalid"

    async def send_browser_push(self, text: str | None = None, *, reminder: bool = False) -> PushOutcome:
        """One push message (the go-live one, or `text`) to every stored subscription, `workers` in
        flight at a time."""
        started = time.perf_counter()
        outcome = PushOutcome()
        payload = self.push_payload(text)
        kind = REMINDER if reminder else GO_LIVE
        gone: list[int] = []
        queue: asyncio.Queue[Subscription | None] = asyncio.Queue(maxsize=self._workers * 2)

        async def work() -> None:
            while (item := await queue.get()) is not None:
                result = await self._push_one(item, payload, kind)
                if result == "delivered":
                    outcome.delivered += 1
                else:
                    outcome.failed += 1
                    if result == "gone":
                        gone.append(item.id)

        workers = [asyncio.create_task(work(), name=f"web push {n}") for n in range(self._workers)]
        try:
            async for page in self._repository.pages(BROWSER_PUSH):
                for subscription in page:
                    await queue.put(subscription)
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        finally:
            for worker in workers:
                worker.cancel()
        await self._repository.remove(gone)
        outcome.removed = len(gone)
        outcome.seconds = time.perf_counter() - started
        return outcome

    async def _push_one(self, stored: Subscription, payload: bytes, kind: _PushKind) -> str:
        try:
            subscription = PushSubscription.parse(stored.destination)
        except BadSubscription:
            return "gone"
        body = encrypt(payload, subscription)
        jwt = self._jwts.get(self.key, audience(subscription.endpoint), self._subject(), time.time())
        headers = {
            "Authorization": vapid_authorization(jwt, self.key.private_key),
            "TTL": str(kind.ttl),
            "Topic": kind.topic,
            "Urgency": "normal",
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
        }
        try:
            reply = await self._http.request(
                "POST",
                subscription.endpoint,
                timeout=PUSH_TIMEOUT,
                allow_private=self._allow_private,
                body=body,
                headers=headers,
                max_reply_bytes=1024,
                follow_redirects=False,
            )
        except OutboundFailure as failure:
            log.debug("push not delivered: %s", failure.reason)
            return "gone" if failure.permanent else "failed"
        if reply.status in GONE_STATUSES:
            return "gone"
        return "delivered" if 200 <= reply.status < 300 else "failed"
