"""What a server session reports to its shell, in the order the peer caused it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ownstream.ingest.rtmp.messages import MessageType


@dataclass(frozen=True, slots=True)
class Connected:
    """`connect` arrived and was answered with NetConnection.Connect.Success."""

    app: str
    """Application name, without a trailing `/` or query string."""
    tc_url: str
    flash_ver: str


@dataclass(frozen=True, slots=True)
class PublishRequested:
    """`publish` arrived. The shell must call `accept_publish()` or `reject_publish()` before reading on."""

    stream_id: int
    stream_key: str
    """The publishing name up to any `?`."""
    publish_type: str
    app: str
    tc_url: str
    flash_ver: str


@dataclass(frozen=True, slots=True)
class MetadataReceived:
    """`@setDataFrame onMetaData …` or a bare `onMetaData` data message while publishing."""

    metadata: dict[str, Any]
    timestamp: int


@dataclass(frozen=True, slots=True)
class MediaReceived:
    """An audio, video or (other than metadata) data message of the published stream."""

    type_id: MessageType
    timestamp: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class PublishEnded:
    """The publisher said it stopped (`FCUnpublish`, `deleteStream` or `closeStream`)."""

    stream_id: int
    command: str


Event = Connected | PublishRequested | MetadataReceived | MediaReceived | PublishEnded
