"""Known social platforms: display names and icon paths (`/api/socialplatforms`, `socialHandles[].icon`)."""

from __future__ import annotations

PLATFORMS: dict[str, str] = {
    "bandcamp": "Bandcamp",
    "discord": "Discord",
    "facebook": "Facebook",
    "github": "GitHub",
    "gitlab": "GitLab",
    "instagram": "Instagram",
    "keyoxide": "Keyoxide",
    "kofi": "Ko-Fi",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "patreon": "Patreon",
    "paypal": "Paypal",
    "snapchat": "Snapchat",
    "soundcloud": "Soundcloud",
    "spotify": "Spotify",
    "steam": "Steam",
    "tiktok": "TikTok",
    "twitch": "Twitch",
    "twitter": "Twitter",
    "youtube": "YouTube",
    "odysee": "Odysee",
    "lbry": "LBRY",
    "liberapay": "LiberaPay",
    "donate": "Donations",
    "follow": "Follow",
}


def platform_icon(platform: str) -> str:
    """Icon path for a known platform id, else empty (Owncast leaves `icon` empty for unknown ones)."""
    return f"/img/platformlogos/{platform}.svg" if platform in PLATFORMS else ""


def social_platforms() -> dict[str, dict[str, str]]:
    return {key: {"platform": name, "icon": platform_icon(key)} for key, name in PLATFORMS.items()}
