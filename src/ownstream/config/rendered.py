"""The page texts of the configuration (server summary, extra page content, offline message) as HTML,
rendered once per change and off the event loop.

Rendering Markdown is slow (a 64 KiB summary took a third of a second or more) and `/api/config` is asked
by every viewer's page, so the HTML is kept until the source text changes. The cache is keyed on the
texts themselves rather than on the snapshot, so the frequent unrelated config updates (viewer peaks,
the directory key) do not throw it away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from ownstream.config.service import ConfigService
from ownstream.markdown import render_page_markdown


@dataclass(frozen=True)
class PageHtml:
    summary: str
    extra_page_content: str
    offline_message: str = ""


class RenderedPageTexts:
    def __init__(self, config: ConfigService, render: Callable[[str], str] = render_page_markdown) -> None:
        self._config = config
        self._render = render
        self._sources: tuple[str, str, str] | None = None
        self._html = PageHtml("", "")
        self._lock = asyncio.Lock()
        self.renders = 0
        """How many times the texts were rendered (once per change; for tests and stats)."""

    async def current(self) -> PageHtml:
        """The HTML for the current configuration; after a change, the first caller renders (in a
        thread) and every caller meanwhile waits for that one rendering."""
        sources = self._sources_now()
        if sources == self._sources:
            return self._html
        async with self._lock:
            sources = self._sources_now()
            if sources != self._sources:
                self._html = await asyncio.to_thread(self._render_all, sources)
                self._sources = sources
                self.renders += 1
            return self._html

    def _sources_now(self) -> tuple[str, str, str]:
        config = self._config.current
        return config.server_summary, config.extra_page_content, config.offline_message

    def _render_all(self, sources: tuple[str, str, str]) -> PageHtml:
        summary, page_content, offline_message = sources
        return PageHtml(
            summary=self._render(summary),
            extra_page_content=self._render(page_content),
            # Unset (the usual case): nothing to render.
            offline_message=self._render(offline_message) if offline_message else "",
        )
