"""Recurrence values of scheduled streams (reference newer §14.1): two RFC 5545 lines, parsed and expanded.

A value is `DTSTART;TZID=<IANA zone>:<YYYYMMDDTHHMMSS>` (or a UTC `…Z` / zone-less DTSTART, both UTC)
and an `RRULE:` line, joined by a newline. The rule is expanded by `dateutil.rrule` on wall-clock time in
the DTSTART's zone, so "Sunday 20:00 Europe/Berlin" stays 20:00 in Berlin when the clocks change and
only its UTC instant moves.

Pure code: no I/O. Expanding is bounded as Owncast bounds it: at most `MAX_ITERATIONS` instants produced
(those before the window included) and at most `MAX_OCCURRENCES` inside the window.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

MAX_ITERATIONS = 500_000
MAX_OCCURRENCES = 1000

EMPTY = "recurrence value is empty"
NO_RRULE = "recurrence value has no RRULE"
NO_DTSTART = "recurrence value has no DTSTART"
UNPARSEABLE = "unable to parse recurrence value: "
TOO_DENSE = "recurrence rule is too dense to expand"
TOO_MANY = "recurrence rule produces too many occurrences"

_DTSTART = re.compile(r"DTSTART(?P<params>(?:;[^:]*)?):(?P<value>.*)", re.IGNORECASE)
_LOCAL_TIME = re.compile(r"(\d{8})T(\d{6})(Z?)")


class RecurrenceError(ValueError):
    """A value that cannot be used; `message` is Owncast's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Recurrence:
    value: str
    """As stored and sent back: the two lines, trimmed."""
    start: datetime
    """DTSTART, zone-aware in `zone`."""
    zone_name: str
    """The IANA name of the TZID, or "UTC"."""
    rule: rrule

    @property
    def zone(self) -> tzinfo:
        return self.start.tzinfo or UTC

    def between(self, window_start: datetime, window_end: datetime) -> list[datetime]:
        """Instants in [window_start, window_end), in the rule's zone; `RecurrenceError` past the limits."""
        found: list[datetime] = []
        for produced, instant in enumerate(self._instants(), start=1):
            if produced > MAX_ITERATIONS:
                raise RecurrenceError(TOO_DENSE)
            if instant >= window_end:
                break
            if instant >= window_start:
                found.append(instant)
                if len(found) > MAX_OCCURRENCES:
                    raise RecurrenceError(TOO_MANY)
        return found

    def _instants(self) -> Iterator[datetime]:
        for instant in self.rule:
            # zoneinfo gives a wall time that does not exist (a skipped hour) the offset before the change;
            # normalising through UTC makes the instant a real one.
            yield instant.astimezone(UTC).astimezone(self.zone)


def parse_recurrence(raw: str) -> Recurrence:
    """The value as a `Recurrence`, or `RecurrenceError` with Owncast's message."""
    lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        raise RecurrenceError(EMPTY)
    start_lines = [line for line in lines if line.upper().startswith("DTSTART")]
    rule_lines = [line for line in lines if line.upper().startswith("RRULE:")]
    others = [line for line in lines if line not in start_lines and line not in rule_lines]
    if others:
        raise RecurrenceError(f"{UNPARSEABLE}unsupported line {others[0][:40]!r}")
    if not rule_lines:
        raise RecurrenceError(NO_RRULE)
    if not start_lines:
        raise RecurrenceError(NO_DTSTART)
    if len(rule_lines) > 1 or len(start_lines) > 1:
        raise RecurrenceError(f"{UNPARSEABLE}more than one DTSTART or RRULE")
    start, zone_name = _parse_start(start_lines[0])
    try:
        rule = rrulestr(rule_lines[0], dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise RecurrenceError(f"{UNPARSEABLE}{error}") from None
    if not isinstance(rule, rrule):
        raise RecurrenceError(f"{UNPARSEABLE}unsupported rule")
    return Recurrence("\n".join((start_lines[0], rule_lines[0])), start, zone_name, rule)


def _parse_start(line: str) -> tuple[datetime, str]:
    match = _DTSTART.fullmatch(line)
    if match is None:
        raise RecurrenceError(f"{UNPARSEABLE}bad DTSTART line")
    zone_name = "UTC"
    for param in filter(None, match["params"].split(";")):
        key, _, value = param.partition("=")
        if key.upper() == "TZID":
            zone_name = value.strip('"')
        elif key.upper() != "VALUE" or value.upper() != "DATE-TIME":
            raise RecurrenceError(f"{UNPARSEABLE}unsupported DTSTART parameter {key}")
    zone = load_zone(zone_name)
    if zone is None:
        raise RecurrenceError(f"{UNPARSEABLE}unknown time zone {zone_name!r}")
    time_match = _LOCAL_TIME.fullmatch(match["value"].strip())
    if time_match is None:
        raise RecurrenceError(f"{UNPARSEABLE}DTSTART is not a date-time like 20260706T180000")
    try:
        wall = datetime.strptime(time_match[1] + time_match[2], "%Y%m%d%H%M%S")
    except ValueError as error:
        raise RecurrenceError(f"{UNPARSEABLE}{error}") from None
    if time_match[3]:  # a UTC instant: the zone is UTC whatever TZID says (RFC 5545 forbids both)
        return wall.replace(tzinfo=UTC), "UTC"
    return wall.replace(tzinfo=zone), zone_name


def load_zone(name: str) -> tzinfo | None:
    """The IANA zone `name`, or None when this machine does not know it."""
    if name.upper() == "UTC":
        return UTC
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
