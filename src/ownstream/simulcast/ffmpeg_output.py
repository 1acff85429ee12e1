"""What a forwarding ffmpeg says, read without I/O: its `-progress` reports on stdout, and its stderr
lines turned into a short, key-free "last error" and a verdict (did the remote refuse us?).

ffmpeg's RTMP client prints the remote's refusal as `Server error: <description>` (an `_error` answer to
`connect`, or an `onStatus` error to `publish`). A refusal that names no passing condition (a wrong key,
an unknown application) will not change by trying again, so the destination stops (`failed`); "already
publishing", "busy" and the like pass (the remote still holds the previous connection) and are retried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ownstream.simulcast.destinations import MASK, DestinationUrl

_CONTEXT_PREFIX: Final = re.compile(r"^\[[^\]]*@ 0x[0-9a-fA-F]+\]\s*")
_SERVER_ERROR: Final = re.compile(r"\bServer error:\s*(?P<description>.*)$")
_PASSING_REFUSAL: Final = re.compile(
    r"(?i)already|busy|in use|try again|temporar|could not start|timeout|timed out|overload|unavailable"
)
_NOISE: Final = (
    "Press [q] to stop",
    "Failed to update header with correct",
    "Non-monotonic DTS",
    "Queue input is backward in time",
)
MAX_LINE: Final = 300


@dataclass(frozen=True)
class Progress:
    """One `-progress` report."""

    total_size: int
    """Bytes the muxer has written to the remote so far (0 until it says)."""
    out_time_us: int
    ended: bool
    """`progress=end`: ffmpeg is finishing."""


class ProgressParser:
    """Feed it stdout lines; it returns a `Progress` at the end of each report block."""

    def __init__(self) -> None:
        self._fields: dict[str, str] = {}

    def feed(self, line: str) -> Progress | None:
        key, equals, value = line.strip().partition("=")
        if not equals:
            return None
        if key != "progress":
            self._fields[key.strip()] = value.strip()
            return None
        fields, self._fields = self._fields, {}
        return Progress(
            total_size=_number(fields.get("total_size")),
            out_time_us=_number(fields.get("out_time_us")),
            ended=value.strip() == "end",
        )


def _number(text: str | None) -> int:
    try:
        return max(0, int(text or "0"))
    except ValueError:
        return 0


@dataclass(frozen=True)
class StderrLine:
    text: str
    """The line without ffmpeg's `[context @ 0x…]` prefix, the stream key masked, shortened."""
    refused: bool = False
    """The remote refused the connection or publish for a reason that will not pass."""
    noise: bool = False
    """Nothing a user needs to see as the last error."""


def redact_key(text: str, url: DestinationUrl) -> str:
    """`text` with the destination's stream key masked wherever it appears."""
    text = text.replace(url.full, url.display)
    if url.key:
        text = text.replace(url.key, MASK)
    return text


def read_stderr_line(raw: str, url: DestinationUrl) -> StderrLine:
    text = redact_key(_CONTEXT_PREFIX.sub("", raw.strip()), url)
    if len(text) > MAX_LINE:
        text = text[: MAX_LINE - 1] + "…"
    if not text or any(noise in text for noise in _NOISE):
        return StderrLine(text, noise=True)
    match = _SERVER_ERROR.search(text)
    if match is not None:
        description = match["description"].strip()
        return StderrLine(
            f"the server refused: {description or 'no reason given'}",
            refused=_PASSING_REFUSAL.search(description) is None,
        )
    return StderrLine(text)
