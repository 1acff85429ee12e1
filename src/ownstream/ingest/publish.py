"""The seam between the RTMP server and the stream lifecycle: who may publish, and where the media goes."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol


class PublishClosed(Exception):
    """Raised by a sink to end the publisher's connection on purpose (stream ended, transcoder gone)."""


@dataclass(frozen=True)
class PublishRequest:
    """What a client asked for when it sent `publish`."""

    app: str
    """The application name from `connect` (`live` for Owncast-style URLs)."""
    stream_key: str
    """The publishing name (the stream key), without any query string."""
    remote_addr: str
    """`ip:port` of the publisher, as Owncast reports `remoteAddr`."""
    tc_url: str = ""
    flash_ver: str = ""


class StreamSink(Protocol):
    """Receives one accepted publisher's media as an FLV byte stream.

    The RTMP server writes the FLV file header first, then one FLV tag per audio/video/script message.
    `write` awaits while the consumer (ffmpeg's stdin) is full; the server stops reading the socket
    meanwhile, which is the backpressure path.
    """

    async def write(self, data: bytes) -> None:
        """Raises `PublishClosed` when the stream no longer takes media; the connection is then closed."""

    def update_metadata(self, metadata: dict[str, Any]) -> None:
        """The publisher's `onMetaData` (from `@setDataFrame` or a bare `onMetaData`), as decoded AMF0."""

    async def close(self) -> None:
        """The publisher is gone (deleteStream, FCUnpublish, socket closed, or the 10 s read timeout)."""


class PublishRefusal(enum.Enum):
    """Why a publish was refused; the value is the log text. The encoder is told which one (never the key)."""

    UNKNOWN_APPLICATION = "unknown application"
    WRONG_STREAM_KEY = "wrong stream key"
    ALREADY_LIVE = "a stream is already live"
    REPEATED_PUBLISH = "a second publish on one connection"
    START_FAILED = "the stream could not be started"


class PublishGate(Protocol):
    """Decides on each publish: a sink to accept, or the reason it is refused (the server then closes)."""

    async def open_publish(self, request: PublishRequest) -> StreamSink | PublishRefusal: ...
