"""Everything one process needs to serve a site together with others over Redis (`--redis-url`), built
and started by the composition root: the link (cluster/redis_link.py), the one event stream, the bus
bridge, the chat fan-out and presence.

The stream and the bridge start first, before the configuration is loaded, so a change another process
makes while this one starts is not missed; the chat fan-out and presence come once the hub and the
statistics exist."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ownstream.chat.hub import ChatHub
from ownstream.cluster.bus_bridge import BusBridge
from ownstream.cluster.chat_fanout import RedisChatFanout
from ownstream.cluster.event_stream import ClusterStream
from ownstream.cluster.flood_limit import RedisFloodLimit
from ownstream.cluster.presence import ClusterPresence, forget_process
from ownstream.cluster.redis_link import RedisLink
from ownstream.cluster.stream_state import StreamStateKeeper, catch_up
from ownstream.events import EventBus
from ownstream.stream.viewers import ViewerRegistry

log = logging.getLogger(__name__)


class RedisCluster:
    def __init__(self, url: str, slot: int, bus: EventBus, presence_interval: float) -> None:
        self.link = RedisLink(url, slot)
        self.stream = ClusterStream(self.link)
        self._bridge = BusBridge(bus, self.stream)
        self._presence_interval = presence_interval
        self.presence: ClusterPresence | None = None
        self._stream_started = False
        self._bus = bus
        self._keeper: StreamStateKeeper | None = None

    async def start(self) -> None:
        """Reach Redis, claim the slot and follow the stream (a `StartupError` when that cannot be)."""
        await self.link.open()
        await self.stream.start()
        self._stream_started = True
        self._bridge.start()
        log.info("sharing chat and events with the other processes on Redis %s", self.link.name)

    def chat_fanout(
        self, hub: ChatHub, viewers: ViewerRegistry, viewers_changed: Callable[[], None]
    ) -> RedisChatFanout:
        self.presence = ClusterPresence(
            self.link, hub, viewers, self._presence_interval, viewers_changed=viewers_changed
        )
        return RedisChatFanout(hub, self.stream, self.presence, self.link.slot)

    def flood_limit(self) -> RedisFloodLimit:
        """The chat flood limit per user, shared by every process."""
        return RedisFloodLimit(self.link)

    async def start_presence(self) -> None:
        if self.presence is not None:
            await self.presence.start()

    async def share_stream_state(self, web_only: bool) -> None:
        """A web process catches up with the stream's state; any other keeps it for those that start."""
        if web_only:
            await catch_up(self.link, self._bus)
        else:
            self._keeper = StreamStateKeeper(self.link, self._bus)
            self._keeper.start()

    async def forget(self, slot: int) -> None:
        """The process in `slot` died (a `--workers` child): free its slot and drop its sockets and
        viewers at once instead of when they expire."""
        await forget_process(self.link, slot)

    async def stop(self) -> None:
        if self._keeper is not None:
            self._keeper.stop()
        self._bridge.stop()
        if self.presence is not None:
            await self.presence.stop()
        if self._stream_started:
            await self.stream.stop()
        await self.link.close()
