"""The stream's state for processes that start while it is live: the media process keeps the last of
`StreamStarted`/`StreamOnline`/`StreamEnding`/`StreamStopped` in a key (`ownstream:stream-state`); a web
process starting reads it once and hands its subscribers the events that lead there, as if it had heard
them (then the event stream keeps it current)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime

from redis.exceptions import RedisError

from ownstream.cluster.redis_link import KEY_PREFIX, RedisLink
from ownstream.events import EventBus, StreamEnding, StreamOnline, StreamStarted, StreamStopped

log = logging.getLogger(__name__)

STATE_KEY = KEY_PREFIX + "stream-state"


class StreamStateKeeper:
    """The media process's side: the key follows this process's lifecycle events."""

    def __init__(self, link: RedisLink, bus: EventBus) -> None:
        self._link = link
        self._bus = bus
        self._unsubscribe: list[Callable[[], None]] = []
        self._order = asyncio.Lock()
        """One write at a time, in the order the events were published (the bus runs each as a task)."""

    def start(self) -> None:
        self._unsubscribe = [
            self._bus.subscribe(StreamStarted, self._started),
            self._bus.subscribe(StreamOnline, self._online),
            self._bus.subscribe(StreamEnding, self._offline),
            self._bus.subscribe(StreamStopped, self._stopped),
        ]

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    async def _store(self, state: dict[str, object]) -> None:
        """Callers hold `_order`: the bus runs each handler as its own task, started in publish order, and
        the lock hands itself on first come, first served, so the writes keep that order."""
        try:
            await self._link.commands.set(STATE_KEY, json.dumps(state))
        except (RedisError, OSError) as error:
            log.warning("Redis %s: the stream's state is not stored (%s)", self._link.name, error)

    async def _started(self, event: StreamStarted) -> None:
        async with self._order:
            await self._store(
                {"state": "starting", "stream_id": event.stream_id, "at": event.started_at.isoformat()}
            )

    async def _online(self, event: StreamOnline) -> None:
        async with self._order:
            state = await self._read()
            started = state.get("at") if state.get("stream_id") == event.stream_id else None
            await self._store({"state": "online", "stream_id": event.stream_id, "at": started})

    async def _offline(self, event: StreamEnding) -> None:
        async with self._order:
            await self._store({"state": "ending", "stream_id": event.stream_id, "at": None})

    async def _stopped(self, event: StreamStopped) -> None:
        async with self._order:
            await self._store(
                {"state": "offline", "stream_id": event.stream_id, "at": event.stopped_at.isoformat()}
            )

    async def _read(self) -> dict[str, object]:
        return await read_state(self._link)


async def read_state(link: RedisLink) -> dict[str, object]:
    try:
        raw = await link.commands.get(STATE_KEY)
        state = json.loads(raw) if raw else {}
    except (RedisError, OSError, ValueError) as error:
        log.warning("Redis %s: the stream's state cannot be read (%s)", link.name, error)
        return {}
    return state if isinstance(state, dict) else {}


async def catch_up(link: RedisLink, bus: EventBus) -> None:
    """A web process starting: the events that bring its subscribers to the stream's current state."""
    state = await read_state(link)
    stream_id = str(state.get("stream_id") or "")
    at = state.get("at")
    when = datetime.fromisoformat(at) if isinstance(at, str) else None
    if state.get("state") in ("starting", "online") and when is not None:
        bus.deliver_from_elsewhere(StreamStarted(stream_id=stream_id, started_at=when))
    if state.get("state") == "online":
        bus.deliver_from_elsewhere(StreamOnline(stream_id=stream_id))
    elif state.get("state") == "offline" and when is not None:
        bus.deliver_from_elsewhere(StreamStopped(stream_id=stream_id, stopped_at=when))
