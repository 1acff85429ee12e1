"""Link-preview metadata (OpenGraph and Twitter cards): in the viewer page's own `<head>`, and as the
small HTML page link-preview bots get instead of the app."""

from __future__ import annotations

from html import escape
from urllib.parse import urljoin

from .context import PageContext

EMBED_PATH = "/embed/video"
LOGO_IMAGE_SIZE = 512
"""`/logo/external` is a square PNG of this many pixels a side (web/logo_images.py)."""
_DESCRIPTION_LIMIT = 300


def _absolute(base_url: str, url: str) -> str:
    return urljoin(base_url.rstrip("/") + "/", url)


def _plain_description(summary: str) -> str:
    text = " ".join(summary.split())
    if len(text) > _DESCRIPTION_LIMIT:
        text = text[: _DESCRIPTION_LIMIT - 1].rstrip() + "…"
    return text


def _meta(attribute: str, key: str, value: str) -> str:
    return f'<meta {attribute}="{escape(key)}" content="{escape(value)}">'


def preview_meta(context: PageContext, base_url: str) -> list[str]:
    """The `<meta>` tags (and canonical link) for `/`. `base_url` is the public origin, e.g.
    `https://live.example.org`. Every value is escaped; the description is plain text."""
    base = base_url.rstrip("/")
    name = context.server_name or "Ownstream"
    description = _plain_description(context.summary)
    live = context.online
    image = _absolute(base, context.thumbnail_url if live else context.logo_url)
    page_url = base + "/"
    player_url = base + EMBED_PATH
    tags = [t.strip() for t in context.tags if t.strip()]
    lines = [
        _meta("name", "description", description),
        f'<link rel="canonical" href="{escape(page_url)}">',
        _meta("property", "og:type", "video.other"),
        _meta("property", "og:site_name", name),
        _meta("property", "og:title", name),
        _meta("property", "og:description", description),
        _meta("property", "og:url", page_url),
        _meta("property", "og:image", image),
        _meta("property", "og:image:alt", f"{name} — {'live now' if live else 'logo'}"),
    ]
    if not live and context.logo_url.startswith("/logo/external"):
        lines += [
            _meta("property", "og:image:type", "image/png"),
            _meta("property", "og:image:width", str(LOGO_IMAGE_SIZE)),
            _meta("property", "og:image:height", str(LOGO_IMAGE_SIZE)),
        ]
    lines += [
        _meta("property", "og:video", player_url),
        _meta("property", "og:video:type", "text/html"),
        _meta("property", "og:video:width", "1280"),
        _meta("property", "og:video:height", "720"),
    ]
    if player_url.startswith("https://"):
        lines.append(_meta("property", "og:video:secure_url", player_url))
    lines += [_meta("property", "video:tag", tag) for tag in tags]
    lines += [
        _meta("name", "twitter:card", "player"),
        _meta("name", "twitter:title", name),
        _meta("name", "twitter:description", description),
        _meta("name", "twitter:image", image),
        _meta("name", "twitter:player", player_url),
        _meta("name", "twitter:player:width", "1280"),
        _meta("name", "twitter:player:height", "720"),
    ]
    return lines


def render_social_preview(context: PageContext, base_url: str) -> str:
    """HTML for `/` as a bot sees it: the metadata and a readable page, no script."""
    base = base_url.rstrip("/")
    name = context.server_name or "Ownstream"
    description = _plain_description(context.summary)
    image = _absolute(base, context.thumbnail_url if context.online else context.logo_url)
    page_url = base + "/"
    tags = [t.strip() for t in context.tags if t.strip()]
    link_text = "Watch live:" if context.online else "Visit"
    lines = [
        "<!doctype html>",
        '<html lang="en">',
        "  <head>",
        '    <meta charset="utf-8">',
        f"    <title>{escape(name)}</title>",
        *("    " + line for line in preview_meta(context, base_url)),
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
