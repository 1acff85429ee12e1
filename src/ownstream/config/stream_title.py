"""Changing the stream title, for the admin API and the integrations API alike (reference §2.3, §2.4).

The title is stored. A non-empty title is announced in chat (a CHAT_ACTION, not stored), which also
publishes `StreamTitleChanged` for the STREAM_TITLE_UPDATED webhook, as Owncast does from 0.0.12 on;
clearing the title announces nothing, as in Owncast. The announcement is handed in (the chat service's),
so configuration does not depend on chat.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ownstream.config.service import ConfigService
from ownstream.config.validation import parse_stream_title

Announce = Callable[[str], Awaitable[None]]


class StreamTitle:
    def __init__(self, config: ConfigService, announce: Announce) -> None:
        self._config = config
        self._announce = announce

    async def change(self, value: Any) -> str:
        """Check and store `value` as the title (`Invalid` for a wrong one, storing nothing), then
        announce it unless it is empty."""
        title = parse_stream_title(value)
        await self._config.update(stream_title=title)
        if title.strip():
            await self._announce(title)
        return title
