"""The federation service: followers, published objects and accepted activities, the admin's actions on
them, and the posts this server publishes (reference §2.3, §4, §8).

What leaves the server goes through the `FederationDelivery` seam: `SignedDelivery`
(federation/delivery.py) in the running server; `UndeliveredFederation` where nothing may leave (unit
tests of the store).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.activities import AcceptedActivity, AcceptedActivityRepository
from ownstream.database.repos.followers import Follower, FollowerRepository
from ownstream.database.repos.outbox import OutboxObject, OutboxRepository
from ownstream.domain.ids import short_id
from ownstream.errors import Invalid
from ownstream.federation.documents import Site, actor_document
from ownstream.federation.notes import (
    actor_iri,
    hashtag_link,
    note_document,
    object_iri,
    render_post,
    tag_word,
)
from ownstream.federation.scheduled_events import reminder_html

log = logging.getLogger(__name__)

RECENT_ACTIVITY_LIMIT = 100
PREVIEW_NAME = "Live stream preview"
GO_LIVE_TAG = "owncast"
"""Owncast appends this hashtag to every go-live post (the directory's own tag)."""
SiteSource = Callable[[], Awaitable[Site]]


class FederationDelivery(Protocol):
    async def follow_approved(self, follower: Follower) -> None:
        """Send `Accept(Follow)` to the follower's inbox."""

    async def post_published(self, post: OutboxObject) -> None:
        """Send the post, wrapped in a `Create`, to every approved follower."""

    async def actor_updated(self, actor_document: dict[str, Any]) -> None:
        """Send `Update(actor)` carrying the actor document to every approved follower."""


class UndeliveredFederation:
    """The delivery seam before signed delivery exists: nothing leaves the server."""

    async def follow_approved(self, follower: Follower) -> None:
        log.info("approved follower %s; the Accept is not sent yet (no federation delivery)", follower.iri)

    async def post_published(self, post: OutboxObject) -> None:
        log.info("stored post %s; it is not delivered yet (no federation delivery)", post.iri)

    async def actor_updated(self, actor_document: dict[str, Any]) -> None:
        log.info("profile changed; no Update is sent (no federation delivery)")


class FederationService:
    def __init__(
        self,
        followers: FollowerRepository,
        outbox: OutboxRepository,
        activities: AcceptedActivityRepository,
        config: ConfigService,
        clock: Clock,
        delivery: FederationDelivery | None = None,
        site: SiteSource | None = None,
    ) -> None:
        """`site`: what the actor document is built from (the composition root's, with our key)."""
        self.followers = followers
        self.outbox = outbox
        self.activities = activities
        self._config = config
        self._clock = clock
        self._delivery: FederationDelivery = delivery or UndeliveredFederation()
        self._site = site

    @property
    def active(self) -> bool:
        """Federation is on and has the server URL every IRI is built from."""
        config = self._config.current
        return config.federation_enabled and bool(config.server_url)

    def use_delivery(self, delivery: FederationDelivery) -> None:
        self._delivery = delivery

    async def site(self) -> Site:
        if self._site is None:
            raise RuntimeError("the federation service was built without its site")
        return await self._site()

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

    def _require_active(self) -> str:
        config = self._config.current
        if not config.federation_enabled:
            raise Invalid("federation is not enabled")
        if not config.server_url:
            raise Invalid("the server URL must be set before posting to the fediverse")
        return config.server_url

    async def publish_post(self, text: str) -> OutboxObject:
        """Render the admin's Markdown into a Note (public unless private mode), store it in the outbox
        and hand it on."""
        server_url = self._require_active()
        content, tags = render_post(text)
        return await self._publish(server_url, content, tags, live_notification=False)

    async def publish_go_live(self) -> OutboxObject | None:
        """The go-live post (reference §8.8): the message, the stream title, the server's tags as
        hashtags, a link to the stream and its preview image; sensitive when NSFW. None when there is
        no message to post."""
        server_url = self._require_active()
        config = self._config.current
        if not config.federation_go_live_message.strip():
            return None
        message, tags = render_post(config.federation_go_live_message)
        words = [word for word in (tag_word(tag) for tag in config.tags) if word]
        for word in [*words, GO_LIVE_TAG]:
            if word not in tags:
                tags.append(word)
        parts = [message]
        if config.stream_title.strip():
            parts.append(f"<p>{html.escape(config.stream_title.strip())}</p>")
        if words:
            parts.append("<p>" + " ".join(hashtag_link(word) for word in words) + "</p>")
        link = html.escape(server_url, quote=True)
        parts.append(f'<p><a href="{link}">{link}</a></p>')
        now = self._clock.now()
        preview = {
            "type": "Document",
            "mediaType": "image/jpeg",
            "url": f"{server_url}/thumbnail.jpg?{int(now.timestamp())}",
            "name": PREVIEW_NAME,
        }
        return await self._publish(
            server_url,
            "".join(parts),
            tags,
            live_notification=True,
            url=server_url,
            attachment=[preview],
            sensitive=config.nsfw,
        )

    async def publish_schedule_note(
        self, text: str, url: str, in_reply_to: str | None = None
    ) -> OutboxObject:
        """A post about a scheduled stream (newer §14.1: its reminder, its cancellation), the way the
        go-live post goes: stored in the outbox and sent to every follower. `text` is plain text, `url`
        the occurrence's page, `in_reply_to` its `Event` (a cancellation is threaded under it)."""
        server_url = self._require_active()
        content, tags = reminder_html(text)
        return await self._publish(
            server_url, content, tags, live_notification=False, url=url, in_reply_to=in_reply_to
        )

    async def _publish(
        self,
        server_url: str,
        content: str,
        tags: list[str],
        *,
        live_notification: bool,
        url: str | None = None,
        attachment: list[dict[str, Any]] | None = None,
        sensitive: bool = False,
        in_reply_to: str | None = None,
    ) -> OutboxObject:
        config = self._config.current
        iri = object_iri(server_url, short_id())
        now = self._clock.now()
        note = note_document(
            iri=iri,
            actor=actor_iri(server_url, config.federation_username),
            content=content,
            published=now,
            tags=tags,
            public=not config.federation_private,
            url=url,
            attachment=attachment,
            sensitive=sensitive,
            in_reply_to=in_reply_to,
        )
        post = OutboxObject(
            iri=iri, value=note, type="Note", created_at=now, live_notification=live_notification
        )
        await self.outbox.add(post)
        await self._delivery.post_published(post)
        return post

    async def send_profile_update(self) -> bool:
        """`Update(actor)` with the current actor document to every follower; False while inactive."""
        if not self.active:
            return False
        await self._delivery.actor_updated(actor_document(await self.site()))
        return True
