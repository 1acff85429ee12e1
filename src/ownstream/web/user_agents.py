"""Who is asking for `/`: link-preview bots get a metadata page, media players get the playlist."""

from __future__ import annotations

import re
from typing import Final

BOT_MARKERS: Final = (
    # Fediverse, chat apps and search engines Owncast recognises.
    "mastodon",
    "pleroma",
    "applebot",
    "whatsapp",
    "matrix",
    "synapse",
    "element",
    "rocket.chat",
    "duckduckbot",
    # Common crawlers and link unfurlers.
    "googlebot",
    "bingbot",
    "twitterbot",
    "facebookexternalhit",
    "slackbot",
    "discordbot",
    "telegrambot",
    "linkedinbot",
    "bluesky",
    "cardyb",
    "iframely",
    "embedly",
    "skypeuripreview",
    "redditbot",
)
_GENERIC_BOT: Final = re.compile(r"\bbot\b|[a-z0-9]bot[/;)]|crawler|spider", re.IGNORECASE)
"""Any other self-declared bot: the word "bot", or a name ending in "bot" followed by a version or the
end of a comment (`AhrefsBot/7.0`, `SemrushBot;`) — not a phone model like "CUBOT X30"."""

MEDIA_PLAYER_MARKERS: Final = ("mpv", "player", "vlc", "applecoremedia")


def is_bot(user_agent: str) -> bool:
    """True for link-preview and crawler user agents (case-insensitive)."""
    ua = user_agent.lower()
    return any(marker in ua for marker in BOT_MARKERS) or _GENERIC_BOT.search(user_agent) is not None


def is_media_player(user_agent: str) -> bool:
    """True for media players (mpv, VLC, Apple's media framework, anything calling itself a player)."""
    ua = user_agent.lower()
    return any(marker in ua for marker in MEDIA_PLAYER_MARKERS)
