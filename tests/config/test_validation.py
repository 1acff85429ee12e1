"""Pure checks of admin config values: types, ranges, normalisation and Owncast's messages."""

from typing import Any

import pytest

from ownstream.config import validation as v
from ownstream.config.model import ExternalAction, SocialHandle
from ownstream.errors import Invalid


def message(parse: Any, value: Any) -> str:
    with pytest.raises(Invalid) as caught:
        parse(value)
    return caught.value.message


@pytest.mark.parametrize("value", [8080, 8080.0, 1, 65535])
def test_port_accepts_whole_numbers(value: Any) -> None:
    assert v.parse_port(value) == int(value)


@pytest.mark.parametrize("value", ["8080", True, None, 8080.5, [8080], {"port": 1}])
def test_port_not_a_number_uses_owncast_message(value: Any) -> None:
    assert message(v.parse_port, value) == "Invalid type or value, port must be a number"


@pytest.mark.parametrize("value", [0, -1, 65536, 10**30])
def test_port_out_of_range_uses_owncast_message(value: int) -> None:
    assert message(v.parse_port, value) == "Port number must be between 1 and 65535"


def test_listen_ip() -> None:
    assert v.parse_listen_ip("127.0.0.1") == "127.0.0.1"
    assert v.parse_listen_ip("::") == "::"
    assert message(v.parse_listen_ip, "localhost") == "Invalid IP address"
    assert message(v.parse_listen_ip, "256.1.1.1") == "Invalid IP address"
    assert message(v.parse_listen_ip, 127) == "Invalid type or value, IP address must be a string"


def test_tags_are_trimmed_split_and_deduplicated() -> None:
    assert v.parse_tags(["#music", " ##live ", "", "  ", "a,b", "music", "#"]) == ("music", "live", "a", "b")
    assert v.parse_tags([]) == ()
    for wrong in ("music", ["a", 1], None, {"0": "a"}):
        assert message(v.parse_tags, wrong) == "tags must be an array of strings"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://live.example.com/", "https://live.example.com"),
        ("http://live.example.com:8080//", "http://live.example.com:8080"),
        ("https://example.com/live", "https://example.com/live"),
        ("", ""),
        ("/", ""),
    ],
)
def test_server_url_normalised(given: str, stored: str) -> None:
    assert v.parse_server_url(given) == stored


@pytest.mark.parametrize(
    "given",
    ["live.example.com", "ftp://example.com", "https://", "https://exa mple.com", "https://a.b/?q=1", "https://a.b/#x",
     "https://a.b:99999", "javascript:alert(1)"],
)  # fmt: skip
def test_server_url_must_be_absolute_http(given: str) -> None:
    assert "absolute http or https URL" in message(v.parse_server_url, given)


def test_server_url_wrong_type_uses_owncast_message() -> None:
    assert message(v.parse_server_url, 5) == "server url value invalid"


def test_social_handles() -> None:
    handles = v.parse_social_handles(
        [{"platform": "mastodon", "url": "https://mastodon.social/@me", "icon": "ignored"}]
    )
    assert handles == (SocialHandle(platform="mastodon", url="https://mastodon.social/@me"),)
    assert message(v.parse_social_handles, "x") == "unable to update social handles with provided values"
    assert message(v.parse_social_handles, [1]) == "unable to update social handles with provided values"
    assert (
        message(v.parse_social_handles, [{"url": "https://a.b"}]) == "social handle 1: platform is required"
    )
    assert "url must be an http" in message(v.parse_social_handles, [{"platform": "x", "url": "a.b"}])
    assert "must be a string" in message(v.parse_social_handles, [{"platform": 1, "url": "https://a.b"}])


def test_external_actions() -> None:
    actions = v.parse_external_actions(
        [
            {"url": "https://shop.example", "title": "Shop", "color": "#ff8800", "openExternally": True},
            {"url": "https://tip.example", "title": "Tip", "icon": "/img/tip.png", "description": None},
        ]
    )
    assert actions[0] == ExternalAction(
        url="https://shop.example", title="Shop", color="#ff8800", openExternally=True
    )
    assert actions[1].icon == "/img/tip.png" and actions[1].description == ""
    assert (
        message(v.parse_external_actions, [{"url": "https://a.b"}]) == "external action 1: title is required"
    )
    assert message(v.parse_external_actions, [{"title": "x"}]) == "external action 1: url is required"
    bad_icon = [{"url": "https://a.b", "title": "t", "icon": "javascript:x"}]
    assert "icon must be" in message(v.parse_external_actions, bad_icon)
    bad_color = [{"url": "https://a.b", "title": "t", "color": "red;background:url(x)"}]
    assert "color must be" in message(v.parse_external_actions, bad_color)
    bad_flag = [{"url": "https://a.b", "title": "t", "openExternally": "yes"}]
    assert (
        message(v.parse_external_actions, bad_flag)
        == "external action 1: openExternally must be true or false"
    )


def test_stream_key() -> None:
    assert v.parse_stream_key("new/key with spaces") == "new/key with spaces"
    assert message(v.parse_stream_key, "") == "stream key can not be empty"
    assert "control characters" in message(v.parse_stream_key, "abc\n")
    assert message(v.parse_stream_key, 123) == "stream key must be a string"


def test_strings_must_be_sendable_as_utf8() -> None:
    assert "valid Unicode" in message(v.text_setting("server name"), "bad \ud800 surrogate")


@pytest.mark.parametrize("name", ["streamer", "a", "live_2", "the.streamer", "a-b", "x" * 30])
def test_federation_username_accepted(name: str) -> None:
    assert v.parse_federation_username(name) == name


@pytest.mark.parametrize("name", ["", "has space", "@me", "me@host", ".dot", "dash-", "x" * 31, "é"])
def test_federation_username_rejected(name: str) -> None:
    assert "federation username must be" in message(v.parse_federation_username, name)


def test_blocked_domains() -> None:
    assert v.parse_blocked_domains([" bad.example ", "", "bad.example", "evil.test"]) == (
        "bad.example",
        "evil.test",
    )
    assert "host name" in message(v.parse_blocked_domains, ["https://bad.example"])
    assert message(v.parse_blocked_domains, "bad.example") == "blocked domains must be an array of strings"


@pytest.mark.parametrize("value", [True, False])
def test_bool_setting(value: bool) -> None:
    assert v.bool_setting("nsfw")(value) is value
    assert message(v.bool_setting("nsfw"), 1) == "nsfw must be true or false"
    assert message(v.bool_setting("nsfw"), "true") == "nsfw must be true or false"


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://a.example", True), ("HTTP://A.EXAMPLE:80/x?y#z", True), ("https://a.example:0x1", False),
     ("https://[::1", False), ("mailto:me@a.example", False), ("https://a.example/\x00", False)],
)  # fmt: skip
def test_is_http_url(url: str, ok: bool) -> None:
    assert v.is_http_url(url) is ok


@pytest.mark.parametrize(
    ("parse", "at_limit", "over", "expected"),
    [
        (
            v.parse_server_name,
            "é" * 255,
            "é" * 256,
            "server name is too long: at most 255 characters, got 256",
        ),
        (
            v.parse_stream_title,
            "t" * 1000,
            "t" * 1001,
            "stream title is too long: at most 1000 characters, got 1001",
        ),
        (
            v.parse_server_summary,
            "€" * 5461 + "x",  # 16,384 bytes of UTF-8
            "€" * 5462,
            "server summary is too long: at most 16 KiB (16384 bytes as UTF-8), got 16386 bytes",
        ),
        (
            v.parse_welcome_message,
            "w" * 16384,
            "w" * 16385,
            "welcome message is too long: at most 16 KiB (16384 bytes as UTF-8), got 16385 bytes",
        ),
        (
            v.parse_page_content,
            "p" * 262144,
            "p" * 262145,
            "page content is too long: at most 256 KiB (262144 bytes as UTF-8), got 262145 bytes",
        ),
        (
            v.parse_custom_styles,
            "c" * 262144,
            "c" * 262145,
            "custom styles is too long: at most 256 KiB (262144 bytes as UTF-8), got 262145 bytes",
        ),
    ],
)
def test_text_caps(parse: Any, at_limit: str, over: str, expected: str) -> None:
    assert parse(at_limit) == at_limit
    assert message(parse, over) == expected


def test_tag_caps() -> None:
    assert v.parse_tags(["#" + "t" * 64]) == ("t" * 64,)
    assert message(v.parse_tags, ["t" * 65]) == "a tag is too long: at most 64 characters, got 65"
    hundred = [str(number) for number in range(100)]
    assert len(v.parse_tags([*hundred, "0", " #1 "])) == 100
    assert message(v.parse_tags, [*hundred, "x"]) == "too many tags: at most 100, got 101"
