"""The directory protocol pieces: the listing document, ping bodies and replies (reference §2.1, §9)."""

from datetime import UTC, datetime

import pytest

from ownstream.config.model import RuntimeConfig, SocialHandle
from ownstream.directory.yp import (
    LiveFacts,
    PingReply,
    listing_document,
    parse_ping_reply,
    ping_body,
    ping_url,
    usable_server_url,
)

OFFLINE = LiveFacts(online=False, viewer_count=0, overall_peak=9, session_peak=0, last_connect_time=None)


def test_listing_fields_in_owncasts_order_without_an_empty_title() -> None:
    config = RuntimeConfig(
        server_name="My stream",
        server_summary="**raw** summary",
        tags=("music", "live"),
        nsfw=True,
        social_handles=(SocialHandle(platform="mastodon", url="https://social.example/@me"),),
    )
    document = listing_document(config, OFFLINE)
    assert list(document) == [
        "name", "description", "logo", "nsfw", "tags", "online", "viewerCount",
        "overallMaxViewerCount", "sessionMaxViewerCount", "social", "lastConnectTime",
    ]  # fmt: skip
    assert document["description"] == "**raw** summary"
    assert document["logo"] == "/logo"
    assert document["social"] == [{"platform": "mastodon", "url": "https://social.example/@me"}]
    assert document["overallMaxViewerCount"] == 9
    assert document["lastConnectTime"] is None


def test_listing_with_title_and_connect_time() -> None:
    connected = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
    facts = LiveFacts(
        online=True, viewer_count=3, overall_peak=5, session_peak=4, last_connect_time=connected
    )
    document = listing_document(RuntimeConfig(stream_title="Now playing"), facts)
    assert list(document)[2] == "streamTitle"
    assert document["streamTitle"] == "Now playing"
    assert (document["online"], document["viewerCount"], document["sessionMaxViewerCount"]) == (True, 3, 4)
    assert datetime.fromisoformat(document["lastConnectTime"]) == connected.replace(microsecond=0)


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        ("https://stream.example", True),
        ("http://127.0.0.1:8080", True),
        ("", False),
        ("stream.example", False),
        ("ftp://stream.example", False),
        ("https://", False),
        ("http://[::1", False),
    ],
)
def test_usable_server_url(url: str, usable: bool) -> None:
    assert usable_server_url(url) is usable


def test_ping_request() -> None:
    assert ping_url("https://directory.example/") == "https://directory.example/api/ping"
    assert ping_body("", "https://stream.example") == {"key": "", "url": "https://stream.example"}


def test_ping_replies() -> None:
    assert parse_ping_reply({"key": "k", "success": True, "error": "", "errorCode": 0}) == PingReply(
        "k", True, "", 0
    )
    assert parse_ping_reply({"success": False, "error": "bad", "errorCode": 2}) == PingReply(
        "", False, "bad", 2
    )
    assert parse_ping_reply({"success": "yes", "key": 5, "errorCode": True}) == PingReply("", False, "", 0)
    assert parse_ping_reply(["not", "an", "object"]).success is False
