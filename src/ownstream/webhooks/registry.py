"""The configured webhooks: validated writes to the store, and an in-memory copy for the dispatcher.

The dispatcher asks `subscribers(event_type)` on every bus event, so that lookup is a plain
in-memory read; every change goes through this class and updates both the store and the copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from ownstream.config.validation import expect_string, is_http_url
from ownstream.database.repos.webhooks import Webhook, WebhookRepository
from ownstream.disk_full import DiskFullReporter, is_disk_full
from ownstream.domain.event_types import WEBHOOK_EVENTS
from ownstream.errors import Invalid

INVALID_EVENTS = "one or more invalid event provided"
INVALID_URL = "the webhook url must be an absolute http or https URL"


class WebhookRegistry:
    def __init__(self, repository: WebhookRepository, disk_full: DiskFullReporter | None = None) -> None:
        self._repository = repository
        self._hooks: dict[int, Webhook] = {}
        self._disk_full = disk_full or DiskFullReporter()

    async def load(self) -> None:
        self._hooks = {hook.id: hook for hook in await self._repository.all()}

    def all(self) -> list[Webhook]:
        return sorted(self._hooks.values(), key=lambda hook: hook.id)

    def subscribers(self, event_type: str) -> list[Webhook]:
        return [hook for hook in self._hooks.values() if event_type in hook.events]

    async def create(self, url: str, events: Sequence[str], now: datetime) -> Webhook:
        if any(event not in WEBHOOK_EVENTS for event in events):
            raise Invalid(INVALID_EVENTS)
        if not is_http_url(expect_string(url, "the webhook url")):
            raise Invalid(INVALID_URL)
        hook = await self._repository.create(url, events, now)
        self._hooks[hook.id] = hook
        return hook

    async def delete(self, webhook_id: int) -> None:
        if webhook_id not in self._hooks or not await self._repository.delete(webhook_id):
            raise Invalid(f"{webhook_id} not found")
        self._hooks.pop(webhook_id, None)

    async def mark_used(self, webhook_id: int, when: datetime) -> None:
        hook = self._hooks.get(webhook_id)
        if hook is None:
            return
        try:
            await self._repository.mark_used(webhook_id, when)
        except Exception as error:
            # Bookkeeping only: on a full disk the delivery still counts, the time is kept in memory.
            if not is_disk_full(error):
                raise
            self._disk_full.report("recording a webhook's last use", error)
        current = self._hooks.get(webhook_id)
        if current is not None:
            self._hooks[webhook_id] = replace(current, last_used=when)
