"""Destination URLs: the platforms' formats accepted and split where the key starts; anything else refused
with a message saying what is wrong; the key masked for display."""

from __future__ import annotations

import pytest

from ownstream.errors import Invalid
from ownstream.simulcast.destinations import mask_key, parse_destination_url, validate_name, validate_variant


@pytest.mark.parametrize(
    ("url", "server", "key"),
    [
        ("rtmps://a.rtmp.youtube.com/live2/abcd-1234", "rtmps://a.rtmp.youtube.com/live2", "abcd-1234"),
        (
            "rtmps://b.rtmp.youtube.com/live2?backup=1/abcd",
            "rtmps://b.rtmp.youtube.com/live2?backup=1",
            "abcd",
        ),
        (
            "rtmp://fra05.contribute.live-video.net/app/live_1_x",
            "rtmp://fra05.contribute.live-video.net/app",
            "live_1_x",
        ),
        (
            "rtmps://live-api-s.facebook.com:443/rtmp/FB-1-0-Ab",
            "rtmps://live-api-s.facebook.com:443/rtmp",
            "FB-1-0-Ab",
        ),
        ("RTMP://Host.example:1935/a/b/key", "rtmp://Host.example:1935/a/b", "key"),
        ("rtmp://[::1]:1935/live/key", "rtmp://[::1]:1935/live", "key"),
        ("  rtmp://127.0.0.1/live/k  ", "rtmp://127.0.0.1/live", "k"),
    ],
)
def test_platform_urls_split_at_the_key(url: str, server: str, key: str) -> None:
    parsed = parse_destination_url(url)
    assert (parsed.server, parsed.key) == (server, key)
    assert parsed.full == f"{server}/{key}"
    assert parse_destination_url(parsed.full) == parsed


@pytest.mark.parametrize(
    "url",
    [
        "",
        "rtmp://",
        "rtsp://host/live/key",
        "https://host/live/key",
        "rtmp://host",
        "rtmp://host/",
        "rtmp://host/key",
        "rtmp://host//key",
        "rtmp://host/live/",
        "rtmp://host/live/key#x",
        "rtmp://host/live/key?x=1",
        "rtmp://ho st/live/key",
        "rtmp://host:0/live/key",
        "rtmp://host:abc/live/key",
        "rtmp://u:p@host/live/key",
        "rtmp://host/live/ke\ny",
        "rtmp://" + "h" * 2100 + "/live/key",
        None,
    ],
)
def test_bad_urls_are_refused(url: object) -> None:
    with pytest.raises(Invalid):
        parse_destination_url(url)


def test_the_key_is_masked_showing_four_characters_of_long_keys_only() -> None:
    assert mask_key("abcdefghijklmnop") == "••••mnop"
    assert mask_key("short-key") == "••••"
    parsed = parse_destination_url("rtmp://host/live/abcdefghijklmnop")
    assert parsed.display == "rtmp://host/live/••••mnop"
    assert parsed.secure is False and parse_destination_url("rtmps://host/a/k").secure is True


def test_names_and_variants() -> None:
    assert validate_name("  YouTube ") == "YouTube"
    for bad in ("", "   ", "x" * 101, "a\x00b", 3):
        with pytest.raises(Invalid):
            validate_name(bad)
    assert validate_variant(None, 1) is None
    assert validate_variant(1, 2) == 1
    bad_variants: tuple[object, ...] = (2, -1, True, "1", 1.0)
    for bad_variant in bad_variants:
        with pytest.raises(Invalid):
            validate_variant(bad_variant, 2)
