"""What a verified inbox POST does (reference §8.6, §8.7, §8.9).

- **Follow** of our actor: the follower is stored (approved at once, or pending in private mode) and,
  when approved, accepted with a signed `Accept`. A follower who follows again (their server lost track)
  is accepted again; a blocked one is ignored. The first approved follow shows in chat.
- **Undo** of a Follow removes the follower; of a Like or Announce, forgets it (so a new one counts).
- **Like** / **Announce** of one of our posts (published within 36 hours, as Owncast): shown in chat
  once per actor, post and kind.
- **Update** of the follower's own actor refreshes their profile and inbox; **Delete** of the actor
  removes them.
- Anything else is accepted (202) and ignored.

The activity's actor must be the signer (401 otherwise), and an actor on a blocked domain is refused
(403). Engagement is shown in chat only while `federation_show_engagement` is on (and chat is enabled).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.activities import AcceptedActivity, AcceptedActivityRepository
from ownstream.database.repos.followers import Follower, FollowerRepository
from ownstream.database.repos.outbox import OutboxRepository
from ownstream.domain.event_types import (
    FEDIVERSE_ENGAGEMENT_FOLLOW,
    FEDIVERSE_ENGAGEMENT_LIKE,
    FEDIVERSE_ENGAGEMENT_REPOST,
)
from ownstream.errors import Forbidden, Invalid, Unauthorized
from ownstream.federation.activities import ACTOR_TYPES, Inbound, UnreadableActivity, id_of, read_activity
from ownstream.federation.engagement import engagement_text
from ownstream.federation.notes import actor_iri
from ownstream.federation.remote_actors import (
    ActorUnavailable,
    RemoteActor,
    RemoteActors,
    actor_from_document,
)
from ownstream.federation.verifier import BLOCKED, is_blocked

log = logging.getLogger(__name__)

ENGAGEMENT_WINDOW = timedelta(hours=36)
"""Likes and shares of posts older than this are not shown (Owncast's rule)."""
UNPARSEABLE = "the body is not a JSON activity"

EngagementSink = Callable[..., Awaitable[Any]]
"""`ChatService.send_fediverse_engagement(event_type, markdown, title=…, link=…, image=…)`."""


class AcceptSender(Protocol):
    async def accept_follow(self, follower: RemoteActor, follow: Inbound) -> None: ...


class InboxProcessor:
    def __init__(
        self,
        *,
        config: ConfigService,
        followers: FollowerRepository,
        outbox: OutboxRepository,
        activities: AcceptedActivityRepository,
        actors: RemoteActors,
        accepts: AcceptSender,
        engagement: EngagementSink,
        clock: Clock,
    ) -> None:
        self._config = config
        self._followers = followers
        self._outbox = outbox
        self._activities = activities
        self._actors = actors
        self._accepts = accepts
        self._engagement = engagement
        self._clock = clock

    async def receive(self, signer: RemoteActor, body: bytes) -> str:
        """Handle one verified POST; returns what was done (for the log and tests)."""
        try:
            activity = read_activity(json.loads(body))
        except (ValueError, RecursionError, UnreadableActivity):
            raise Invalid(UNPARSEABLE) from None
        if activity.actor != signer.iri:
            raise Unauthorized("the signer is not the activity's actor")
        if is_blocked(signer.host, self._config.current.federation_blocked_domains):
            raise Forbidden(BLOCKED)
        handler = {
            "Follow": self._follow,
            "Undo": self._undo,
            "Like": self._like,
            "Announce": self._announce,
            "Update": self._update,
            "Delete": self._delete,
        }.get(activity.type)
        if handler is None:
            return "ignored"
        outcome = await handler(signer, activity)
        log.info("%s from %s: %s", activity.type, signer.account, outcome)
        return outcome

    def _our_actor(self) -> str:
        config = self._config.current
        return actor_iri(config.server_url, config.federation_username)

    # --- follows ----------------------------------------------------------------------------------------
    async def _follow(self, signer: RemoteActor, activity: Inbound) -> str:
        if activity.object_id != self._our_actor():
            return "not a follow of this server"
        if activity.id is None:
            raise Invalid("the Follow has no id")
        existing = await self._followers.get(signer.iri)
        if existing is not None:
            return await self._follow_again(existing, signer, activity)
        now = self._clock.now()
        private = self._config.current.federation_private
        follower = Follower(
            iri=signer.iri,
            inbox=signer.inbox,
            shared_inbox=signer.shared_inbox,
            username=signer.account,
            request=activity.id,
            created_at=now,
            name=signer.name,
            image=signer.image,
            approved_at=None if private else now,
        )
        if not await self._followers.add(follower):
            return "already known"
        await self._activities.add(
            AcceptedActivity(activity.id, signer.iri, FEDIVERSE_ENGAGEMENT_FOLLOW, now)
        )
        if private:
            return "pending approval"
        await self._accepts.accept_follow(signer, activity)
        await self._show(FEDIVERSE_ENGAGEMENT_FOLLOW, signer, live_notification=False)
        return "accepted"

    async def _follow_again(self, existing: Follower, signer: RemoteActor, activity: Inbound) -> str:
        if existing.disabled_at is not None:
            return "ignored: the follower is blocked"
        assert activity.id is not None
        await self._followers.set_request(signer.iri, activity.id)
        await self._refresh(signer)
        if existing.approved_at is None:
            return "still pending approval"
        await self._accepts.accept_follow(signer, activity)
        return "accepted again"

    async def _refresh(self, actor: RemoteActor) -> bool:
        return await self._followers.refresh(
            actor.iri,
            inbox=actor.inbox,
            shared_inbox=actor.shared_inbox,
            username=actor.account,
            name=actor.name,
            image=actor.image,
        )

    # --- undo -------------------------------------------------------------------------------------------
    async def _undo(self, signer: RemoteActor, activity: Inbound) -> str:
        undone = activity.object
        kind = activity.object_type
        target = id_of(undone.get("object")) if isinstance(undone, dict) else None
        follower = await self._followers.get(signer.iri)
        if kind == "Follow" or (follower is not None and activity.object_id == follower.request):
            if follower is None:
                return "not a follower"
            await self._followers.remove(signer.iri)
            return "unfollowed"
        if kind in ("Like", "Announce") and target is not None:
            event = FEDIVERSE_ENGAGEMENT_LIKE if kind == "Like" else FEDIVERSE_ENGAGEMENT_REPOST
            removed = await self._activities.remove(target, signer.iri, event)
            return f"{kind} undone" if removed else f"no such {kind}"
        return "ignored"

    # --- likes and shares -------------------------------------------------------------------------------
    async def _like(self, signer: RemoteActor, activity: Inbound) -> str:
        return await self._engage(signer, activity, FEDIVERSE_ENGAGEMENT_LIKE)

    async def _announce(self, signer: RemoteActor, activity: Inbound) -> str:
        return await self._engage(signer, activity, FEDIVERSE_ENGAGEMENT_REPOST)

    async def _engage(self, signer: RemoteActor, activity: Inbound, event: str) -> str:
        target = activity.object_id
        if target is None:
            return "no object"
        post = await self._outbox.get(target)
        now = self._clock.now()
        if post is None:
            return "not one of our posts"
        if now - post.created_at > ENGAGEMENT_WINDOW:
            return "the post is too old to show"
        if await self._activities.seen(target, signer.iri, event):
            return "already seen"
        await self._activities.add(AcceptedActivity(target, signer.iri, event, now))
        await self._show(event, signer, live_notification=post.live_notification)
        return "shown"

    async def _show(self, event: str, actor: RemoteActor, *, live_notification: bool) -> None:
        config = self._config.current
        if not config.federation_show_engagement:
            return
        text = engagement_text(
            event,
            actor_name=actor.display_name,
            server_name=config.server_name,
            live_notification=live_notification,
        )
        await self._engagement(event, text, title=actor.account, link=actor.iri, image=actor.image)

    # --- profile changes --------------------------------------------------------------------------------
    async def _update(self, signer: RemoteActor, activity: Inbound) -> str:
        document = activity.object
        if activity.object_id != signer.iri or not isinstance(document, dict):
            return "ignored: not the sender's own actor"
        if activity.object_type not in ACTOR_TYPES:
            return "ignored"
        try:
            actor = actor_from_document(document, signer.iri, signer.key_id)
        except ActorUnavailable:
            # An embedded actor that does not carry the signing key: fetch it from its home instead.
            try:
                actor = await self._actors.by_iri(signer.iri)
            except ActorUnavailable as problem:
                return f"ignored: {problem}"
        if actor.key_id == signer.key_id:
            self._actors.remember(actor)
        return "profile refreshed" if await self._refresh(actor) else "not a follower"

    async def _delete(self, signer: RemoteActor, activity: Inbound) -> str:
        if activity.object_id != signer.iri:
            return "ignored"
        self._actors.forget(signer.iri)
        return "follower removed" if await self._followers.remove(signer.iri) else "not a follower"
