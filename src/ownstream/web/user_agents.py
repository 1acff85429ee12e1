"""Who is asking for `/`: link-preview bots get a metadata page, media players get the playlist."""

from __future__ import annotations

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
)

MEDIA_PLAYER_MARKERS: Final = ("mpv", "player", "vlc", "applecoremedia")


def is_bot(user_agent: str) -> bool:
    """True for link-preview and crawler user agents (case-insensitive substring match)."""
    ua = user_agent.lower()
    return any(marker in ua for marker in BOT_MARKERS)


def is_media_player(user_agent: str) -> bool:
    """True for media players (mpv, VLC, Apple's media framework, anything calling itself a player)."""
    ua = user_agent.lower()
    return any(marker in ua for marker in MEDIA_PLAYER_MARKERS)
