"""What the server-rendered parts of the pages need to know about the server right now."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageContext:
    """A snapshot taken per request by the provider given to `setup_pages`."""

    server_name: str
    summary: str
    """The raw summary text as the admin typed it (Markdown source, not rendered HTML)."""
    tags: tuple[str, ...] = ()
    logo_url: str = "/logo"
    thumbnail_url: str = "/thumbnail.jpg"
    online: bool = False
    base_url: str = ""
    """The public URL configured by the admin (e.g. `https://live.example.org`); empty = use the request's."""


PageContextProvider = Callable[[], Awaitable[PageContext]]
