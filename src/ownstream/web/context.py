"""What the server-rendered parts of the pages need to know about the server right now."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageContext:
    """A snapshot taken per request by the provider given to `setup_pages`."""

    server_name: str
    summary: str
    """The summary as plain text: the admin's Markdown rendered, then reduced to text (no markup)."""
    tags: tuple[str, ...] = ()
    logo_url: str = "/logo/external"
    """The logo for link previews: a PNG (preview services don't render SVG)."""
    thumbnail_url: str = "/thumbnail.jpg"
    online: bool = False
    base_url: str = ""
    """The public URL configured by the admin (e.g. `https://live.example.org`); empty = use the request's."""
    custom_javascript_url: str = ""
    """Where the viewer page loads the admin's custom JavaScript from; empty when there is none."""


PageContextProvider = Callable[[], Awaitable[PageContext]]
