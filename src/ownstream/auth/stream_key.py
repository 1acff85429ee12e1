"""The stream key is both the RTMP publishing key and the admin password: one comparison for both.

Constant-time over the bytes offered, so neither the RTMP `publish` name nor the Basic password leaks
the key by timing. An empty key never matches (the server refuses to start with one).
"""

from __future__ import annotations

import hmac


def stream_key_matches(offered: str | bytes, stream_key: str) -> bool:
    """Whether `offered` is the stream key. Text that is not valid UTF-8 (a surrogate-escaped RTMP
    name) is compared as the bytes it came from."""
    if isinstance(offered, str):
        offered = offered.encode("utf-8", "surrogateescape")
    return hmac.compare_digest(offered, stream_key.encode("utf-8")) and bool(stream_key)
