"""When things happen around a scheduled occurrence (reference newer §14.1): which reminders are due, the
reminder's text, and the window in which chat is open before and during the event. Pure code."""

from __future__ import annotations

from datetime import datetime, timedelta

from ownstream.domain.scheduled_events import SCHEDULED, ScheduledEvent
from ownstream.schedule.recurrence import load_zone

MISSED_AFTER = timedelta(minutes=10)
"""An occurrence whose stream has not come online this long after its start is over (chat closes)."""
MISSED_NOTICE_AFTER = timedelta(minutes=9)
MISSED_NOTICE = "This scheduled live stream never started, so chat is being turned off. Thanks for coming!"


def lead_times(first: int, second: int) -> tuple[int, ...]:
    """The reminder lead times in minutes, zeros dropped and duplicates collapsed, longest first."""
    return tuple(sorted({minutes for minutes in (first, second) if minutes > 0}, reverse=True))


def due_reminders(event: ScheduledEvent, now: datetime, leads: tuple[int, ...]) -> tuple[int, ...]:
    """The lead times whose reminder is due now and not yet sent: the start is in the future and within
    that many minutes."""
    if event.status != SCHEDULED or event.start <= now:
        return ()
    until = event.start - now
    return tuple(
        minutes
        for minutes in leads
        if minutes not in event.reminded_minutes and until <= timedelta(minutes=minutes)
    )


WARNING = "10-minute-warning"
STARTED = "started"
ENDED = "ended"
WARNING_AHEAD = timedelta(minutes=10)


def due_announcements(event: ScheduledEvent, now: datetime) -> tuple[str, ...]:
    """The SCHEDULED_EVENTS webhook actions due now and not yet sent, in order: the warning within 10
    minutes before the start (none once it has passed), `started` once the start is reached, `ended` once
    the slot is over (only after `started`). Cancelled occurrences get none."""
    if event.status != SCHEDULED:
        return ()
    due: list[str] = []
    sent = set(event.announced)
    if now < event.start and WARNING not in sent and event.start - now <= WARNING_AHEAD:
        due.append(WARNING)
    if event.start <= now and STARTED not in sent and now < event.end:
        due.append(STARTED)
    if now >= event.end and ENDED not in sent and (STARTED in sent or STARTED in due):
        due.append(ENDED)
    return tuple(due)


def spoken_start(event: ScheduledEvent) -> str:
    """The start in the event's zone, as "Monday, August 10 at 6:00 PM PDT"."""
    zone = load_zone(event.timezone)
    local = event.start.astimezone(zone) if zone is not None else event.start
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{local:%A}, {local:%B} {local.day} at {hour}:{local:%M} {half} {local.tzname()}"


def reminder_text(event: ScheduledEvent, default_message: str, server_url: str) -> str | None:
    """The reminder for `event`: its own message, else the default; None when both are empty."""
    message = event.reminder_message.strip() or default_message.strip()
    if not message:
        return None
    text = f"{message}\n\n{event.name}\n{spoken_start(event)}"
    if server_url:
        text += f"\n{server_url.rstrip('/')}/schedule/{event.id}"
    return text


def chat_open(event: ScheduledEvent, now: datetime, open_minutes: int, online: bool) -> bool:
    """Open from `open_minutes` before the start until the end; shut once 10 minutes have passed since the
    start with the stream offline."""
    if event.status != SCHEDULED:
        return False
    if not event.start - timedelta(minutes=open_minutes) <= now < event.end:
        return False
    return online or now < event.start + MISSED_AFTER
