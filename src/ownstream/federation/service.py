"""The federation service: followers, published objects and accepted activities, and the admin's actions
on them (reference §2.3, §4, §8).

Signed delivery comes with the federation feature. Until then the `FederationDelivery` seam receives
what would be sent (an Accept for an approved follow, a new public post) and `UndeliveredFederation`
only notes it in the log.
"""

from __future__ import annotations

import logging
from typing import Protocol

from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.activities import AcceptedActivity, AcceptedActivityRepository
from ownstream.database.repos.followers import Follower, FollowerRepository
from ownstream.database.repos.outbox import OutboxObject, OutboxRepository
from ownstream.domain.ids import short_id
from ownstream.errors import Invalid
from ownstream.federation.notes import actor_iri, note_document, object_iri, render_post

log = logging.getLogger(__name__)

RECENT_ACTIVITY_LIMIT = 100


class FederationDelivery(Protocol):
    async def follow_approved(self, follower: Follower) -> None:
        """Send `Accept(Follow)` to the follower's inbox."""

    async def post_published(self, post: OutboxObject) -> None:
        """Send the post, wrapped in a `Create`, to every approved follower."""


class UndeliveredFederation:
    """The delivery seam before signed delivery exists: nothing leaves the server."""

    async def follow_approved(self, follower: Follower) -> None:
        log.info("approved follower %s; the Accept is not sent yet (no federation delivery)", follower.iri)

    async def post_published(self, post: OutboxObject) -> None:
        log.info("stored post %s; it is not delivered yet (no federation delivery)", post.iri)


class FederationService:
    def __init__(
        self,
        followers: FollowerRepository,
        outbox: OutboxRepository,
        activities: AcceptedActivityRepository,
        config: ConfigService,
        clock: Clock,
        delivery: FederationDelivery | None = None,
    ) -> None:
        self.followers = followers
        self.outbox = outbox
        self.activities = activities
        self._config = config
        self._clock = clock
        self._delivery: FederationDelivery = delivery or UndeliveredFederation()

    async def recent_activities(self) -> list[AcceptedActivity]:
        return await self.activities.latest(RECENT_ACTIVITY_LIMIT)

    async def set_approval(self, iri: str, approved: bool) -> Follower:
        """Approve a follow (and accept it) or reject/block the follower. `Invalid` for an unknown IRI."""
        now = self._clock.now()
        changed = await (self.followers.approve(iri, now) if approved else self.followers.block(iri, now))
        follower = await self.followers.get(iri) if changed else None
        if follower is None:
            raise Invalid(f"no follower or follow request from {iri}")
        if approved:
            await self._delivery.follow_approved(follower)
        return follower

    async def publish_post(self, text: str) -> OutboxObject:
        """Render the admin's Markdown into a public Note, store it in the outbox and hand it on."""
        config = self._config.current
        if not config.federation_enabled:
            raise Invalid("federation is not enabled")
        if not config.server_url:
            raise Invalid("the server URL must be set before posting to the fediverse")
        content, tags = render_post(text)
        iri = object_iri(config.server_url, short_id())
        now = self._clock.now()
        note = note_document(
            iri=iri,
            actor=actor_iri(config.server_url, config.federation_username),
            content=content,
            published=now,
            tags=tags,
            public=not config.federation_private,
        )
        post = OutboxObject(iri=iri, value=note, type="Note", created_at=now, live_notification=False)
        await self.outbox.add(post)
        await self._delivery.post_published(post)
        return post
