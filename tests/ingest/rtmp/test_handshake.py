from __future__ import annotations

import hashlib
import hmac
import struct

import pytest

from ownstream.ingest.rtmp.errors import RtmpProtocolError
from ownstream.ingest.rtmp.handshake import HANDSHAKE_SIZE, HandshakeState, ServerHandshake
from tests.ingest.rtmp.transcript import plain_c1

FLASH_PLAYER_KEY = b"Genuine Adobe Flash Player 001"


def digest_c1(version: int = 0x09007C02) -> bytes:
    """A C1 as ffmpeg/OBS/librtmp send it: a client version and an HMAC-SHA256 digest inside."""
    c1 = bytearray(
        struct.pack(">II", 1234, version) + bytes((i * 31) & 0xFF for i in range(HANDSHAKE_SIZE - 8))
    )
    offset = sum(c1[8:12]) % 728 + 12
    digest = hmac.new(FLASH_PLAYER_KEY, bytes(c1[:offset] + c1[offset + 32 :]), hashlib.sha256).digest()
    c1[offset : offset + 32] = digest
    return bytes(c1)


def fixed_random(size: int) -> bytes:
    return b"\xab" * size


@pytest.mark.parametrize("c1", [plain_c1(), digest_c1()], ids=["plain", "digest"])
def test_answers_c0_c1_with_s0_s1_s2_echoing_c1(c1: bytes) -> None:
    handshake = ServerHandshake(fixed_random)
    assert handshake.receive_data(b"\x03" + c1) == b""
    reply = handshake.data_to_send()
    assert len(reply) == 1 + 2 * HANDSHAKE_SIZE
    s0, s1, s2 = reply[:1], reply[1 : 1 + HANDSHAKE_SIZE], reply[1 + HANDSHAKE_SIZE :]
    assert s0 == b"\x03"
    # A zero version in S1 tells digest-style clients (ffmpeg, librtmp, OBS, GStreamer) that this is the
    # simple handshake, so they do not look for a server digest.
    assert s1[:8] == bytes(8)
    assert s1[8:] == b"\xab" * (HANDSHAKE_SIZE - 8)
    assert s2 == c1
    assert handshake.state is HandshakeState.AWAITING_C2
    assert handshake.receive_data(bytes(HANDSHAKE_SIZE) + b"rest") == b"rest"
    assert handshake.complete
    assert handshake.receive_data(b"more") == b"more"


def test_accepts_any_c2_content() -> None:
    handshake = ServerHandshake()
    handshake.receive_data(b"\x03" + digest_c1())
    assert handshake.receive_data(digest_c1()) == b""
    assert handshake.complete


def test_byte_by_byte_feeding() -> None:
    handshake = ServerHandshake(fixed_random)
    data = b"\x03" + plain_c1() + bytes(HANDSHAKE_SIZE) + b"x"
    rest = b"".join(handshake.receive_data(data[i : i + 1]) for i in range(len(data)))
    assert rest == b"x"
    assert handshake.data_to_send()[1 + HANDSHAKE_SIZE :] == plain_c1()
    assert handshake.data_to_send() == b""


@pytest.mark.parametrize("version", [0, 6, ord("G")])
def test_other_versions_are_refused(version: int) -> None:
    handshake = ServerHandshake()
    with pytest.raises(RtmpProtocolError, match=f"unsupported RTMP version {version}"):
        handshake.receive_data(bytes([version]) + plain_c1())
