"""The asyncio shell around `ServerSession`: listens for publishers and moves bytes, nothing more.

Per connection: read → session → replies; each media message becomes an FLV tag that is awaited into
the accepted publisher's `StreamSink` before the next read, so a full sink stops us reading the socket
(the stream reader's buffer is bounded, so TCP flow control then reaches the publisher).

Slow and greedy peers: a connection must reach `publish` within `publish_deadline` of connecting, however
busy it keeps the line (the idle watchdog alone let one byte every few seconds hold a socket forever),
and one address may hold at most `cap.limit` connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from ownstream.ingest.flv import FlvMuxer
from ownstream.ingest.publish import PublishClosed, PublishGate, PublishRefusal, PublishRequest, StreamSink
from ownstream.ingest.rtmp.errors import RtmpProtocolError
from ownstream.ingest.rtmp.events import (
    Event,
    MediaReceived,
    MetadataReceived,
    PublishEnded,
    PublishRequested,
)
from ownstream.ingest.rtmp.messages import MessageType
from ownstream.ingest.rtmp.session import ServerSession
from ownstream.net.client_address import parse_ip
from ownstream.net.connection_caps import ConnectionCap

log = logging.getLogger(__name__)

READ_SIZE: Final = 64 * 1024
STREAM_READER_LIMIT: Final = 64 * 1024
"""asyncio stops reading the socket once twice this much is buffered and unread."""
CLOSE_TIMEOUT: Final = 5.0


class RtmpServer:
    """Accepts RTMP publishers and hands each accepted stream to the gate's sink as FLV."""

    def __init__(
        self,
        gate: PublishGate,
        host: str,
        port: int,
        read_timeout: float = 10.0,
        *,
        publish_deadline: float = 10.0,
        cap: ConnectionCap | None = None,
    ) -> None:
        self._gate = gate
        self._host = host
        self._requested_port = port
        self._read_timeout = read_timeout
        self._publish_deadline = publish_deadline
        self._cap = cap if cap is not None else ConnectionCap("RTMP", 0)
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The port actually bound (useful after asking for port 0)."""
        if self._server is None or not self._server.sockets:
            raise RuntimeError("the RTMP server is not started")
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._on_connection, self._host, self._requested_port, limit=STREAM_READER_LIMIT
        )
        log.debug("RTMP ingest listening on %s:%d", self._host, self.port)

    async def stop(self) -> None:
        """Stop accepting, then end every connection (each closes its sink)."""
        if self._server is not None:
            self._server.close()
        connections = list(self._connections)
        for task in connections:
            task.cancel()
        if connections:
            _, still_running = await asyncio.wait(connections, timeout=CLOSE_TIMEOUT)
            for task in still_running:
                log.warning("RTMP task %s did not finish in %.0f s", task.get_name(), CLOSE_TIMEOUT)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peername = writer.get_extra_info("peername")
        address = _host_of(peername)
        if not self._cap.admit(address):
            writer.transport.abort()
            return
        remote_addr = _format_address(peername)
        connection = _PublisherConnection(
            self._gate, reader, writer, remote_addr, self._read_timeout, self._publish_deadline
        )
        task = asyncio.create_task(connection.run(), name=f"rtmp-connection {remote_addr}")
        self._connections.add(task)
        task.add_done_callback(lambda done: self._connection_done(done, address))

    def _connection_done(self, task: asyncio.Task[None], address: str) -> None:
        self._connections.discard(task)
        self._cap.release(address)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("RTMP connection task %s failed", task.get_name(), exc_info=error)


class _PublisherConnection:
    def __init__(
        self,
        gate: PublishGate,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        remote_addr: str,
        read_timeout: float,
        publish_deadline: float,
    ) -> None:
        self._gate = gate
        self._reader = reader
        self._writer = writer
        self._remote_addr = remote_addr
        self._read_timeout = read_timeout
        self._session = ServerSession()
        self._muxer = FlvMuxer()
        self._sink: StreamSink | None = None
        self._publish_requested = False
        self._closing = False
        self._pending: list[bytes] = []
        self._writing = False
        self._timed_out = False
        self._last_read = 0.0
        self._watchdog: asyncio.TimerHandle | None = None
        self._publish_deadline = publish_deadline
        self._publish_overdue = False

    async def run(self) -> None:
        try:
            await self._serve()
        except RtmpProtocolError as error:
            log.warning("RTMP connection from %s closed: protocol error: %s", self._remote_addr, error)
        except ConnectionError as error:
            log.info("RTMP connection from %s lost: %s", self._remote_addr, error)
        except PublishClosed as reason:
            log.info("RTMP connection from %s closed: %s", self._remote_addr, reason)
        finally:
            await self._close()

    async def _serve(self) -> None:
        session = self._session
        loop = asyncio.get_running_loop()
        self._last_read = loop.time()
        self._watchdog = loop.call_later(self._read_timeout, self._check_idle)
        deadline = loop.call_later(self._publish_deadline, self._check_published)
        try:
            while not self._closing:
                data = await self._reader.read(READ_SIZE)
                if not data:
                    if self._publish_overdue:
                        log.info(
                            "RTMP connection from %s closed: no publish within %.1f s of connecting",
                            self._remote_addr,
                            self._publish_deadline,
                        )
                    elif self._timed_out:
                        log.info(
                            "RTMP connection from %s timed out: no data for %.1f s",
                            self._remote_addr,
                            self._read_timeout,
                        )
                    else:
                        log.info("RTMP connection from %s closed by the peer", self._remote_addr)
                    return
                self._last_read = loop.time()
                session.receive_data(data)
                while not self._closing and (event := session.next_event()) is not None:
                    await self._handle(event)
                # Everything parsed from one read goes to the sink in one write: one pipe write
                # and one drain per read instead of one per FLV tag.
                await self._write_pending()
                await self._flush()
        finally:
            self._watchdog.cancel()
            deadline.cancel()

    def _check_published(self) -> None:
        if self._publish_requested or self._closing:
            return
        self._publish_overdue = True
        self._writer.transport.abort()

    def _check_idle(self) -> None:
        """One timer per connection instead of a timeout around every read (this runs per second, not
        per packet). Time spent waiting on a full sink is the sink's backpressure, not the peer's silence."""
        loop = asyncio.get_running_loop()
        idle = loop.time() - self._last_read
        if idle >= self._read_timeout and not self._writing:
            self._timed_out = True
            self._writer.transport.abort()
            return
        delay = max(self._read_timeout - idle, 0.0) if not self._writing else self._read_timeout
        self._watchdog = loop.call_later(max(delay, 0.05), self._check_idle)

    async def _write_pending(self) -> None:
        if not self._pending or self._sink is None:
            self._pending.clear()
            return
        data = b"".join(self._pending)
        self._pending.clear()
        self._writing = True
        try:
            await self._sink.write(data)
        finally:
            self._writing = False
            self._last_read = asyncio.get_running_loop().time()

    async def _handle(self, event: Event) -> None:
        if isinstance(event, MediaReceived):
            if self._sink is not None and event.type_id in (MessageType.AUDIO, MessageType.VIDEO):
                self._pending.append(self._muxer.media(event.type_id, event.timestamp, event.payload))
            # Other data messages (onTextData, onCuePoint…) are dropped: the transcoder would see them
            # as an extra stream it does not map.
        elif isinstance(event, MetadataReceived):
            if self._sink is not None:
                self._sink.update_metadata(event.metadata)
                self._pending.append(self._muxer.metadata(event.metadata, event.timestamp))
        elif isinstance(event, PublishRequested):
            await self._write_pending()
            await self._decide_publish(event)
        elif isinstance(event, PublishEnded):
            log.info("RTMP publisher at %s stopped publishing (%s)", self._remote_addr, event.command)
            await self._write_pending()
            await self._close_sink()

    async def _decide_publish(self, event: PublishRequested) -> None:
        await self._flush()
        decision: StreamSink | PublishRefusal = PublishRefusal.REPEATED_PUBLISH
        if not self._publish_requested:
            self._publish_requested = True
            request = PublishRequest(
                app=event.app,
                stream_key=event.stream_key,
                remote_addr=self._remote_addr,
                tc_url=event.tc_url,
                flash_ver=event.flash_ver,
            )
            decision = await self._gate.open_publish(request)
        if isinstance(decision, PublishRefusal):
            # The stream key is deliberately not logged (nor sent back).
            log.warning("RTMP publish from %s refused: %s", self._remote_addr, decision.value)
            self._session.reject_publish(decision)
            self._closing = True
            return
        sink = decision
        self._sink = sink
        self._session.accept_publish()
        log.info("RTMP publish from %s accepted", self._remote_addr)

    async def _flush(self) -> None:
        outgoing = self._session.data_to_send()
        if outgoing:
            self._writer.write(outgoing)
            try:
                async with asyncio.timeout(self._read_timeout):
                    await self._writer.drain()
            except TimeoutError:
                raise ConnectionError(f"replies unread for {self._read_timeout:.1f} s") from None

    async def _close_sink(self) -> None:
        sink, self._sink = self._sink, None
        if sink is not None:
            await sink.close()

    async def _close(self) -> None:
        try:
            if self._closing:
                with contextlib.suppress(ConnectionError):
                    await self._flush()
            await self._close_sink()
        finally:
            self._writer.close()
            with contextlib.suppress(ConnectionError, TimeoutError):
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await self._writer.wait_closed()


def _host_of(peername: object) -> str:
    host = peername[0] if isinstance(peername, tuple) and peername else peername
    address = parse_ip(str(host))
    return str(address) if address is not None else str(host)


def _format_address(peername: object) -> str:
    if isinstance(peername, tuple) and len(peername) >= 2:
        host, port = peername[0], peername[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return str(peername)
