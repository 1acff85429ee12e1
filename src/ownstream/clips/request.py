"""What `POST /api/clips` asks for, checked (pure).

`{"title": "…", "replayId": "…", "start": S, "end": E}`: `replayId` left out (or null) means the stream
being recorded now. `start` and `end` are each either a wall-clock time (RFC 3339 with its offset, as
the chat's timestamps and the playlists' program date times) or a number of seconds into the replay's
video — the player's position, so a reconnect's gap does not count; a negative number counts back from
the end of what is recorded so far. `end` left out is that end (the live edge while live): the last
30 seconds are `{"start": -30}`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from ownstream.errors import Invalid

MAX_TITLE_CHARACTERS: Final = 200

Moment = float | datetime
"""Seconds into the replay's video (negative: back from its end), or a wall-clock time."""


@dataclass(frozen=True)
class ClipRequest:
    title: str
    """Empty: the replay's title."""
    replay_id: str | None
    """None: the stream being recorded now."""
    start: Moment
    end: Moment | None
    """None: the end of what is recorded so far."""


def parse_moment(value: Any, what: str) -> Moment:
    if isinstance(value, bool):
        raise Invalid(f"{what} must be a number of seconds or a time")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer too big for a float
            number = math.inf
        if not math.isfinite(number):
            raise Invalid(f"{what} must be a finite number of seconds")
        return number
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
        except ValueError:
            raise Invalid(f"{what} must be a number of seconds or an RFC 3339 time") from None
        if moment.tzinfo is None:
            raise Invalid(f"{what} must say its time zone (Z or an offset)")
        return moment
    raise Invalid(f"{what} must be a number of seconds or a time")


def parse_clip_request(body: Any) -> ClipRequest:
    if not isinstance(body, dict):
        raise Invalid('the clip must be an object: {"title", "replayId", "start", "end"}')
    unknown = set(body) - {"title", "replayId", "start", "end"}
    if unknown:
        raise Invalid(f"unknown clip field: {sorted(unknown)[0]}")
    title = body.get("title")
    if title is None:
        title = ""
    if not isinstance(title, str):
        raise Invalid("the title must be a string")
    title = title.strip()
    if len(title) > MAX_TITLE_CHARACTERS:
        raise Invalid(f"the title may be at most {MAX_TITLE_CHARACTERS} characters")
    try:
        title.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("the title must be valid Unicode text") from None
    replay_id = body.get("replayId")
    if replay_id is not None and (not isinstance(replay_id, str) or not replay_id):
        raise Invalid("replayId must be a replay's id (or left out for the live stream)")
    if body.get("start") is None:
        raise Invalid("the clip needs a start")
    start = parse_moment(body["start"], "start")
    end = None if body.get("end") is None else parse_moment(body["end"], "end")
    return ClipRequest(title, replay_id, start, end)
