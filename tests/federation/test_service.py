"""The federation store on a real SQLite database: repositories, approvals and posts (reference §4, §8)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.config.service import ConfigService
from ownstream.database.db import open_database
from ownstream.database.repos.activities import FOLLOW, LIKE, AcceptedActivity, AcceptedActivityRepository
from ownstream.database.repos.config import ConfigRepository
from ownstream.database.repos.followers import Follower, FollowerRepository
from ownstream.database.repos.outbox import OutboxObject, OutboxRepository
from ownstream.errors import Invalid
from ownstream.events import EventBus
from ownstream.federation.notes import hashtag_link
from ownstream.federation.service import FederationService

T0 = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


class FixedClock:
    def __init__(self) -> None:
        self.moment = T0 + timedelta(days=1)

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return 0.0


class RecordingDelivery:
    def __init__(self) -> None:
        self.accepted: list[Follower] = []
        self.posts: list[OutboxObject] = []
        self.updates: list[dict[str, Any]] = []

    async def follow_approved(self, follower: Follower) -> None:
        self.accepted.append(follower)

    async def post_published(self, post: OutboxObject) -> None:
        self.posts.append(post)

    async def actor_updated(self, actor_document: dict[str, Any]) -> None:
        self.updates.append(actor_document)


def follower(name: str, minutes: int, *, approved: bool = True) -> Follower:
    created = T0 + timedelta(minutes=minutes)
    return Follower(
        iri=f"https://social.example/users/{name}",
        inbox=f"https://social.example/users/{name}/inbox",
        username=f"{name}@social.example",
        request=f"https://social.example/follows/{name}",
        created_at=created,
        name=name.title(),
        image=None,
        approved_at=created if approved else None,
    )


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'ownstream.db'}")
    yield database
    await database.dispose()


@pytest.fixture
async def config(engine: AsyncEngine) -> ConfigService:
    service = ConfigService(ConfigRepository(engine), EventBus())
    await service.load()
    return service


@pytest.fixture
def delivery() -> RecordingDelivery:
    return RecordingDelivery()


@pytest.fixture
def store(engine: AsyncEngine, config: ConfigService, delivery: RecordingDelivery) -> FederationService:
    return FederationService(
        FollowerRepository(engine),
        OutboxRepository(engine),
        AcceptedActivityRepository(engine),
        config,
        FixedClock(),
        delivery,
    )


async def test_follower_states_and_order(store: FederationService) -> None:
    repo = store.followers
    for row in (follower("old", 1), follower("new", 5), follower("asking", 3, approved=False)):
        assert await repo.add(row)
    assert not await repo.add(follower("old", 9, approved=False))  # a repeat follow keeps the row
    assert [f.username for f in await repo.approved()] == ["new@social.example", "old@social.example"]
    assert [f.username for f in await repo.pending()] == ["asking@social.example"]
    assert await repo.blocked() == []
    assert await repo.approved_count() == 2
    stored = await repo.get(follower("old", 1).iri)
    assert stored == follower("old", 1)
    assert stored is not None and stored.created_at.tzinfo is not None


async def test_approve_and_reject_move_followers_between_lists(
    store: FederationService, delivery: RecordingDelivery
) -> None:
    asking, rude = follower("asking", 1, approved=False), follower("rude", 2)
    await store.followers.add(asking)
    await store.followers.add(rude)
    approved = await store.set_approval(asking.iri, True)
    assert approved.approved_at == FixedClock().moment and approved.disabled_at is None
    assert delivery.accepted == [approved]
    blocked = await store.set_approval(rude.iri, False)
    assert blocked.approved_at is None and blocked.disabled_at == FixedClock().moment
    assert [f.iri for f in await store.followers.approved()] == [asking.iri]
    assert [f.iri for f in await store.followers.blocked()] == [rude.iri]
    again = await store.set_approval(rude.iri, True)
    assert again.disabled_at is None and again.approved_at is not None
    assert await store.followers.blocked() == []
    assert len(delivery.accepted) == 2


@pytest.mark.parametrize("approved", [True, False])
async def test_unknown_follower_is_invalid(store: FederationService, approved: bool) -> None:
    with pytest.raises(Invalid):
        await store.set_approval("https://nowhere.example/users/ghost", approved)


async def test_remove_follower(store: FederationService) -> None:
    await store.followers.add(follower("leaving", 1))
    assert await store.followers.remove(follower("leaving", 1).iri)
    assert not await store.followers.remove(follower("leaving", 1).iri)
    assert await store.followers.approved() == []


async def test_accepted_activities_newest_first_and_limited(store: FederationService) -> None:
    activities = store.activities
    for minute in range(105):
        await activities.add(
            AcceptedActivity(
                iri=f"https://stream.example/federation/post{minute}",
                actor="https://social.example/users/fan",
                type=LIKE if minute % 2 else FOLLOW,
                timestamp=T0 + timedelta(minutes=minute),
            )
        )
    recent = await store.recent_activities()
    assert len(recent) == 100
    assert recent[0].iri.endswith("post104") and recent[-1].iri.endswith("post5")
    assert recent[0].type == FOLLOW and recent[1].type == LIKE
    assert await activities.seen(recent[0].iri, recent[0].actor, FOLLOW)
    assert not await activities.seen(recent[0].iri, recent[0].actor, LIKE)


async def test_post_needs_federation_and_a_server_url(
    store: FederationService, config: ConfigService
) -> None:
    with pytest.raises(Invalid) as raised:
        await store.publish_post("hello")
    assert raised.value.message == "federation is not enabled"
    await config.update(federation_enabled=True)
    with pytest.raises(Invalid):
        await store.publish_post("hello")
    assert await store.outbox.count() == 0


async def test_post_is_stored_as_a_note(
    store: FederationService, config: ConfigService, delivery: RecordingDelivery
) -> None:
    await config.update(federation_enabled=True, server_url="https://stream.example")
    post = await store.publish_post("Still *live*, come by #music")
    assert post.iri.startswith("https://stream.example/federation/")
    assert len(post.iri.rsplit("/", 1)[1]) == 9
    assert (post.type, post.live_notification) == ("Note", False)
    stored = await store.outbox.get(post.iri)
    assert stored == post
    note = post.value
    assert note["id"] == post.iri and note["type"] == "Note"
    assert note["attributedTo"] == "https://stream.example/federation/user/streamer"
    assert note["content"] == f"<p>Still <em>live</em>, come by {hashtag_link('music')}</p>"
    assert note["tag"][0]["name"] == "#music"
    assert note["published"] == "2026-02-04T04:05:06Z"
    assert note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert note["cc"] == ["https://stream.example/federation/user/streamer/followers"]
    assert delivery.posts == [post]
    assert await store.outbox.count() == 1
    assert await store.outbox.newest(10) == [post]
    await config.update(federation_private=True)
    private = await store.publish_post("quiet")
    assert private.value["to"] == ["https://stream.example/federation/user/streamer/followers"]
    assert "cc" not in private.value
