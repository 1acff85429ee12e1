"""`/api/schedule.ics`: the schedule as an RFC 5545 calendar, written as Owncast's development branch
writes it (reference newer §14.1): CRLF line ends, lines folded at 75 octets without splitting a UTF-8
character, text values escaped. Pure code."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from ownstream.domain.scheduled_events import CANCELLED, ScheduledEvent

MAX_LINE_OCTETS = 75


def ical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """`line` folded: at most 75 octets a physical line, continuations starting with a space."""
    pieces: list[str] = []
    current = b""
    limit = MAX_LINE_OCTETS
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            pieces.append(current.decode("utf-8"))
            current = b""
            limit = MAX_LINE_OCTETS - 1  # the leading space counts
        current += encoded
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def calendar(events: Iterable[ScheduledEvent], generated: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Owncast//Schedule//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "REFRESH-INTERVAL;VALUE=DURATION:PT15M",
    ]
    stamp = ical_time(generated)
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.id}@owncast",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{ical_time(event.start)}",
            f"DTEND:{ical_time(event.end)}",
            f"SUMMARY:{escape_text(event.name)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        lines.append("STATUS:CANCELLED" if event.status == CANCELLED else "STATUS:CONFIRMED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
