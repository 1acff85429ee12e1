"""`Update(actor)` after a profile change (reference §8.8): name, summary, logo, tags, social handles,
private mode. Changes made together (a dashboard page saves several
settings one after another) are sent as one Update, `federation_profile_update_delay` after the last.

Only this process's own configuration writes count: with a bus shared between processes, the process
that made the change sends the Update, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from ownstream.config.service import ConfigService
from ownstream.events import ConfigChanged, EventBus
from ownstream.federation.service import FederationService

log = logging.getLogger(__name__)

PROFILE_SETTINGS = frozenset(
    {
        "server_name",
        "server_summary",
        "logo_path",
        "tags",
        "social_handles",
        "federation_private",
    }
)


class ProfileUpdates:
    def __init__(
        self, federation: FederationService, config: ConfigService, bus: EventBus, *, delay: float
    ) -> None:
        self._federation = federation
        self._config = config
        self._bus = bus
        self._delay = delay
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.sent = 0

    def start(self) -> None:
        self._unsubscribe = self._bus.subscribe(ConfigChanged, self._changed)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _changed(self, event: ConfigChanged) -> None:
        if event.origin != self._config.origin or not PROFILE_SETTINGS.intersection(event.keys):
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = asyncio.get_running_loop().create_task(
            self._send_later(), name="federation:profile-update"
        )

    async def _send_later(self) -> None:
        await asyncio.sleep(self._delay)
        try:
            if await self._federation.send_profile_update():
                self.sent += 1
        except Exception:
            log.exception("sending the profile update failed")
