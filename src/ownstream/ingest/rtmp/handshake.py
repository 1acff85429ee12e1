"""The server side of the RTMP handshake (C0+C1 → S0+S1+S2, then C2).

We answer with the simple handshake: S1 carries a zero version field and S2 echoes C1. Clients that
send a digest-style C1 (ffmpeg, OBS, librtmp, GStreamer) see the zero version in S1 and skip checking
a server digest, so the plain echo serves them all.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import Enum, auto
from typing import Final

from ownstream.ingest.rtmp.errors import RtmpProtocolError

RTMP_VERSION: Final = 3
HANDSHAKE_SIZE: Final = 1536
"""Size of C1/C2/S1/S2: 4-byte time, 4-byte zero (or version), 1528 random bytes."""


class HandshakeState(Enum):
    AWAITING_C0_C1 = auto()
    AWAITING_C2 = auto()
    DONE = auto()


class ServerHandshake:
    """Feed it client bytes; it answers once C0+C1 are in, and finishes when C2 is in."""

    def __init__(self, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self.state = HandshakeState.AWAITING_C0_C1
        self._random_bytes = random_bytes
        self._buffer = bytearray()
        self._outgoing = bytearray()

    @property
    def complete(self) -> bool:
        return self.state is HandshakeState.DONE

    def receive_data(self, data: bytes | bytearray | memoryview) -> bytes:
        """Consume handshake bytes; returns whatever followed C2 (the start of the chunk stream)."""
        if self.state is HandshakeState.DONE:
            return bytes(data)
        self._buffer += data
        if self.state is HandshakeState.AWAITING_C0_C1:
            if len(self._buffer) < 1 + HANDSHAKE_SIZE:
                return b""
            version = self._buffer[0]
            if version != RTMP_VERSION:
                raise RtmpProtocolError(f"unsupported RTMP version {version} (only plain RTMP 3 is served)")
            c1 = bytes(self._buffer[1 : 1 + HANDSHAKE_SIZE])
            del self._buffer[: 1 + HANDSHAKE_SIZE]
            random_part = self._random_bytes(HANDSHAKE_SIZE - 8)
            if len(random_part) != HANDSHAKE_SIZE - 8:
                raise ValueError("random_bytes returned the wrong number of bytes")
            s1 = bytes(8) + random_part
            self._outgoing += bytes((RTMP_VERSION,)) + s1 + c1
            self.state = HandshakeState.AWAITING_C2
        if len(self._buffer) < HANDSHAKE_SIZE:
            return b""
        # C2 should echo S1, but digest-handshake clients send something else; either is accepted.
        rest = bytes(self._buffer[HANDSHAKE_SIZE:])
        self._buffer.clear()
        self.state = HandshakeState.DONE
        return rest

    def data_to_send(self) -> bytes:
        data = bytes(self._outgoing)
        self._outgoing.clear()
        return data
