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


_ICON_COLOURS = ("#5b5bd6", "#2f855a", "#c05621", "#2b6cb0", "#b83280", "#4a5568", "#c53030", "#2c7a7b")


def platform_icon_svg(platform: str) -> str | None:
    """Our own generated badge for a known platform: its initial on a coloured disc (None if unknown)."""
    name = PLATFORMS.get(platform)
    if name is None:
        return None
    colour = _ICON_COLOURS[sum(platform.encode()) % len(_ICON_COLOURS)]
    initial = name[0].upper()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" '
        f'aria-label="{name}"><circle cx="32" cy="32" r="32" fill="{colour}"/>'
        '<text x="32" y="42" font-family="sans-serif" font-size="30" font-weight="700" '
        f'text-anchor="middle" fill="#fff">{initial}</text></svg>'
    )
