from __future__ import annotations

import pytest

from ownstream.web.user_agents import is_bot, is_media_player

BROWSERS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    # A phone whose model name ends in "bot" is not a bot.
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 12; Robot Vacuum Companion) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
]


@pytest.mark.parametrize("ua", BROWSERS)
def test_browsers_are_neither(ua: str) -> None:
    assert not is_bot(ua)
    assert not is_media_player(ua)


@pytest.mark.parametrize(
    "ua",
    [
        "Mastodon/4.2.8",
        "PLEROMA 2.6",
        "Applebot/0.1",
        "WhatsApp/2.23.20.0",
        "matrix-media-repo",
        "Synapse (bot; +https://github.com/matrix-org/synapse)",
        "Element/1.11",
        "Rocket.Chat/6.0",
        "DuckDuckBot/1.1",
        "Twitterbot/1.0",
        "Slackbot-LinkExpanding 1.0",
        "TelegramBot (like TwitterBot)",
        "LinkedInBot/1.0",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        "Iframely/1.3.1 (+https://iframely.com/docs/about)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (compatible; SemrushBot; +http://www.semrush.com/bot.html)",
        "python-requests bot",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
        "Mozilla/5.0 (compatible; MJ12bot/v1.4.8)",
        "Mozilla/5.0 (compatible; some-crawler/1.0)",
    ],
)
def test_bots(ua: str) -> None:
    assert is_bot(ua)


@pytest.mark.parametrize(
    "ua", ["mpv 0.38", "VLC/3.0", "libmpv", "AppleCoreMedia/1.0", "NSPlayer/12", "SomePlayer"]
)
def test_media_players(ua: str) -> None:
    assert is_media_player(ua)
