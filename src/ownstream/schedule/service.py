"""Scheduled streams (reference newer §14.1): the admin's edits, the public schedule, and the minute loop
that expands series, sends reminders and closes chat after a missed event.

The loop runs at start-up and every `interval` (Owncast: a minute), also while the feature is off, so the
schedule is ready when it is switched on. For each active series it inserts the occurrences of the next
30 days that have no row yet (a series' slot is unique, so re-expansion never duplicates a moved or
cancelled one). Reminders, the SCHEDULED_EVENTS actions and the missed-event rule act only while the
feature is on. At an occurrence's `started` the stream title becomes the event's name first (the latest
revision of Owncast's branch), through the admin's own title setter (`set_title`: stored, announced in
chat, STREAM_TITLE_UPDATED), so everything that shows the title follows as when the admin sets it.

With federation on, the `ScheduleFediverse` hears of every change (after each edit and on each tick) and of
each reminder (federation/schedule_announcer.py); edits and cancellations are stored as changes it owes
the followers (repos/schedule.py).

`ScheduleError` carries Owncast's text for the route's *error body* (400); `ScheduleInternalError` the
texts Owncast answers with status 200 (a failure after the write).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from ownstream.clock import Clock, PeriodicTimer
from ownstream.config.service import ConfigService
from ownstream.database.repos.schedule import ScheduleRepository
from ownstream.domain.ids import short_id
from ownstream.domain.scheduled_events import CANCELLED, SCHEDULED, EventSeries, ScheduledEvent, utc_text
from ownstream.errors import Invalid
from ownstream.events import EventBus, ScheduledEventAction
from ownstream.schedule import timing
from ownstream.schedule.event_input import DeleteInput, EventInput
from ownstream.schedule.ical import calendar
from ownstream.schedule.recurrence import Recurrence, RecurrenceError, load_zone, parse_recurrence

log = logging.getLogger(__name__)

MAX_DURATION_MINUTES = 7 * 24 * 60
DEFAULT_DURATION_MINUTES = 60
MATERIALIZE_AHEAD = timedelta(days=30)
PREVIEW_SPAN = timedelta(days=365)
PREVIEW_COUNT = 5
ADMIN_PAST = timedelta(days=91)
ADMIN_AHEAD = timedelta(days=61)
PUBLIC_PAST = timedelta(days=7)
PUBLIC_AHEAD = timedelta(days=90)
MAX_PUBLIC_SPAN = timedelta(days=366)
ICS_AHEAD = timedelta(days=365)
LONGEST_EVENT = timedelta(minutes=MAX_DURATION_MINUTES)
STATUS_CACHE_SECONDS = 10.0
# Our caps (Owncast has none): a schedule is read by every viewer's page.
MAX_NAME_CHARS = 255
MAX_TEXT_CHARS = 16 * 1024
MAX_RECURRENCE_CHARS = 2048

NO_SUCH = "no scheduled event or series with that id"

Send = Callable[[str], Awaitable[None]]
SetTitle = Callable[[str], Awaitable[object]]


class ScheduleFediverse(Protocol):
    """What the fediverse hears of the schedule (federation/schedule_announcer.py)."""

    async def sync(self) -> int:
        """Send the announcements, updates and deletes the stored schedule owes the followers."""

    async def remind(self, event: ScheduledEvent, text: str) -> None:
        """Post a reminder for `event` to the followers."""

    async def cancelled(self, event_id: str) -> None:
        """The occurrence was just cancelled: tell the followers who heard of it."""


class ScheduleError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ScheduleInternalError(ScheduleError):
    """Owncast answers these with status 200 (no status set after a write)."""


class ScheduleService:
    def __init__(
        self,
        repository: ScheduleRepository,
        config: ConfigService,
        clock: Clock,
        bus: EventBus,
        *,
        online: Callable[[], bool],
        send_reminder: Send,
        send_chat_notice: Send,
        set_title: SetTitle | None = None,
        interval: float = 60.0,
        fediverse: ScheduleFediverse | None = None,
    ) -> None:
        self._repository = repository
        self._config = config
        self._clock = clock
        self._bus = bus
        self._online = online
        self._send_reminder = send_reminder
        self._send_chat_notice = send_chat_notice
        self._fediverse = fediverse
        self._set_title = set_title
        self._timer = PeriodicTimer("schedule", interval, self.tick, run_at_start=True)
        self._lock = asyncio.Lock()
        self._ticking = asyncio.Lock()
        self._upcoming: list[ScheduledEvent] = []
        self._cached_at: float | None = None
        self._seen_online: set[str] = set()
        self._noticed: set[str] = set()

    def start(self) -> None:
        self._timer.start()

    async def stop(self) -> None:
        # A tick is let finish rather than cancelled mid-query: a database call cancelled at shutdown
        # leaves the driver's thread to answer a loop that may be gone by then.
        async with self._ticking:
            await self._timer.stop()

    # --- reads -------------------------------------------------------------------------------------

    async def admin_schedule(self) -> dict[str, Any]:
        now = self._clock.now()
        series = await self._repository.all_series()
        events = await self._repository.events_between(now - ADMIN_PAST, now + ADMIN_AHEAD)
        return {"series": [s.to_json() for s in series], "events": [e.to_json() for e in events]}

    async def public_events(self, start: datetime | None, end: datetime | None) -> list[dict[str, Any]]:
        if not self._config.current.schedule_enabled:
            return []
        now = self._clock.now()
        start = start if start is not None else now - PUBLIC_PAST
        end = end if end is not None else now + PUBLIC_AHEAD
        if end <= start:
            raise ScheduleError("to must be after from")
        if end - start > MAX_PUBLIC_SPAN:
            raise ScheduleError("requested schedule range is too large")
        return [event.to_json() for event in await self._repository.events_between(start, end)]

    async def ics(self) -> str:
        now = self._clock.now()
        events: list[ScheduledEvent] = []
        if self._config.current.schedule_enabled:
            events = await self._repository.events_between(now - PUBLIC_PAST, now + ICS_AHEAD)
        return calendar(events, now)

    async def preview(self, value: str) -> list[str]:
        recurrence = self._parse(value)
        now = self._clock.now()
        try:
            instants = await asyncio.to_thread(self._expand, recurrence, now, now + PREVIEW_SPAN)
        except RecurrenceError as error:
            raise ScheduleError(error.message) from None
        return [_offset_text(instant) for instant in instants[:PREVIEW_COUNT]]

    # --- what /api/status and chat ask -------------------------------------------------------------

    async def refresh_if_stale(self) -> None:
        if self._cached_at is None or self._clock.monotonic() - self._cached_at >= STATUS_CACHE_SECONDS:
            await self.refresh()

    async def refresh(self) -> None:
        now = self._clock.now()
        scheduled = await self._repository.events_between(
            now - LONGEST_EVENT, now + timedelta(days=3660), only_scheduled=True
        )
        self._upcoming = [event for event in scheduled if event.end > now][:8]
        self._cached_at = self._clock.monotonic()

    def current_event(self) -> ScheduledEvent | None:
        """The earliest scheduled occurrence that has not ended (a running slot stays current)."""
        if not self._config.current.schedule_enabled:
            return None
        now = self._clock.now()
        return next((event for event in self._upcoming if event.end > now), None)

    def status_document(self) -> dict[str, Any] | None:
        """`/api/status`'s `scheduledEvent`, or None (feature off, nothing current or upcoming)."""
        event = self.current_event()
        if event is None:
            return None
        return {
            "id": event.id,
            "name": event.name,
            "description": event.description,
            "startTime": utc_text(event.start),
            "durationMinutes": event.duration_minutes,
            "chatOpen": self._chat_open(event),
        }

    def chat_open(self) -> bool:
        """Whether the schedule opens chat now while the stream is offline."""
        event = self.current_event()
        return event is not None and self._chat_open(event)

    def _chat_open(self, event: ScheduledEvent) -> bool:
        config = self._config.current
        return timing.chat_open(event, self._clock.now(), config.schedule_chat_open_minutes, self._online())

    # --- the admin's edits -------------------------------------------------------------------------

    async def save(self, given: EventInput) -> dict[str, Any]:
        """Create or update (Owncast's order of checks); the admin schedule after the change."""
        name = (given.name or "").strip()
        if not name:
            raise ScheduleError("name is required")
        if len(name) > MAX_NAME_CHARS:
            raise ScheduleError(f"name is longer than {MAX_NAME_CHARS} characters")
        for text in (given.description, given.reminder_message):
            if text is not None and len(text) > MAX_TEXT_CHARS:
                raise ScheduleError(
                    f"description and reminderMessage are limited to {MAX_TEXT_CHARS} characters"
                )
        if given.duration_minutes is not None and not 0 < given.duration_minutes <= MAX_DURATION_MINUTES:
            raise ScheduleError("durationMinutes is out of range")
        recurrence = (given.recurrence or "").strip()
        if recurrence and given.start is not None:
            raise ScheduleError("start and recurrence are mutually exclusive")
        given = replace(given, name=name, recurrence=recurrence)
        async with self._lock:
            try:
                if not given.id:
                    if recurrence:
                        await self._create_series(given)
                    else:
                        await self._create_one_off(given)
                else:
                    await self._update(given)
            finally:
                await self.refresh()  # what /api/status shows follows every edit at once
                await self.federate()
        return await self.admin_schedule()

    async def _create_series(self, given: EventInput) -> None:
        parsed = self._parse(given.recurrence or "")
        series = EventSeries(
            id=short_id(),
            name=given.name or "",
            description=given.description or "",
            reminder_message=given.reminder_message or "",
            recurrence=parsed.value,
            duration_minutes=given.duration_minutes or DEFAULT_DURATION_MINUTES,
            active=True,
            created_at=self._clock.now(),
        )
        await self._repository.add_series(series)
        try:
            await self._materialize(series, parsed)
        except RecurrenceError as error:
            raise ScheduleInternalError(f"series {series.id}: {error.message}") from None

    async def _create_one_off(self, given: EventInput) -> None:
        if given.start is None:
            raise ScheduleError("start is required for a one-off event")
        if given.start < self._clock.now():
            raise ScheduleError("start must be in the future")
        zone = given.timezone or "UTC"
        if load_zone(zone) is None:
            raise ScheduleError("unknown timezone")
        await self._repository.add_event(
            ScheduledEvent(
                id=short_id(),
                series_id=None,
                name=given.name or "",
                description=given.description or "",
                reminder_message=given.reminder_message or "",
                start=given.start.astimezone(UTC).replace(microsecond=0),
                original_start=None,
                duration_minutes=given.duration_minutes or DEFAULT_DURATION_MINUTES,
                timezone="UTC" if zone.upper() == "UTC" else zone,
                status=SCHEDULED,
            )
        )

    async def _update(self, given: EventInput) -> None:
        if given.timezone is not None:
            raise ScheduleError("timezone cannot be changed on an update")
        event_id = given.id or ""
        series = await self._repository.series(event_id)
        if series is not None:
            await self._update_series(series, given)
            return
        event = await self._repository.event(event_id)
        if event is None:
            raise ScheduleError(NO_SUCH)
        if given.recurrence:
            raise ScheduleError(
                "a one-off event cannot become a recurring series, create a new series instead"
            )
        if given.start is not None and given.start < self._clock.now():
            raise ScheduleError("start must be in the future")
        moved = given.start is not None and given.start != event.start
        await self._repository.update_event(
            replace(
                event,
                name=given.name or event.name,
                description=_kept(given.description, event.description),
                reminder_message=_kept(given.reminder_message, event.reminder_message),
                duration_minutes=given.duration_minutes or event.duration_minutes,
                start=given.start.astimezone(UTC).replace(microsecond=0) if given.start else event.start,
                reminded_minutes=() if moved else event.reminded_minutes,
                announced=() if moved else event.announced,
            ),
            changed=True,
        )

    async def _update_series(self, series: EventSeries, given: EventInput) -> None:
        if given.start is not None:
            raise ScheduleError("a recurring series has no single start, edit its recurrence instead")
        parsed = self._parse(given.recurrence or series.recurrence)
        edited = replace(
            series,
            name=given.name or series.name,
            description=_kept(given.description, series.description),
            reminder_message=_kept(given.reminder_message, series.reminder_message),
            duration_minutes=given.duration_minutes or series.duration_minutes,
            recurrence=parsed.value,
        )
        now = self._clock.now()
        kept: set[datetime] | None
        try:  # the slots the edited rule still has: announced occurrences in them are kept
            instants = await asyncio.to_thread(self._expand, parsed, now, now + MATERIALIZE_AHEAD)
            kept = {instant.astimezone(UTC) for instant in instants}
        except RecurrenceError:
            kept = None
        await self._repository.replace_series(edited, now, kept)
        if edited.active:
            try:
                await self._materialize(edited, parsed)
            except RecurrenceError as error:
                raise ScheduleInternalError(f"series {edited.id}: {error.message}") from None

    async def delete(self, given: DeleteInput) -> dict[str, Any]:
        async with self._lock:
            series = await self._repository.series(given.id) if given.id else None
            event = await self._repository.event(given.id) if given.id and series is None else None
            if series is None and event is None:
                raise ScheduleError(NO_SUCH)
            if series is not None:
                if given.cancel:
                    await self._repository.pause_series(series.id)
                else:
                    await self._repository.delete_series(series.id, self._clock.now())
            elif event is not None:
                if given.cancel:
                    newly = event.status != CANCELLED
                    await self._repository.update_event(replace(event, status=CANCELLED), changed=newly)
                    if newly:
                        await self._tell_followers_cancelled(event.id)
                else:
                    await self._repository.delete_event(event.id, self._clock.now())
            await self.refresh()
            await self.federate()
        return await self.admin_schedule()

    # --- the minute loop ---------------------------------------------------------------------------

    async def tick(self) -> None:
        async with self._ticking:
            await self._tick()

    async def _tick(self) -> None:
        async with self._lock:
            for series in await self._repository.all_series():
                if not series.active:
                    continue
                try:
                    await self._materialize(series, parse_recurrence(series.recurrence))
                except RecurrenceError as error:
                    log.warning("scheduled series %s not expanded: %s", series.id, error.message)
            await self.refresh()
        if self._config.current.schedule_enabled:
            await self._announce()
            await self._remind()
            await self._missed_events()
        await self.federate()

    async def federate(self) -> int:
        """Send the followers what the schedule owes them (nothing without federation); a failure is
        logged, never the admin's or the loop's problem (what is owed stays stored)."""
        if self._fediverse is None:
            return 0
        try:
            return await self._fediverse.sync()
        except Exception:
            log.exception("sending the schedule to the fediverse failed")
            return 0

    async def _materialize(self, series: EventSeries, recurrence: Recurrence) -> int:
        now = self._clock.now()
        instants = await asyncio.to_thread(self._expand, recurrence, now, now + MATERIALIZE_AHEAD)
        occurrences = [
            ScheduledEvent(
                id=short_id(),
                series_id=series.id,
                name=series.name,
                description=series.description,
                reminder_message=series.reminder_message,
                start=instant.astimezone(UTC),
                original_start=instant.astimezone(UTC),
                duration_minutes=series.duration_minutes,
                timezone=recurrence.zone_name,
                status=SCHEDULED,
            )
            for instant in instants
        ]
        return await self._repository.add_missing(series.id, occurrences)

    @staticmethod
    def _expand(recurrence: Recurrence, start: datetime, end: datetime) -> list[datetime]:
        return recurrence.between(start, end)

    async def _announce(self) -> None:
        """SCHEDULED_EVENTS webhooks, each action once per occurrence (the bus carries them to the
        webhook dispatcher)."""
        now = self._clock.now()
        recent = await self._repository.events_between(
            now - LONGEST_EVENT - timedelta(minutes=10), now + timing.WARNING_AHEAD, only_scheduled=True
        )
        for event in recent:
            due = timing.due_announcements(event, now)
            if not due:
                continue
            await self._repository.update_event(replace(event, announced=(*event.announced, *due)))
            for action in due:
                if action == timing.STARTED:
                    await self._title_from(event)
                self._bus.publish(ScheduledEventAction(event.to_json(), action, now))

    async def _title_from(self, event: ScheduledEvent) -> None:
        """The stream title becomes the event's name, as the admin's setter would set it."""
        if self._set_title is None:
            return
        try:
            await self._set_title(event.name)
        except Invalid as error:
            log.warning("scheduled event %s: its name was not taken as the stream title: %s", event.id, error)

    async def _remind(self) -> None:
        config = self._config.current
        leads = timing.lead_times(
            config.schedule_first_reminder_minutes, config.schedule_second_reminder_minutes
        )
        if not leads:
            return
        now = self._clock.now()
        for event in await self._repository.events_between(
            now, now + timedelta(minutes=leads[0]), only_scheduled=True
        ):
            due = timing.due_reminders(event, now, leads)
            if not due:
                continue
            # Marked first: a reminder is sent at most once, even if sending fails.
            await self._repository.update_event(
                replace(event, reminded_minutes=tuple(sorted({*event.reminded_minutes, *due})))
            )
            text = timing.reminder_text(event, config.schedule_reminder_message, config.server_url)
            if text is not None:
                log.info("sending the reminder for scheduled event %s", event.id)
                await self._send_reminder(text)
                await self._remind_followers(event, text)

    async def _remind_followers(self, event: ScheduledEvent, text: str) -> None:
        if self._fediverse is None:
            return
        try:
            await self._fediverse.remind(event, text)
        except Exception:
            log.exception("the fediverse reminder for scheduled event %s failed", event.id)

    async def _tell_followers_cancelled(self, event_id: str) -> None:
        if self._fediverse is None:
            return
        try:
            await self._fediverse.cancelled(event_id)
        except Exception:
            log.exception("the fediverse post for cancelled scheduled event %s failed", event_id)

    async def _missed_events(self) -> None:
        """Chat opened early for an event whose stream never came: a notice at start + 9 min, and the
        occurrence cancelled at start + 10 min."""
        config = self._config.current
        online = self._online()
        now = self._clock.now()
        current = {event.id for event in self._upcoming}
        self._seen_online &= current
        self._noticed &= current
        for event in self._upcoming:
            if online and event.start - timedelta(minutes=config.schedule_chat_open_minutes) <= now:
                self._seen_online.add(event.id)
        if config.schedule_chat_open_minutes <= 0 or online:
            return
        for event in list(self._upcoming):
            if event.id in self._seen_online or now < event.start + timing.MISSED_NOTICE_AFTER:
                continue
            if event.id not in self._noticed:
                self._noticed.add(event.id)
                await self._send_chat_notice(timing.MISSED_NOTICE)
            if now >= event.start + timing.MISSED_AFTER:
                await self._repository.update_event(replace(event, status=CANCELLED), changed=True)
                log.info("scheduled event %s never started: cancelled", event.id)
                await self._tell_followers_cancelled(event.id)
                await self.refresh()

    async def occurrence(self, event_id: str) -> ScheduledEvent | None:
        """One occurrence as stored (its federation state too)."""
        return await self._repository.event(event_id)

    def _parse(self, value: str) -> Recurrence:
        if len(value) > MAX_RECURRENCE_CHARS:
            raise ScheduleError(f"recurrence value is longer than {MAX_RECURRENCE_CHARS} characters")
        try:
            return parse_recurrence(value)
        except RecurrenceError as error:
            raise ScheduleError(error.message) from None


def _kept(given: str | None, stored: str) -> str:
    return stored if given is None else given


def _offset_text(instant: datetime) -> str:
    text = instant.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
