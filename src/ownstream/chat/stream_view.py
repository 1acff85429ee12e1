"""What chat knows about the stream, learnt from the bus alone (`StreamStarted`, `StreamOnline`,
`StreamEnding`, `StreamStopped`): whether it is online, and when it last went offline.

Chat needs both for Owncast's rules: a USER_JOINED and the welcome only while online, and chat accepted
while offline only for a while after the last stream. The starting value of the last disconnect (from
an earlier run) is handed in by the composition root.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ownstream.events import StreamEnding, StreamOnline, StreamStarted, StreamStopped


class StreamView:
    def __init__(self, last_disconnect: datetime | None = None) -> None:
        self.online = False
        self.last_disconnect = last_disconnect
        """None while a stream is connected (or none ever was)."""

    def started(self, _event: StreamStarted) -> None:
        self.online = False
        self.last_disconnect = None

    def went_online(self, _event: StreamOnline) -> None:
        self.online = True

    def ending(self, _event: StreamEnding) -> None:
        self.online = False

    def stopped(self, event: StreamStopped) -> None:
        self.online = False
        self.last_disconnect = event.stopped_at

    def chat_open(self, now: datetime, offline_grace: float) -> bool:
        """Owncast accepts chat while online, and for `offline_grace` seconds after the stream ends."""
        if self.online or self.last_disconnect is None:
            return True
        return now - self.last_disconnect <= timedelta(seconds=offline_grace)
