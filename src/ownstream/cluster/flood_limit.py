"""The chat flood limit per user across processes (`--redis-url`): the same token bucket and mute as one
process's `FloodGuard` (chat/flood.py), kept in Redis per user (`ownstream:flood:<user id>`) and applied
by one Lua script, so every frame from any of the user's sockets on any process spends from one bucket,
and going over mutes the user everywhere with one notice (only the frame that went over is told
`MUTE`).

Time is Redis's own (`TIME`), so the processes' clocks need not agree. The key expires once the bucket
would be full again and the mute over, so idle users cost nothing. While Redis does not answer, the
socket's own guard decides (one log line when that starts and one when it ends)."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from ownstream.chat.flood import BURST, MUTE_SECONDS, SUSTAINED_RATE, Verdict
from ownstream.cluster.redis_link import KEY_PREFIX, RedisLink

log = logging.getLogger(__name__)

FLOOD_PREFIX = KEY_PREFIX + "flood:"

# Returns 0 (allow), 1 (this frame went over: mute and tell) or 2 (still muted).
_CHECK = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local mute = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'muted_until')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
local muted_until = tonumber(state[3]) or 0
if now < muted_until then
  return 2
end
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local verdict = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  muted_until = now + mute
  verdict = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'updated', string.format('%.6f', now),
  'muted_until', string.format('%.6f', muted_until))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate + mute) + 1)
return verdict
"""

_VERDICTS = {0: Verdict.ALLOW, 1: Verdict.MUTE, 2: Verdict.MUTED}


class RedisFloodLimit:
    """`UserFloodLimit` over Redis."""

    def __init__(
        self,
        link: RedisLink,
        rate: float = SUSTAINED_RATE,
        burst: float = BURST,
        mute_seconds: float = MUTE_SECONDS,
    ) -> None:
        self._link = link
        self._arguments = (rate, burst, mute_seconds)
        self._script = link.commands.register_script(_CHECK)
        self._failing = False

    async def check(self, user_id: str) -> Verdict | None:
        try:
            answer = await self._script(keys=[FLOOD_PREFIX + user_id], args=list(self._arguments))
        except (RedisError, OSError) as error:
            if not self._failing:
                log.warning(
                    "Redis %s: chat flood limits are per socket until it answers (%s)", self._link.name, error
                )
                self._failing = True
            return None
        if self._failing:
            log.info("Redis %s: chat flood limits are per user across processes again", self._link.name)
            self._failing = False
        return _VERDICTS.get(int(answer), Verdict.ALLOW)
