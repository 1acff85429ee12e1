"""The stream key is also the admin password: say so while it is the default or short.

Short keys are not refused, because Owncast 0.0.11 accepted them and its clients and set-ups may use one;
the server warns at start and keeps a standing entry in `/api/admin/logs/warnings` instead.
"""

from __future__ import annotations

from ownstream.config.model import RuntimeConfig

DEFAULT_STREAM_KEY = "abc123"
MIN_STREAM_KEY_LENGTH = 8


def weak_key_warning(config: RuntimeConfig) -> str | None:
    """The warning for a weak stream key while it is the admin password, or None. Never contains the key
    itself. Once the admin password is its own (auth/admin_password.py) the key is no password."""
    if config.admin_password_hash:
        return None
    stream_key = config.stream_key
    if stream_key == DEFAULT_STREAM_KEY:
        problem = "is still the default, which anyone can look up"
    elif len(stream_key) < MIN_STREAM_KEY_LENGTH:
        problem = f"is shorter than {MIN_STREAM_KEY_LENGTH} characters"
    else:
        return None
    return (
        f"the stream key, which is also the admin password, {problem}: set a long random one "
        "(--streamkey, or POST /api/admin/config/key), or give the admin a password of its own "
        "(--adminpassword, or POST /api/admin/config/adminpass)"
    )
