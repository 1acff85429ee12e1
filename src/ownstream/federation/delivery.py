"""Signed delivery of our activities to followers' inboxes, through one persistent outbound queue.

- Every activity is written to the `outbound_deliveries` journal before it is tried, so a restart loses
  none; the sweeper brings back what is due.
- Each attempt is signed afresh (`Date` must be recent): `rsa-sha256` over
  `(request-target) host date digest`, keyId `<actor>#main-key`, `Content-Type: application/activity+json`.
- 2xx is delivered; 5xx, 408, 429 and transport errors are retried with exponential back-off (first
  retry after `federation_retry_delay`, doubling, at most an hour apart) for up to 24 hours; any other
  answer is final. A personal inbox answering 410 Gone removes its follower.
- One delivery per shared inbox: followers on a server that advertises one share a single POST.
- A bounded pool of workers, and a bounded in-memory queue in front of the journal.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.deliveries import DeliveryRepository
from ownstream.database.repos.followers import Follower, FollowerRepository
from ownstream.database.repos.outbox import OutboxObject
from ownstream.domain.ids import short_id
from ownstream.federation.activities import Inbound, accept, accept_of_stored_follow, create, update_actor
from ownstream.federation.keys import ActorKey
from ownstream.federation.notes import actor_iri, object_iri
from ownstream.federation.remote_actors import LocalSigner, RemoteActor
from ownstream.federation.signatures import signed_headers
from ownstream.outbound.http import OutboundHttp
from ownstream.outbound.queue import Delivery, DeliveryQueue, OutboundRequest, QueuePolicy
from ownstream.outbound.retry import RetryPolicy, delivered_on_2xx

log = logging.getLogger(__name__)

QUEUE_NAME = "federation"
CONTENT_TYPE = "application/activity+json"
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
PERSONAL = "inbox "
"""The tag of a delivery to a follower's personal inbox: `inbox <follower IRI>` (a 410 removes them)."""


@dataclass(frozen=True)
class DeliveryTimings:
    first_retry: float = 10.0
    give_up_after: float = 24 * 3600.0
    max_delay: float = 3600.0
    timeout: float = 10.0
    workers: int = 16
    queue_size: int = 2000
    sweep_interval: float = 30.0


def encode_activity(activity: Mapping[str, Any]) -> bytes:
    return json.dumps(activity, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def inboxes_for(followers: list[Follower]) -> list[tuple[str, str]]:
    """(inbox, tag) once per distinct delivery inbox: shared inboxes where followers advertise one."""
    seen: set[str] = set()
    targets = []
    for follower in followers:
        inbox = follower.delivery_inbox
        if inbox in seen:
            continue
        seen.add(inbox)
        tag = "" if follower.shared_inbox else PERSONAL + follower.iri
        targets.append((inbox, tag))
    return targets


def _request(activity: Mapping[str, Any], body: bytes, inbox: str, tag: str) -> OutboundRequest:
    return OutboundRequest(
        url=inbox,
        body=body,
        topic=f"{activity.get('type', 'activity')} activity",
        tag=tag,
        content_type=CONTENT_TYPE,
    )


class SignedDelivery:
    def __init__(
        self,
        *,
        config: ConfigService,
        followers: FollowerRepository,
        journal: DeliveryRepository,
        http: OutboundHttp,
        key: ActorKey,
        clock: Clock,
        allow_private: bool,
        timings: DeliveryTimings | None = None,
    ) -> None:
        timings = timings or DeliveryTimings()
        self._config = config
        self._followers = followers
        self._key = key
        self._clock = clock
        self.queue = DeliveryQueue(
            QUEUE_NAME,
            http,
            QueuePolicy(
                workers=timings.workers,
                queue_size=timings.queue_size,
                timeout=timings.timeout,
                retry=RetryPolicy(
                    retries=None,
                    first_delay=timings.first_retry,
                    factor=2.0,
                    max_delay=timings.max_delay,
                    give_up_after=timings.give_up_after,
                ),
                allow_private=allow_private,
                sweep_interval=timings.sweep_interval,
            ),
            logger=log,
            clock=clock,
            classify=delivered_on_2xx,
            prepare=self._sign,
            on_refused=self._refused,
            journal=journal,
        )

    def start(self) -> None:
        self.queue.start()

    async def stop(self) -> None:
        await self.queue.stop()

    # --- identity ---------------------------------------------------------------------------------------
    def actor(self) -> str:
        config = self._config.current
        return actor_iri(config.server_url, config.federation_username)

    def signer(self) -> LocalSigner | None:
        """What our GETs are signed with; None while there is no server URL (no actor to name)."""
        if not self._config.current.server_url:
            return None
        return LocalSigner(self._key.private_key, self.actor() + "#main-key")

    async def _sign(self, request: OutboundRequest) -> Mapping[str, str]:
        headers = signed_headers(
            method=request.method,
            url=request.url,
            body=request.body,
            private_key=self._key.private_key,
            key_id=self.actor() + "#main-key",
            now=self._clock.now(),
        )
        headers["Accept"] = ACCEPT
        return headers

    async def _refused(self, delivery: Delivery, status: int) -> None:
        tag = delivery.request.tag
        if status == 410 and tag.startswith(PERSONAL):
            follower = tag[len(PERSONAL) :]
            if await self._followers.remove(follower):
                log.info("removed follower %s: their inbox answered 410 Gone", follower)

    # --- sending ----------------------------------------------------------------------------------------
    async def send(self, activity: Mapping[str, Any], inbox: str, *, tag: str = "") -> None:
        await self.queue.submit(_request(activity, encode_activity(activity), inbox, tag))

    async def to_followers(self, activity: Mapping[str, Any]) -> int:
        """To every approved follower, once per delivery inbox (journaled together); how many
        deliveries were queued."""
        targets = inboxes_for(await self._followers.approved())
        body = encode_activity(activity)
        await self.queue.submit_many([_request(activity, body, inbox, tag) for inbox, tag in targets])
        return len(targets)

    def _new_iri(self) -> str:
        return object_iri(self._config.current.server_url, short_id())

    async def accept_follow(self, follower: RemoteActor, follow: Inbound) -> None:
        activity = accept(iri=self._new_iri(), actor=self.actor(), follow=follow)
        await self.send(activity, follower.inbox, tag=PERSONAL + follower.iri)

    # FederationDelivery (federation/service.py)
    async def follow_approved(self, follower: Follower) -> None:
        activity = accept_of_stored_follow(
            iri=self._new_iri(), actor=self.actor(), follow_iri=follower.request, follower=follower.iri
        )
        await self.send(activity, follower.inbox, tag=PERSONAL + follower.iri)

    async def post_published(self, post: OutboxObject) -> None:
        public = not self._config.current.federation_private
        count = await self.to_followers(create(post.value, public=public))
        log.info("post %s queued for %d inboxes", post.iri, count)

    async def actor_updated(self, actor_document: dict[str, Any]) -> None:
        public = not self._config.current.federation_private
        activity = update_actor(iri=self._new_iri(), actor_document=actor_document, public=public)
        count = await self.to_followers(activity)
        log.info("profile update queued for %d inboxes", count)
