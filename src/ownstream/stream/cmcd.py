"""Common Media Client Data (CTA-5004) as newer Owncast's collector reads it (reference newer §14.3).

A player sends CMCD as a JSON object (or an array of them, as dash.js batches), in the four `CMCD-*`
headers, or in a `CMCD` query parameter, the last two in CMCD's dictionary syntax: comma-separated members,
each `key` (true) or `key=value`, where a value is a quoted string (with `\\"` and `\\\\` escapes), a
number, `?0`/`?1`, or a token. Pure parsing: what a report means for the metrics is in `cmcd_update`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

HEADERS: Final = ("CMCD-Request", "CMCD-Object", "CMCD-Status", "CMCD-Session")
NO_REPORT: Final = "no CMCD report found in request"
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")

CmcdValue = str | float | bool
Report = dict[str, CmcdValue]


def parse_dictionary(text: str) -> Report:
    """The members of one CMCD dictionary; malformed members are skipped, never fatal."""
    members: Report = {}
    for member in _split_members(text):
        key, sep, raw = member.partition("=")
        key = key.strip()
        if not key:
            continue
        members[key] = _value(raw.strip()) if sep else True
    return members


def _split_members(text: str) -> Iterable[str]:
    start, quoted, escaped = 0, False, False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            yield text[start:index]
            start = index + 1
    yield text[start:]


def _value(raw: str) -> CmcdValue:
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    if raw in ("?1", "?0"):
        return raw == "?1"
    if _NUMBER.fullmatch(raw):
        number = float(raw)
        return number if math.isfinite(number) else raw
    return raw


def header_report(headers: Mapping[str, str]) -> Report:
    """The keys of the four `CMCD-*` headers, merged (empty when none is sent)."""
    report: Report = {}
    for name in HEADERS:
        value = headers.get(name)
        if value:
            report.update(parse_dictionary(value))
    return report


def body_reports(document: Any, from_headers: Report) -> list[Report]:
    """The reports of a JSON body plus the headers' keys: the headers override an object's keys, join an
    array as one more report, or are the only report when the body is empty (None). Entries that are not
    objects, and empty objects, are left out."""
    if document is None:
        reports: list[Report] = []
    elif isinstance(document, dict):
        reports = [_json_report(document) | from_headers]
        from_headers = {}
    elif isinstance(document, list):
        reports = [_json_report(entry) for entry in document if isinstance(entry, dict)]
    else:
        return []
    if from_headers:
        reports.append(from_headers)
    return [report for report in reports if report]


def _json_report(document: dict[Any, Any]) -> Report:
    report: Report = {}
    for key, value in document.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, bool | str):
            report[key] = value
        elif isinstance(value, int | float):
            number = _finite(value)
            if number is not None:
                report[key] = number
    return report


def _finite(value: float) -> float | None:
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class CmcdUpdate:
    """What one report says about its player (None: not said)."""

    session_id: str | None
    player_state: str | None
    bandwidth_kbps: float | None
    latency_seconds: float | None
    download_seconds: float | None
    bitrate_kbps: float | None
    errors: int


PLAYER_STATES: Final = frozenset({"p", "a", "w", "k", "e"})


def cmcd_update(report: Report) -> CmcdUpdate:
    """The keys the collector uses; zero or negative numbers are ignored, unknown keys too."""
    session = report.get("sid")
    state = report.get("sta")
    errors = int(report.get("bs") is True) + int(report.get("e") == "e")
    return CmcdUpdate(
        session_id=session if isinstance(session, str) and session else None,
        player_state=state if isinstance(state, str) and state in PLAYER_STATES else None,
        bandwidth_kbps=_positive(report.get("mtp")),
        latency_seconds=_milliseconds(report.get("ltc")),
        download_seconds=_milliseconds(report.get("ttlb")),
        bitrate_kbps=_positive(report.get("br")),
        errors=errors,
    )


def _positive(value: CmcdValue | None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, float) or value <= 0:
        return None
    return value


def _milliseconds(value: CmcdValue | None) -> float | None:
    positive = _positive(value)
    return positive / 1000 if positive is not None else None
