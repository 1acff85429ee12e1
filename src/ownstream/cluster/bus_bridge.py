"""The bus between processes: the relayed event types (cluster/wire.py) published in this process go on the
cluster stream; those published elsewhere reach this process's `from_everywhere` subscribers
(events.py), so a setting changed through any process is reloaded by every other, and every process
knows whether the stream is live. The process's own events come back on the stream too and are skipped:
its subscribers heard them when they were published."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ownstream.cluster.event_stream import ORIGIN, ClusterStream, Entry
from ownstream.cluster.wire import RELAYED_EVENTS, WireError, decode_event, encode_event
from ownstream.events import EventBus

log = logging.getLogger(__name__)

BUS_EVENT = b"e"
PAYLOAD = b"p"


class BusBridge:
    def __init__(self, bus: EventBus, stream: ClusterStream) -> None:
        self._bus = bus
        self._stream = stream
        self._unsubscribe: list[Callable[[], None]] = []
        stream.on(BUS_EVENT, self._arrived)

    def start(self) -> None:
        self._unsubscribe = [self._bus.subscribe(kind, self._published) for kind in RELAYED_EVENTS]

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    def _published(self, event: object) -> None:
        self._stream.send(BUS_EVENT, {PAYLOAD: encode_event(event)})

    def _arrived(self, entry: Entry) -> None:
        if entry.get(ORIGIN) == self._stream.origin:
            return
        try:
            event = decode_event(entry.get(PAYLOAD, b""))
        except WireError as error:
            log.warning("ignoring a bus event from another process: %s", error)
            return
        self._bus.deliver_from_elsewhere(event)
