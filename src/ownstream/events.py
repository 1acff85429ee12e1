"""The in-process event bus: services publish typed events, other services subscribe.

Handlers may be plain functions or coroutine functions. Plain handlers run inline; coroutine handlers
run as owned, named tasks so a slow subscriber never delays the publisher. Failures are logged with
their traceback and never reach the publisher.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")
Handler = Callable[[Any], Awaitable[None] | None]


@dataclass(frozen=True)
class StreamStarted:
    """A publisher was accepted and the transcoder is starting."""

    stream_id: str
    started_at: datetime


@dataclass(frozen=True)
class StreamOnline:
    """The grace period after connect has passed; `/api/status` now reports online."""

    stream_id: str


@dataclass(frozen=True)
class StreamEnding:
    """The stream is no longer online: its ending has begun (the transcoder is being stopped, the last
    segment flushed). `StreamStopped` follows once it is offline."""

    stream_id: str


@dataclass(frozen=True)
class StreamDisconnectRequested:
    """An admin asked a process without the stream (a web process) to end it: the media process does."""


@dataclass(frozen=True)
class StreamStopped:
    """The stream has ended (publisher gone, timeout, admin disconnect or transcoder exit)."""

    stream_id: str
    stopped_at: datetime


@dataclass(frozen=True)
class SegmentWritten:
    """A new media segment is complete on disk.

    The fragmented-MP4 packager also says where it sits in the stream (for a recorder): its media
    sequence number, when its first frame arrived at the server, its size and the init segment it needs
    (`EXT-X-MAP`). The MPEG-TS output leaves them None.
    """

    variant_index: int
    path: str
    duration: float
    sequence: int | None = None
    program_date_time: datetime | None = None
    size: int | None = None
    init_path: str | None = None
    stream_id: str | None = None


@dataclass(frozen=True)
class PlaylistWritten:
    """A variant playlist (index >= 0) or the master playlist (index -1) was (re)written."""

    variant_index: int
    path: str


@dataclass(frozen=True)
class AdminSessionRevoked:
    """The admin logged out of a dashboard session: its id and expiry (Unix seconds), so that every
    process refuses its cookie at once. Never the cookie's value or its MAC (the event crosses processes
    on a shared bus)."""

    session_id: str
    expires: int


@dataclass(frozen=True)
class ConfigChanged:
    """Runtime configuration was changed and stored: these settings, by that `ConfigService`.

    It names settings and never carries their values (some are secrets, and the event is made to cross
    processes on a shared bus): every other `ConfigService` hearing it reloads its snapshot from the
    database, which is what makes a change made anywhere live everywhere. Within one process nothing else
    needs it: services read `ConfigService.current` when they act.
    """

    keys: tuple[str, ...]
    origin: str


class EventBus:
    """Fan-out of typed events to subscribers.

    `publish` is this process's events: every subscriber hears them. With several processes (cluster/)
    a bridge carries some event types to the others, where `deliver_from_elsewhere` hands them only to
    the subscribers that asked for them (`from_everywhere=True`): state that every process must follow
    (the configuration, whether the stream is live), as opposed to work that must happen once (a
    webhook, a chat notice), which stays with the process where the event happened.
    """

    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = {}
        self._everywhere: dict[type, list[Handler]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def subscribe(
        self,
        event_type: type[E],
        handler: Callable[[E], Awaitable[None] | None],
        *,
        from_everywhere: bool = False,
    ) -> Callable[[], None]:
        """`from_everywhere`: also hear this event type when another process publishes it."""
        lists = [self._handlers.setdefault(event_type, [])]
        if from_everywhere:
            lists.append(self._everywhere.setdefault(event_type, []))
        for handlers in lists:
            handlers.append(handler)

        def unsubscribe() -> None:
            for handlers in lists:
                if handler in handlers:
                    handlers.remove(handler)

        return unsubscribe

    def subscribe_elsewhere(
        self, event_type: type[E], handler: Callable[[E], Awaitable[None] | None]
    ) -> Callable[[], None]:
        """Hear this event type only when another process publishes it (a web process following the
        media process's stream)."""
        handlers = self._everywhere.setdefault(event_type, [])
        handlers.append(handler)

        def unsubscribe() -> None:
            if handler in handlers:
                handlers.remove(handler)

        return unsubscribe

    def publish(self, event: object) -> None:
        """An event of this process: every subscriber of its type hears it."""
        self._deliver(event, self._handlers)

    def deliver_from_elsewhere(self, event: object) -> None:
        """An event another process published: only the `from_everywhere` subscribers hear it."""
        self._deliver(event, self._everywhere)

    def _deliver(self, event: object, table: dict[type, list[Handler]]) -> None:
        for handler in list(table.get(type(event), ())):
            try:
                result = handler(event)
            except Exception:
                log.exception("event handler %r failed on %s", handler, type(event).__name__)
                continue
            if result is not None:
                self._track(result, type(event).__name__)

    def _track(self, awaitable: Awaitable[None], name: str) -> None:
        async def run() -> None:
            try:
                await awaitable
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("async event handler failed on %s", name)

        task = asyncio.get_running_loop().create_task(run(), name=f"event:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait for in-flight async handlers (used at shutdown and in tests)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)


@dataclass(frozen=True)
class ChatEventOccurred:
    """A chat event that integrations may care about (webhooks, later federation).

    `type` is the Owncast event/webhook type (`CHAT`, `USER_JOINED`, `NAME_CHANGE`, `VISIBILITY-UPDATE`)
    and `data` is the webhook `eventData` exactly as Owncast sends it (reference §5): a typed payload
    (`domain.chat_events`) serialised by `domain.owncast_json`, carried in its wire form so that a bus
    between processes can ship it as it is.
    """

    type: str
    data: dict[str, Any] = field(compare=False)


@dataclass(frozen=True)
class StreamTitleChanged:
    title: str


@dataclass(frozen=True)
class RestreamStarted:
    """A simulcast destination went live (first time in a stream, or again after it was lost)."""

    destination_id: int
    name: str
    timestamp: datetime


@dataclass(frozen=True)
class RestreamFailed:
    """A simulcast destination was lost or could not go live: `state` is `retrying` (it is tried again
    after a back-off) or `failed` (the remote refused it; it waits for the admin). `error` is ffmpeg's
    last error line, with the stream key masked."""

    destination_id: int
    name: str
    state: str
    error: str
    timestamp: datetime


@dataclass(frozen=True)
class ReplayReady:
    """A replay was finalised: its playlist is a VOD and `download.mp4` is ready (REPLAY_READY)."""

    replay_id: str
    title: str
    started_at: datetime
    ended_at: datetime
    duration: float


@dataclass(frozen=True)
class ClipCreated:
    """A clip was cut (CLIP_CREATED)."""

    clip_id: str
    title: str
    replay_id: str
    started_at: datetime
    ended_at: datetime
    duration: float
    clipped_by: str


@dataclass(frozen=True)
class ScheduledEventAction:
    """A scheduled occurrence reached a moment (newer §14.1): `action` is `10-minute-warning`, `started`
    or `ended`; `event` is its ScheduledEvent JSON."""

    event: dict[str, Any]
    action: str
    timestamp: datetime
