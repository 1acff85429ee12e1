"""The small HTML page link-preview bots get instead of the app: OpenGraph and Twitter card metadata."""

from __future__ import annotations

from html import escape
from urllib.parse import urljoin

from .context import PageContext

EMBED_PATH = "/embed/video"
_DESCRIPTION_LIMIT = 300


def _absolute(base_url: str, url: str) -> str:
    return urljoin(base_url.rstrip("/") + "/", url)


def _plain_description(summary: str) -> str:
    text = " ".join(summary.split())
    if len(text) > _DESCRIPTION_LIMIT:
        text = text[: _DESCRIPTION_LIMIT - 1].rstrip() + "…"
    return text


def render_social_preview(context: PageContext, base_url: str) -> str:
    """HTML for `/` as a bot sees it. `base_url` is the public origin, e.g. `https://live.example.org`.

    Every value is escaped; the summary is shown as plain text (bots don't need the rendered Markdown).
    """
    base = base_url.rstrip("/")
    name = context.server_name or "Ownstream"
    description = _plain_description(context.summary)
    image = _absolute(base, context.thumbnail_url if context.online else context.logo_url)
    page_url = base + "/"
    player_url = base + EMBED_PATH
    tags = [t.strip() for t in context.tags if t.strip()]
    link_text = "Watch live:" if context.online else "Visit"

    def meta(attribute: str, key: str, value: str) -> str:
        return f'    <meta {attribute}="{escape(key)}" content="{escape(value)}">'

    lines = [
        "<!doctype html>",
        '<html lang="en">',
        "  <head>",
        '    <meta charset="utf-8">',
        f"    <title>{escape(name)}</title>",
        meta("name", "description", description),
        f'    <link rel="canonical" href="{escape(page_url)}">',
        meta("property", "og:type", "video.other"),
        meta("property", "og:site_name", name),
        meta("property", "og:title", name),
        meta("property", "og:description", description),
        meta("property", "og:url", page_url),
        meta("property", "og:image", image),
        meta("property", "og:image:alt", f"{name} — {'live now' if context.online else 'logo'}"),
        meta("property", "og:video", player_url),
        meta("property", "og:video:type", "text/html"),
        meta("property", "og:video:width", "1280"),
        meta("property", "og:video:height", "720"),
    ]
    if player_url.startswith("https://"):
        lines.append(meta("property", "og:video:secure_url", player_url))
    lines += [meta("property", "video:tag", tag) for tag in tags]
    lines += [
        meta("name", "twitter:card", "player"),
        meta("name", "twitter:title", name),
        meta("name", "twitter:description", description),
        meta("name", "twitter:image", image),
        meta("name", "twitter:player", player_url),
        meta("name", "twitter:player:width", "1280"),
        meta("name", "twitter:player:height", "720"),
        "  </head>",
        "  <body>",
        f"    <h1>{escape(name)}</h1>",
        f"    <p>{escape(description)}</p>",
    ]
    if tags:
        lines.append(f"    <p>{escape(' '.join('#' + t for t in tags))}</p>")
    lines += [
        f'    <img src="{escape(image)}" alt="" width="640">',
        f'    <p><a href="{escape(page_url)}">{link_text} {escape(name)}</a></p>',
        "  </body>",
        "</html>",
        "",
    ]
    return "\n".join(lines)
