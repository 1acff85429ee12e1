"""Telling followers about scheduled streams (newer §14.1 "Federation"): the `Create(Event)` of each
upcoming occurrence, the `Update` an edit or cancellation owes, the `Delete` a removed announced one
owes, and posts: reminders, and a cancellation as a reply to the announced Event (Mastodon does not apply
Updates to an Event's post). The documents are federation/scheduled_events.py's.

`sync()` runs after every admin edit (in the process that made it) and on every schedule tick (in the
media process); it sends what the database says is owed, each activity claimed first with a conditional
update (repos/schedule.py), so two processes syncing at once never send one twice. Claimed activities go
into the signed delivery queue, whose journal keeps them across restarts. New occurrences are announced
only while the schedule is on; updates and deletes of what followers already have go out whenever
federation is on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.schedule import ScheduleRepository
from ownstream.domain.scheduled_events import ScheduledEvent
from ownstream.federation.notes import actor_iri
from ownstream.federation.scheduled_events import (
    cancellation_text,
    create_event,
    delete_event,
    event_document,
    event_iri,
    schedule_page,
    update_event,
)
from ownstream.federation.service import FederationService

log = logging.getLogger(__name__)

BATCH = 50
"""At most this many of each kind per sync (switching federation on with a long schedule spreads the
announcements over a few ticks)."""

SendToFollowers = Callable[[Mapping[str, Any]], Awaitable[int]]


class ScheduleAnnouncer:
    def __init__(
        self,
        repository: ScheduleRepository,
        federation: FederationService,
        config: ConfigService,
        send: SendToFollowers,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._federation = federation
        self._config = config
        self._send = send
        self._clock = clock
        self._lock = asyncio.Lock()
        self.sent = {"Create": 0, "Update": 0, "Delete": 0}

    def document(self, event: ScheduledEvent) -> dict[str, Any] | None:
        """The `Event` served at its id: only for an announced occurrence, while federation is on."""
        if event.federated_at is None or not self._federation.active:
            return None
        config = self._config.current
        return event_document(
            event,
            server_url=config.server_url,
            actor=actor_iri(config.server_url, config.federation_username),
            public=not config.federation_private,
            published=event.federated_at,
            updated=event.federation_updated_at,
        )

    async def sync(self) -> int:
        """Send what is owed; how many activities were queued."""
        if not self._federation.active:
            return 0
        async with self._lock:
            sent = await self._deletes()
            sent += await self._updates()
            if self._config.current.schedule_enabled:
                sent += await self._announcements()
            return sent

    async def _announcements(self) -> int:
        count = 0
        for candidate in await self._repository.unannounced(self._clock.now(), BATCH):
            event = await self._repository.claim_announcement(candidate.id, self._clock.now())
            document = self.document(event) if event is not None else None
            if document is not None:
                await self._deliver(create_event(document, public=self._public()))
                count += 1
        return count

    async def _updates(self) -> int:
        count = 0
        for candidate in await self._repository.updates_owed(BATCH):
            event = await self._repository.claim_update(candidate.id, self._clock.now())
            document = self.document(event) if event is not None else None
            if document is not None:
                await self._deliver(update_event(document, public=self._public()))
                count += 1
        return count

    async def _deletes(self) -> int:
        count = 0
        config = self._config.current
        actor = actor_iri(config.server_url, config.federation_username)
        for event_id in await self._repository.deletes_owed(BATCH):
            if await self._repository.claim_delete(event_id):
                iri = event_iri(config.server_url, event_id)
                await self._deliver(delete_event(iri, actor=actor, public=self._public()))
                count += 1
        return count

    def _public(self) -> bool:
        return not self._config.current.federation_private

    async def _deliver(self, activity: Mapping[str, Any]) -> None:
        inboxes = await self._send(activity)
        kind = str(activity["type"])
        self.sent[kind] = self.sent.get(kind, 0) + 1
        log.info("scheduled event %s: %s queued for %d inboxes", activity["id"], kind, inboxes)

    async def remind(self, event: ScheduledEvent, text: str) -> None:
        """The reminder as a post to the followers, while federation is on."""
        if not self._federation.active:
            return
        post = await self._federation.publish_schedule_note(
            text, schedule_page(self._config.current.server_url, event.id)
        )
        log.info("reminder for scheduled event %s posted as %s", event.id, post.iri)

    async def cancelled(self, event_id: str) -> None:
        """An occurrence was just cancelled: if followers were told of it, a post saying so, replying
        to the Event (the `Update` goes out with the next sync)."""
        if not self._federation.active:
            return
        event = await self._repository.event(event_id)
        if event is None or event.federated_at is None:
            return
        server_url = self._config.current.server_url
        post = await self._federation.publish_schedule_note(
            cancellation_text(event, server_url),
            schedule_page(server_url, event.id),
            in_reply_to=event_iri(server_url, event.id),
        )
        log.info("cancellation of scheduled event %s posted as %s", event.id, post.iri)
