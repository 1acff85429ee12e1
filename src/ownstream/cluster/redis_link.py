"""The connection to the Redis that joins the processes serving one site, and this process's claim on its
slot there.

Two clients: one for commands and one kept for the stream reader's blocking reads, so a read that waits
never holds up a write. Keys all start with `ownstream:`; sites sharing one Redis use different
databases (`redis://host:6379/2`).

The process slot (`--process-slot`) is claimed with a key that expires unless its holder renews it: two
live processes with one slot would hand out the same chat client ids, so the second is refused at start
with one line. A slot whose process died frees itself within `SLOT_TTL` seconds; a process starting on
it meanwhile waits that long for it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from ownstream.startup import StartupError

log = logging.getLogger(__name__)

KEY_PREFIX = "ownstream:"
REDIS_URL_SETTING = "--redis-url / OWNSTREAM_REDIS_URL"
SLOT_SETTING = "--process-slot / OWNSTREAM_PROCESS_SLOT"
SLOT_TTL = 10
"""Seconds a slot stays claimed without renewal (renewed every presence tick, a second by default)."""
CONNECT_TIMEOUT = 5.0
REPLY_TIMEOUT = 10.0
"""A command (or a blocking read, which waits 1 s) without an answer this long is a lost connection."""


def describe_redis(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def slot_key(slot: int) -> str:
    return f"{KEY_PREFIX}slot:{slot}"


class RedisLink:
    def __init__(self, url: str, slot: int) -> None:
        self.name = describe_redis(url)
        self.slot = slot
        self.token = secrets.token_hex(8)
        """Names this process run: in the slot claim, and as the origin of what it puts on the stream."""
        self.commands: aioredis.Redis = _client(url)
        self.reads: aioredis.Redis = _client(url)
        self._claimed = False

    async def open(self, slot_wait: float = SLOT_TTL + 2) -> None:
        """Reach Redis and claim the slot, or raise a `StartupError` naming the setting to change."""
        try:
            await self.commands.ping()
            await self.reads.ping()
        except (RedisError, OSError) as error:
            raise StartupError(
                f"Redis {self.name} cannot be reached ({_reason(error)}): set {REDIS_URL_SETTING} "
                "or check that the server runs"
            ) from None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + slot_wait
        waited = False
        while not await self._claim_slot():
            if loop.time() >= deadline:
                raise StartupError(
                    f"process slot {self.slot} is in use by another process on Redis {self.name}: "
                    f"give each process its own {SLOT_SETTING}"
                )
            if not waited:
                log.info("process slot %d is held on Redis; waiting for it to expire", self.slot)
                waited = True
            await asyncio.sleep(0.5)

    async def _claim_slot(self) -> bool:
        if await self.commands.set(slot_key(self.slot), self.token, nx=True, ex=SLOT_TTL):
            self._claimed = True
        return self._claimed

    async def renew_slot(self) -> None:
        """Keep the claim alive (a presence tick): take it again if it lapsed meanwhile."""
        key = slot_key(self.slot)
        holder = await self.commands.get(key)
        if holder is None:
            await self._claim_slot()
        elif holder == self.token.encode():
            await self.commands.expire(key, SLOT_TTL)
        else:
            log.error("process slot %d was taken over by another process: give each its own slot", self.slot)

    async def close(self) -> None:
        try:
            if self._claimed and await self.commands.get(slot_key(self.slot)) == self.token.encode():
                await self.commands.delete(slot_key(self.slot))
        except (RedisError, OSError) as error:
            log.info("Redis %s: the slot claim is left to expire (%s)", self.name, _reason(error))
        await self.commands.aclose()
        await self.reads.aclose()


def _client(url: str) -> aioredis.Redis:
    return aioredis.Redis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=REPLY_TIMEOUT, health_check_interval=30
    )


def _reason(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
