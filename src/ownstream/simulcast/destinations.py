"""What a simulcast destination is, and the rules for its URL: pure, no I/O.

A destination URL is what a platform tells the streamer to paste into OBS, server and key joined:
`rtmp[s]://host[:port]/<app…>/<stream key>`. The last path segment is the stream key; everything before
it (the server part) is safe to show and to log. The key is never logged and only the admin API returns
it whole; everywhere else (the list's `displayUrl`, logs, ffmpeg's messages, metrics) it is masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from ownstream.errors import Invalid

SCHEMES: Final = ("rtmp", "rtmps")
MAX_NAME_LENGTH: Final = 100
MAX_URL_LENGTH: Final = 2048
MASK: Final = "••••"
SHOWN_KEY_CHARACTERS: Final = 4
"""A key this many characters longer than this shows its last characters, so the admin can tell two apart."""

_URL: Final = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<path>.*)$")
_HOST: Final = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)$")
_FORBIDDEN_CHARACTERS: Final = re.compile(r"[\s\x00-\x1f\x7f]")

INVALID_URL: Final = (
    "the URL must be rtmp:// or rtmps://, a host, then the path and the stream key "
    "(rtmp://host/app/stream-key), as the platform shows it"
)


@dataclass(frozen=True)
class DestinationUrl:
    """A validated destination URL, split where the stream key starts."""

    server: str
    """Everything before the key: `rtmps://a.rtmp.youtube.com/live2`."""
    key: str

    @property
    def full(self) -> str:
        return f"{self.server}/{self.key}"

    @property
    def secure(self) -> bool:
        return self.server.lower().startswith("rtmps://")

    @property
    def display(self) -> str:
        """The URL with its key masked (the last characters shown only for long keys)."""
        return f"{self.server}/{mask_key(self.key)}"


def mask_key(key: str) -> str:
    if len(key) >= 4 * SHOWN_KEY_CHARACTERS:
        return MASK + key[-SHOWN_KEY_CHARACTERS:]
    return MASK


def parse_destination_url(url: object) -> DestinationUrl:
    """Validate `url` and split it into the server part and the key; `Invalid` says what is wrong."""
    if not isinstance(url, str):
        raise Invalid("the URL must be a string")
    url = url.strip()
    if not url:
        raise Invalid("the URL is empty: " + INVALID_URL)
    if len(url) > MAX_URL_LENGTH:
        raise Invalid(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if _FORBIDDEN_CHARACTERS.search(url):
        raise Invalid("the URL may not contain spaces or control characters")
    match = _URL.match(url)
    if match is None or match["scheme"].lower() not in SCHEMES:
        raise Invalid(INVALID_URL)
    authority = match["authority"]
    if "@" in authority:
        raise Invalid(
            "the URL may not carry a user name or password: the stream key goes at the end of the path"
        )
    host, port = _split_port(authority)
    if not host or not _HOST.match(host):
        raise Invalid("the URL has no valid host: " + INVALID_URL)
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        raise Invalid("the URL's port must be a number from 1 to 65535")
    server, slash, key = url.rpartition("/")
    path = match["path"]
    # At least `/app/key`: the key is the last segment, and something (the application) comes before it.
    if not slash or "#" in url or len(path.split("/")) < 3 or not key or "?" in key:
        raise Invalid("the URL has no stream key: " + INVALID_URL)
    app = server[len(match["scheme"]) + 3 + len(authority) :]
    if not app.strip("/"):
        raise Invalid("the URL has no application before the stream key: " + INVALID_URL)
    scheme = match["scheme"].lower()
    return DestinationUrl(server=f"{scheme}://{authority}{app}", key=key)


def _split_port(authority: str) -> tuple[str, str | None]:
    if authority.startswith("["):
        host, _, rest = authority.partition("]")
        host += "]"
        return host, rest[1:] if rest.startswith(":") else (rest or None)
    host, colon, port = authority.partition(":")
    return host, port if colon else None


def validate_name(name: object) -> str:
    if not isinstance(name, str):
        raise Invalid("the name must be a string")
    name = name.strip()
    if not name:
        raise Invalid("give the destination a name (e.g. YouTube)")
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid(f"the name is longer than {MAX_NAME_LENGTH} characters")
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        raise Invalid("the name may not contain control characters")
    return name


def validate_variant(variant: object, variant_count: int) -> int | None:
    """None (the source as received, copied) or the index of one of the configured video variants."""
    if variant is None:
        return None
    if isinstance(variant, bool) or not isinstance(variant, int):
        raise Invalid("variant must be the index of a video variant, or null for the source")
    if not 0 <= variant < variant_count:
        raise Invalid(
            f"unknown variant {variant}: the video settings have {variant_count} "
            f"variant{'s' if variant_count != 1 else ''} (0 to {variant_count - 1})"
        )
    return variant


@dataclass(frozen=True)
class Destination:
    id: int
    name: str
    url: DestinationUrl
    enabled: bool
    variant: int | None
    """None: the source as received, copied. Else the index of a video variant (its HLS rendition)."""
    created_at: datetime
    updated_at: datetime

    @property
    def label(self) -> str:
        """How logs name it: id, name and the URL without its key."""
        return f"{self.id} ({self.name}, {self.url.display})"
