"""Several stream keys (newer Owncast's `config/streamkeys`, reference newer §3) beside the 0.0.11 key.

While no list is stored, the one key of 0.0.11 (`config/key`, `--streamkey`) is the only publishing key.
Once a list is stored, RTMP accepts any key in it. `config/key` keeps its 0.0.11 meaning, "the stream key
is now X": with a list stored, the list becomes that one key.
"""

from __future__ import annotations

from typing import Any

from ownstream.config.model import RuntimeConfig, StreamKeyEntry
from ownstream.errors import Invalid

DEFAULT_KEY_COMMENT = "Default stream key"
UNUSABLE = "unable to update stream keys with provided values"
NO_KEYS = "must provide at least one valid stream key"
EMPTY_KEY = "stream key cannot be empty"


def parse_stream_keys(value: Any) -> tuple[StreamKeyEntry, ...]:
    """`[{"key": …, "comment": …}, …]` with Owncast's messages; a key with control characters could not be
    typed in an encoder and is refused as well."""
    if not isinstance(value, list):
        raise Invalid(UNUSABLE)
    if not value:
        raise Invalid(NO_KEYS)
    entries: list[StreamKeyEntry] = []
    for item in value:
        if not isinstance(item, dict):
            raise Invalid(UNUSABLE)
        key, comment = item.get("key", ""), item.get("comment", "")
        if not isinstance(key, str) or not isinstance(comment, str):
            raise Invalid(UNUSABLE)
        if not key:
            raise Invalid(EMPTY_KEY)
        if any(ord(char) < 32 or char == "\x7f" for char in key):
            raise Invalid("stream key can not contain control characters")
        entries.append(StreamKeyEntry(key=key, comment=comment))
    return tuple(entries)


def single_key_changes(current: RuntimeConfig, key: str) -> dict[str, Any]:
    """The changes that make `key` the one stream key (`config/key`, `--streamkey`)."""
    changes: dict[str, Any] = {"stream_key": key}
    if current.stream_keys:
        changes["stream_keys"] = (StreamKeyEntry(key=key, comment=DEFAULT_KEY_COMMENT),)
    return changes


def listed_keys(config: RuntimeConfig) -> list[dict[str, str]]:
    """The keys as `serverconfig.streamKeys` shows them: the stored list, else the one 0.0.11 key."""
    if config.stream_keys:
        return [entry.to_json() for entry in config.stream_keys]
    return [{"key": config.stream_key, "comment": DEFAULT_KEY_COMMENT}]
