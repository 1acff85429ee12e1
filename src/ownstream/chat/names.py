"""Display names: which ones a rename may not use, and how a new chat user gets one (reference §2.2, §3.5)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from ownstream.chat.text import well_formed

MAX_NAME_LENGTH = 60
"""The length the Owncast web client allows; longer renames are refused, longer registrations cut."""
MIN_SUGGESTED_NAMES = 10
"""The admin's suggested names are used only when there are at least this many."""

_ADJECTIVES = (
    "amber", "breezy", "bright", "calm", "cheery", "clever", "cosy", "curious", "daring", "dizzy",
    "eager", "fancy", "fluffy", "gentle", "giddy", "glowing", "happy", "jolly", "keen", "lively",
    "lucky", "mellow", "merry", "mighty", "nimble", "peppy", "plucky", "quiet", "rapid", "rosy",
    "silly", "snappy", "sparkly", "spry", "sunny", "swift", "tidy", "trusty", "witty", "zesty",
)  # fmt: skip
_NOUNS = (
    "acorn", "badger", "banjo", "biscuit", "comet", "cricket", "dumpling", "falcon", "ferret", "fig",
    "gecko", "harbor", "kettle", "koala", "lantern", "lemur", "mango", "marmot", "meadow", "muffin",
    "narwhal", "nebula", "otter", "pancake", "parsnip", "pebble", "penguin", "pickle", "puffin", "quokka",
    "radish", "robin", "rocket", "sprout", "teapot", "toucan", "tulip", "walrus", "waffle", "yeti",
)  # fmt: skip


def clean_name(proposed: str) -> str:
    return well_formed(proposed).strip()


def rename_allowed(proposed: str, forbidden: Iterable[str]) -> bool:
    """Refuse empty or over-long names, and any name that contains, or is contained in, a forbidden
    name, compared case-insensitively both ways (stricter than 0.0.11, as the reference recommends)."""
    name = clean_name(proposed)
    if not name or len(name) > MAX_NAME_LENGTH:
        return False
    lowered = name.lower()
    for entry in forbidden:
        blocked = entry.strip().lower()
        if blocked and (blocked in lowered or lowered in blocked):
            return False
    return True


def generated_name(rng: random.Random) -> str:
    """A friendly `adjective-noun` name for a new chat user."""
    return f"{rng.choice(_ADJECTIVES)}-{rng.choice(_NOUNS)}"


def registration_name(
    requested: str | None, forwarded_user: str | None, suggested: Sequence[str], rng: random.Random
) -> str:
    """The requested name, else the proxy's `X-Forwarded-User`, else a suggested name (only when the
    admin configured enough of them), else a generated one. Names are trimmed and cut to the limit."""
    for candidate in (requested, forwarded_user):
        if candidate is not None and clean_name(candidate):
            return clean_name(candidate)[:MAX_NAME_LENGTH]
    usable = [name for name in (clean_name(entry) for entry in suggested) if name]
    if len(usable) >= MIN_SUGGESTED_NAMES:
        return rng.choice(usable)[:MAX_NAME_LENGTH]
    return generated_name(rng)
