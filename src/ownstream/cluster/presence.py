"""Who is here, across processes: each process keeps its chat sockets and its viewers in Redis hashes of
its own (`ownstream:chat-clients:<slot>`, `ownstream:viewers:<slot>`), rewritten when they change and
expiring `3 × interval` after the last write or renewal, so a process that dies drops out on its own.

From the other processes' hashes come the admin's connected-clients list (read when asked) and the
viewers seen elsewhere (read every tick, handed to the `ViewerRegistry`), so viewer counts and peaks are
the site's, not one process's. A viewer seen by two processes counts once (viewer ids are the same
everywhere: IP + User-Agent). The other processes' socket counts are read every tick too and handed to
the hub, for the site-wide `--max-chat-sockets` (so that limit is up to one interval behind).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from redis.exceptions import RedisError

from ownstream.chat.hub import ChatHub
from ownstream.clock import PeriodicTimer
from ownstream.cluster.redis_link import KEY_PREFIX, RedisLink, slot_key
from ownstream.cluster.wire import WireError, decode_client, decode_viewer, encode_client, encode_viewer
from ownstream.domain.chat_events import ConnectedClient
from ownstream.stream.viewers import Viewer, ViewerRegistry

log = logging.getLogger(__name__)

CLIENTS_PREFIX = KEY_PREFIX + "chat-clients:"
VIEWERS_PREFIX = KEY_PREFIX + "viewers:"


class ClusterPresence:
    def __init__(
        self,
        link: RedisLink,
        hub: ChatHub,
        viewers: ViewerRegistry,
        interval: float,
        viewers_changed: Callable[[], None] = lambda: None,
    ) -> None:
        self._link = link
        self._hub = hub
        self._viewers = viewers
        self._viewers_changed = viewers_changed
        self._ttl = max(1, round(3 * interval))
        self._timer = PeriodicTimer("cluster-presence", interval, self.tick)
        self._written_clients: tuple[ConnectedClient, ...] | None = None
        self._written_viewers: tuple[Viewer, ...] | None = None
        self._failing = False
        self._started = False

    @property
    def _own_clients_key(self) -> str:
        return f"{CLIENTS_PREFIX}{self._link.slot}"

    @property
    def _own_viewers_key(self) -> str:
        return f"{VIEWERS_PREFIX}{self._link.slot}"

    async def start(self) -> None:
        self._started = True
        await self.tick()
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()
        if not self._started:
            return
        try:
            await self._link.commands.delete(self._own_clients_key, self._own_viewers_key)
        except (RedisError, OSError) as error:
            log.info("Redis %s: this process's presence is left to expire (%s)", self._link.name, error)

    async def tick(self) -> None:
        """Renew the slot, write what changed here, read the viewers of the others."""
        try:
            await self._link.renew_slot()
            await self._write_clients()
            await self._write_viewers()
            self._viewers.set_elsewhere(await self._viewers_elsewhere())
            self._hub.sockets_elsewhere = await self._sockets_elsewhere()
        except (RedisError, OSError) as error:
            if not self._failing:
                log.warning("Redis %s: presence not shared (%s); retrying", self._link.name, error)
                self._failing = True
            return
        if self._failing:
            log.info("Redis %s: presence shared again", self._link.name)
            self._failing = False
        self._viewers_changed()

    async def _write_clients(self) -> None:
        clients = tuple(await self._hub.connected_clients())
        await self._replace(
            self._own_clients_key,
            clients if clients != self._written_clients else None,
            lambda: {str(client.client_id): encode_client(client) for client in clients},
        )
        self._written_clients = clients

    async def _write_viewers(self) -> None:
        viewers = tuple(self._viewers.local())
        await self._replace(
            self._own_viewers_key,
            viewers if viewers != self._written_viewers else None,
            lambda: {viewer.client_id: encode_viewer(viewer) for viewer in viewers},
        )
        self._written_viewers = viewers

    async def _replace(
        self, key: str, changed: tuple[object, ...] | None, mapping: Callable[[], dict[str, bytes]]
    ) -> None:
        """Rewrite the hash `key` when `changed` is not None; renew its expiry either way."""
        async with self._link.commands.pipeline(transaction=True) as pipe:
            if changed is not None:
                pipe.delete(key)
                if changed:
                    pipe.hset(key, mapping=mapping())  # type: ignore[arg-type]
            pipe.expire(key, self._ttl)
            await pipe.execute()

    async def _other_keys(self, prefix: str, own: str) -> list[str]:
        keys: list[str] = []
        async for key in self._link.commands.scan_iter(match=prefix + "*", count=1000):
            name = key.decode() if isinstance(key, bytes) else str(key)
            if name != own:
                keys.append(name)
        return keys

    async def _viewers_elsewhere(self) -> dict[str, Viewer]:
        found: dict[str, Viewer] = {}
        for key in await self._other_keys(VIEWERS_PREFIX, self._own_viewers_key):
            for value in (await self._link.commands.hgetall(key)).values():
                try:
                    viewer = decode_viewer(value)
                except WireError as error:
                    log.debug("ignoring a viewer in %s: %s", key, error)
                    continue
                known = found.get(viewer.client_id)
                if known is None or viewer.first_seen < known.first_seen:
                    found[viewer.client_id] = viewer
        return found

    async def _sockets_elsewhere(self) -> int:
        count = 0
        for key in await self._other_keys(CLIENTS_PREFIX, self._own_clients_key):
            count += int(await self._link.commands.hlen(key))
        return count

    async def clients_elsewhere(self) -> list[ConnectedClient]:
        """The chat sockets the other processes hold (as of their last write)."""
        clients: list[ConnectedClient] = []
        try:
            for key in await self._other_keys(CLIENTS_PREFIX, self._own_clients_key):
                for value in (await self._link.commands.hgetall(key)).values():
                    try:
                        clients.append(decode_client(value))
                    except WireError as error:
                        log.debug("ignoring a chat client in %s: %s", key, error)
        except (RedisError, OSError) as error:
            log.warning(
                "Redis %s: the other processes' chat clients are unknown (%s)", self._link.name, error
            )
        return clients


async def forget_process(link: RedisLink, slot: int) -> None:
    """What the process in `slot` left in Redis (its slot claim, sockets, viewers), deleted: it is known to
    be dead (its parent saw it exit)."""
    await link.commands.delete(slot_key(slot), f"{CLIENTS_PREFIX}{slot}", f"{VIEWERS_PREFIX}{slot}")
