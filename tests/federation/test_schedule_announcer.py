"""What followers hear of the schedule (federation/schedule_announcer.py through schedule/service.py) on a
real SQLite database with a hand-moved clock: each occurrence announced once (also with two processes
syncing at once), only while federation and the schedule are on; edits, cancellations (the admin's and the
missed-event rule's) as `Update`s; deletions of announced occurrences as `Delete`s, never of unannounced
ones; a series edit that keeps, updates or drops what was announced; reminders as posts. What would leave
the server is collected where the signed delivery would take it (tests/federation/test_schedule_delivery.py
sends it to real inboxes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.config.service import ConfigService
from ownstream.database.db import open_database
from ownstream.database.repos.activities import AcceptedActivityRepository
from ownstream.database.repos.config import ConfigRepository
from ownstream.database.repos.followers import Follower, FollowerRepository
from ownstream.database.repos.outbox import OutboxObject, OutboxRepository
from ownstream.database.repos.schedule import ScheduleRepository
from ownstream.events import EventBus
from ownstream.federation.schedule_announcer import ScheduleAnnouncer
from ownstream.federation.service import FederationService
from ownstream.schedule.event_input import DeleteInput, EventInput
from ownstream.schedule.service import ScheduleService

SERVER = "https://stream.example"
EVENTS = SERVER + "/federation/events/"


@dataclass
class ManualClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return self.moment.timestamp()


@dataclass
class Posts:
    """The federation service's delivery seam: the posts it would send."""

    posts: list[OutboxObject] = field(default_factory=list)

    async def follow_approved(self, follower: Follower) -> None:
        raise AssertionError("no follows here")

    async def post_published(self, post: OutboxObject) -> None:
        self.posts.append(post)

    async def actor_updated(self, actor_document: dict[str, Any]) -> None:
        raise AssertionError("no profile updates here")


@dataclass
class Process:
    """One server process's schedule and announcer over the shared database."""

    service: ScheduleService
    announcer: ScheduleAnnouncer
    config: ConfigService
    sent: list[Mapping[str, Any]]
    posts: Posts
    reminders: list[str]


@dataclass
class Site:
    engine: AsyncEngine
    clock: ManualClock
    processes: list[Process] = field(default_factory=list)

    async def process(self) -> Process:
        bus = EventBus()
        config = ConfigService(ConfigRepository(self.engine), bus)
        await config.load()
        posts = Posts()
        federation = FederationService(
            FollowerRepository(self.engine),
            OutboxRepository(self.engine),
            AcceptedActivityRepository(self.engine),
            config,
            self.clock,
            delivery=posts,
        )
        sent: list[Mapping[str, Any]] = []
        reminders: list[str] = []

        async def send(activity: Mapping[str, Any]) -> int:
            sent.append(activity)
            return 1

        async def remind(text: str) -> None:
            reminders.append(text)

        async def notice(_text: str) -> None:
            return None

        repository = ScheduleRepository(self.engine)
        announcer = ScheduleAnnouncer(repository, federation, config, send, self.clock)
        service = ScheduleService(
            repository,
            config,
            self.clock,
            bus,
            online=lambda: False,
            send_reminder=remind,
            send_chat_notice=notice,
            fediverse=announcer,
        )
        made = Process(service, announcer, config, sent, posts, reminders)
        self.processes.append(made)
        return made


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'schedule.db'}")
    try:
        yield Site(engine, ManualClock(datetime(2026, 10, 10, 12, 0, tzinfo=UTC)))
    finally:
        await engine.dispose()


@pytest.fixture
async def one(site: Site) -> Process:
    process = await site.process()
    await process.config.update(server_url=SERVER, federation_enabled=True, schedule_enabled=True)
    return process


def kinds(sent: list[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(activity type, occurrence id) in order."""
    found = []
    for activity in sent:
        target = activity["object"]
        iri = target["id"]
        found.append((str(activity["type"]), iri.removeprefix(EVENTS)))
    return found


async def event_ids(process: Process) -> list[str]:
    return [event["id"] for event in (await process.service.admin_schedule())["events"]]


async def test_an_occurrence_is_announced_once(site: Site, one: Process) -> None:
    start = site.clock.moment + timedelta(days=2)
    await one.service.save(EventInput(name="Build night", start=start, timezone="Europe/Berlin"))
    [event_id] = await event_ids(one)
    assert kinds(one.sent) == [("Create", event_id)]
    created = one.sent[0]
    assert created["object"]["type"] == "Event" and created["object"]["name"] == "Build night"
    assert created["object"]["published"] == "2026-10-10T12:00:00Z"
    for _ in range(3):
        site.clock.moment += timedelta(minutes=1)
        await one.service.tick()
    other = await site.process()
    assert await other.announcer.sync() == 0
    assert kinds(one.sent) == [("Create", event_id)] and other.sent == []
    # Served at its id as it was announced.
    stored = await one.service.occurrence(event_id)
    assert stored is not None
    served = one.announcer.document(stored)
    assert served is not None and served["id"] == EVENTS + event_id
    assert served["published"] == created["object"]["published"]


async def test_two_processes_syncing_at_once_announce_each_once(site: Site, one: Process) -> None:
    other = await site.process()
    await one.config.update(federation_enabled=False)
    for day in range(1, 7):
        await one.service.save(EventInput(name=f"Day {day}", start=site.clock.moment + timedelta(days=day)))
    await other.config.load()
    await one.config.update(federation_enabled=True)
    await other.config.load()
    counts = await asyncio.gather(one.announcer.sync(), other.announcer.sync())
    assert sum(counts) == 6
    announced = sorted(kinds(one.sent) + kinds(other.sent))
    assert announced == sorted(("Create", event_id) for event_id in await event_ids(one))


async def test_nothing_is_announced_while_the_schedule_or_federation_is_off(site: Site, one: Process) -> None:
    await one.config.update(schedule_enabled=False)
    await one.service.save(EventInput(name="Quiet", start=site.clock.moment + timedelta(days=1)))
    await one.service.tick()
    assert one.sent == []
    await one.config.update(schedule_enabled=True, federation_enabled=False)
    await one.service.tick()
    assert one.sent == []
    await one.config.update(federation_enabled=True, federation_private=True)
    await one.service.tick()
    [created] = one.sent
    assert created["to"] == [SERVER + "/federation/user/streamer/followers"], "private: followers only"
    # An occurrence that has already started is no longer news.
    await one.config.update(federation_enabled=False)
    await one.service.save(EventInput(name="Soon", start=site.clock.moment + timedelta(minutes=2)))
    site.clock.moment += timedelta(minutes=3)
    await one.config.update(federation_enabled=True)
    await one.service.tick()
    assert len(one.sent) == 1


async def test_edits_and_cancellations_are_updates(site: Site, one: Process) -> None:
    start = site.clock.moment + timedelta(days=3)
    await one.service.save(EventInput(name="Build night", start=start))
    [event_id] = await event_ids(one)
    site.clock.moment += timedelta(hours=1)
    await one.service.save(EventInput(id=event_id, name="Bench night", start=start + timedelta(hours=1)))
    site.clock.moment += timedelta(hours=1)
    await one.service.tick()
    await one.service.delete(DeleteInput(id=event_id, cancel=True))
    await one.service.tick()
    assert kinds(one.sent) == [("Create", event_id), ("Update", event_id), ("Update", event_id)]
    _, edited, cancelled = one.sent
    assert edited["object"]["name"] == "Bench night"
    assert edited["object"]["startTime"] == "2026-10-13T13:00:00Z"
    assert edited["object"]["updated"] == "2026-10-10T13:00:00Z"
    assert edited["object"]["ical:status"] == "CONFIRMED"
    assert cancelled["object"]["name"] == "Cancelled: Bench night"
    assert cancelled["object"]["ical:status"] == "CANCELLED"
    assert cancelled["object"]["updated"] == "2026-10-10T14:00:00Z"
    assert edited["id"] != cancelled["id"]
    # Mastodon applies no Update to an Event's post: the cancellation is also a reply to it.
    [post] = one.posts.posts
    assert post.value["inReplyTo"] == EVENTS + event_id
    assert post.value["content"].startswith(
        "<p>Cancelled: Bench night<br>Tuesday, October 13 at 1:00 PM UTC</p>"
    )
    await one.service.delete(DeleteInput(id=event_id, cancel=True))
    assert len(one.posts.posts) == 1, "cancelled once"


async def test_only_announced_occurrences_are_deleted_on_the_fediverse(site: Site, one: Process) -> None:
    await one.service.save(EventInput(name="Announced", start=site.clock.moment + timedelta(days=1)))
    [announced] = await event_ids(one)
    await one.config.update(schedule_enabled=False)
    await one.service.save(EventInput(name="Never told", start=site.clock.moment + timedelta(days=2)))
    quiet = next(event_id for event_id in await event_ids(one) if event_id != announced)
    await one.service.delete(DeleteInput(id=quiet, cancel=False))
    await one.service.delete(DeleteInput(id=announced, cancel=False))
    assert kinds(one.sent) == [("Create", announced), ("Delete", announced)]
    deleted = one.sent[1]
    assert deleted["object"] == {"id": EVENTS + announced, "type": "Tombstone"}
    await one.service.tick()
    assert len(one.sent) == 2, "a Delete is sent once"
    assert await one.service.occurrence(announced) is None


async def test_deletes_wait_while_federation_is_off(site: Site, one: Process) -> None:
    await one.service.save(EventInput(name="Announced", start=site.clock.moment + timedelta(days=1)))
    [announced] = await event_ids(one)
    await one.config.update(federation_enabled=False)
    await one.service.delete(DeleteInput(id=announced, cancel=False))
    assert kinds(one.sent) == [("Create", announced)]
    await one.config.update(federation_enabled=True)
    await one.service.tick()
    assert kinds(one.sent) == [("Create", announced), ("Delete", announced)]


async def test_a_series_edit_updates_kept_occurrences_and_deletes_dropped_ones(
    site: Site, one: Process
) -> None:
    rule = "DTSTART;TZID=Europe/Berlin:20261012T180000\nRRULE:FREQ=WEEKLY;BYDAY=MO,FR"
    document = await one.service.save(EventInput(name="Twice a week", recurrence=rule))
    [series] = document["series"]
    weekday = {
        event["id"]: datetime.fromisoformat(event["startTime"]).weekday() for event in document["events"]
    }
    mondays = sorted(event_id for event_id, day in weekday.items() if day == 0)
    fridays = sorted(event_id for event_id, day in weekday.items() if day == 4)
    assert len(mondays) >= 4 and len(fridays) >= 4
    assert sorted(kinds(one.sent)) == sorted(("Create", event_id) for event_id in weekday)
    one.sent.clear()

    site.clock.moment += timedelta(hours=1)
    await one.service.save(
        EventInput(id=series["id"], name="Mondays", recurrence=rule.replace("BYDAY=MO,FR", "BYDAY=MO"))
    )
    assert sorted(kinds(one.sent)) == sorted(
        [("Delete", event_id) for event_id in fridays] + [("Update", event_id) for event_id in mondays]
    ), "Mondays keep their ids (followers know them); no new Create"
    assert {a["object"]["name"] for a in one.sent if a["type"] == "Update"} == {"Mondays"}
    assert sorted(await event_ids(one)) == mondays
    one.sent.clear()

    await one.service.delete(DeleteInput(id=series["id"], cancel=False))
    assert sorted(kinds(one.sent)) == sorted(("Delete", event_id) for event_id in mondays)


async def test_a_missed_event_is_cancelled_on_the_fediverse_too(site: Site, one: Process) -> None:
    await one.config.update(schedule_chat_open_minutes=5)
    start = site.clock.moment + timedelta(hours=1)
    await one.service.save(EventInput(name="Missed", start=start))
    [event_id] = await event_ids(one)
    for minutes in (-5, 9, 10):
        site.clock.moment = start + timedelta(minutes=minutes)
        await one.service.tick()
    assert kinds(one.sent) == [("Create", event_id), ("Update", event_id)]
    assert one.sent[1]["object"]["ical:status"] == "CANCELLED"
    [post] = one.posts.posts
    assert post.value["inReplyTo"] == EVENTS + event_id


async def test_cancelling_what_followers_never_heard_of_posts_nothing(site: Site, one: Process) -> None:
    await one.config.update(schedule_enabled=False)
    await one.service.save(EventInput(name="Quiet", start=site.clock.moment + timedelta(days=1)))
    [event_id] = await event_ids(one)
    await one.service.delete(DeleteInput(id=event_id, cancel=True))
    await one.config.update(schedule_enabled=True)
    await one.service.tick()
    assert one.sent == [] and one.posts.posts == []


async def test_a_reminder_is_posted_to_the_followers(site: Site, one: Process) -> None:
    await one.config.update(
        schedule_reminder_message="Starting soon:",
        schedule_first_reminder_minutes=0,
        schedule_second_reminder_minutes=15,
    )
    start = site.clock.moment + timedelta(hours=2)
    await one.service.save(EventInput(name="Build night", start=start, timezone="Europe/Berlin"))
    [event_id] = await event_ids(one)
    site.clock.moment = start - timedelta(minutes=16)
    await one.service.tick()
    assert one.posts.posts == []
    site.clock.moment = start - timedelta(minutes=14)
    await one.service.tick()
    await one.service.tick()
    [text] = one.reminders
    [post] = one.posts.posts
    page = f"{SERVER}/schedule/{event_id}"
    assert post.type == "Note" and post.live_notification is False
    assert post.value["url"] == page
    assert post.value["content"] == (
        "<p>Starting soon:</p><p>Build night<br>Saturday, October 10 at 4:00 PM CEST<br>"
        f'<a href="{page}">{page}</a></p>'
    )
    assert text.endswith(page)


async def test_no_reminder_post_without_federation(site: Site, one: Process) -> None:
    await one.config.update(
        federation_enabled=False,
        schedule_reminder_message="Starting soon:",
        schedule_first_reminder_minutes=15,
        schedule_second_reminder_minutes=0,
    )
    start = site.clock.moment + timedelta(hours=2)
    await one.service.save(EventInput(name="Build night", start=start))
    site.clock.moment = start - timedelta(minutes=14)
    await one.service.tick()
    assert len(one.reminders) == 1 and one.posts.posts == []
