"""One stream-key comparison for the RTMP publish name and the admin password."""

import pytest

from ownstream.auth.stream_key import stream_key_matches


def test_the_key_matches_as_text_and_as_bytes() -> None:
    assert stream_key_matches("abc123", "abc123")
    assert stream_key_matches(b"abc123", "abc123")
    assert stream_key_matches("schlüssel", "schlüssel")
    assert stream_key_matches("schlüssel".encode(), "schlüssel")


@pytest.mark.parametrize("offered", ["abc1234", "abc12", "ABC123", "", " abc123", b"abc123\x00"])
def test_anything_else_does_not(offered: str | bytes) -> None:
    assert not stream_key_matches(offered, "abc123")


def test_an_empty_key_matches_nothing() -> None:
    assert not stream_key_matches("", "")
    assert not stream_key_matches(b"", "")


def test_a_name_that_was_not_utf8_is_compared_as_its_bytes() -> None:
    # The RTMP name arrives surrogate-escaped when its bytes are not UTF-8; it must neither raise nor
    # match a key whose UTF-8 differs.
    offered = b"abc\xff123".decode("utf-8", "surrogateescape")
    assert not stream_key_matches(offered, "abc123")
    assert not stream_key_matches(offered, "abcÿ123")
