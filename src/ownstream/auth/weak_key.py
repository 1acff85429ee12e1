"""The stream key is also the admin password: say so while it is the default or short.

Short keys are not refused, because Owncast 0.0.11 accepted them and its clients and set-ups may use one;
the server warns at start and keeps a standing entry in `/api/admin/logs/warnings` instead.
"""

from __future__ import annotations

DEFAULT_STREAM_KEY = "abc123"
MIN_STREAM_KEY_LENGTH = 8


def weak_key_warning(stream_key: str) -> str | None:
    """The warning for a weak stream key, or None for a good one. Never contains the key itself."""
    if stream_key == DEFAULT_STREAM_KEY:
        problem = "is still the default, which anyone can look up"
    elif len(stream_key) < MIN_STREAM_KEY_LENGTH:
        problem = f"is shorter than {MIN_STREAM_KEY_LENGTH} characters"
    else:
        return None
    return (
        f"the stream key, which is also the admin password, {problem}: set a long random one "
        "(--streamkey, or POST /api/admin/config/key)"
    )
