"""Blocking playlist reload and delta updates: the `_HLS_msn`, `_HLS_part` and `_HLS_skip` query
directives (draft-pantos-hls-rfc8216bis §6.2.5). Pure code: a query in, directives or a refusal out, and
the rule for what is "too far ahead".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

MSN: Final = "_HLS_msn"
PART: Final = "_HLS_part"
SKIP: Final = "_HLS_skip"
_NUMBER = re.compile(r"[0-9]{1,15}")
MAX_AHEAD_SEGMENTS: Final = 2
"""A request for a segment more than this far past the newest one is refused (§6.2.5.2)."""
BLOCK_TARGET_DURATIONS: Final = 3
"""A blocked request answers 503 after this many target durations without its part (§6.2.5.2)."""


class BadDirectives(ValueError):
    """The directives cannot be honoured: answer 400 with this message."""


@dataclass(frozen=True)
class Directives:
    msn: int | None = None
    part: int | None = None
    skip: str | None = None
    """`YES` or `v2` (a delta update), else None."""

    @property
    def blocking(self) -> bool:
        return self.msn is not None


def _number(name: str, text: str) -> int:
    if not _NUMBER.fullmatch(text):
        raise BadDirectives(f"{name} must be a whole number")
    return int(text)


def parse_directives(query: Mapping[str, str]) -> Directives:
    """The directives of a playlist request; `BadDirectives` for malformed ones."""
    msn_text, part_text, skip = query.get(MSN), query.get(PART), query.get(SKIP)
    msn = None if msn_text is None else _number(MSN, msn_text)
    part = None if part_text is None else _number(PART, part_text)
    if part is not None and msn is None:
        raise BadDirectives(f"{PART} needs {MSN}")
    if skip is not None and skip not in ("YES", "v2"):
        raise BadDirectives(f"{SKIP} must be YES or v2")
    return Directives(msn, part, skip)


def advance_part_limit(part_target: float) -> int:
    """How many parts past the newest one a request may ask for (§6.2.5.2)."""
    return math.floor(3 / part_target) if part_target < 1 else 3


def check_not_too_far(
    directives: Directives,
    *,
    newest_msn: int,
    newest_part: int | None,
    parts_per_segment: int,
    part_target: float | None,
) -> None:
    """`BadDirectives` when the request is further ahead than a server is asked to wait for.

    `newest_msn`/`newest_part`: the segment holding the newest complete part and that part's index
    (`newest_part` None when no part is complete). `parts_per_segment` estimates the parts still to come.
    """
    msn = directives.msn
    if msn is None:
        return
    if msn > newest_msn + MAX_AHEAD_SEGMENTS:
        raise BadDirectives(f"{MSN}={msn} is more than {MAX_AHEAD_SEGMENTS} segments past the newest")
    if directives.part is None or part_target is None:
        return
    newest = -1 if newest_part is None else newest_part
    ahead = (msn - newest_msn) * max(parts_per_segment, 1) + directives.part - newest
    limit = advance_part_limit(part_target)
    if ahead > limit:
        raise BadDirectives(f"{PART}={directives.part} is more than {limit} parts past the newest")
