"""Scheduled streams' vocabulary (reference newer §14.1): a series, one occurrence, and their JSON forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

SCHEDULED = "scheduled"
CANCELLED = "cancelled"


def utc_text(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, whole seconds (the events' `startTime`)."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class EventSeries:
    id: str
    name: str
    description: str
    reminder_message: str
    recurrence: str
    duration_minutes: int
    active: bool
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"id": self.id, "name": self.name, "description": self.description}
        if self.reminder_message:
            document["reminderMessage"] = self.reminder_message
        document |= {
            "recurrence": self.recurrence,
            "durationMinutes": self.duration_minutes,
            "active": self.active,
        }
        return document


@dataclass(frozen=True)
class ScheduledEvent:
    """One concrete occurrence: a one-off (`series_id` None) or one produced by a series."""

    id: str
    series_id: str | None
    name: str
    description: str
    reminder_message: str
    start: datetime
    """UTC."""
    original_start: datetime | None
    """The instant the series produced (unique per series; a moved occurrence keeps its slot)."""
    duration_minutes: int
    timezone: str
    status: str
    reminded_minutes: tuple[int, ...] = ()
    """The reminder lead times (minutes) already sent for this occurrence."""
    announced: tuple[str, ...] = ()
    """The SCHEDULED_EVENTS webhook actions already sent (`10-minute-warning`, `started`, `ended`)."""
    federated_at: datetime | None = None
    """When its `Create(Event)` went to the followers; None = never announced."""
    federation_updated_at: datetime | None = None
    """When its last `Update(Event)` went out."""
    federation_pending: bool = False
    """An edit or cancellation not yet sent to the followers."""

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"id": self.id}
        if self.series_id:
            document["seriesId"] = self.series_id
        document |= {"name": self.name, "description": self.description}
        if self.reminder_message:
            document["reminderMessage"] = self.reminder_message
        document |= {
            "startTime": utc_text(self.start),
            "durationMinutes": self.duration_minutes,
            "timezone": self.timezone,
            "status": self.status,
        }
        return document
