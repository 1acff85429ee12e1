"""The server side of one RTMP connection, without I/O: bytes in, events and reply bytes out.

    session = ServerSession()
    session.receive_data(data)
    while (event := session.next_event()) is not None:
        ...  # on PublishRequested: session.accept_publish() or session.reject_publish(reason)
    socket.send(session.data_to_send())

`RtmpProtocolError` from `receive_data`/`next_event` means the peer misbehaved: close the connection.
"""

from __future__ import annotations

import os
import struct
from collections import deque
from collections.abc import Callable
from enum import Enum, auto
from typing import Any, Final

from ownstream.ingest.publish import PublishRefusal
from ownstream.ingest.rtmp import amf0
from ownstream.ingest.rtmp.chunks import MAX_MESSAGE_SIZE, MAX_PENDING_BYTES, ChunkReader, ChunkWriter
from ownstream.ingest.rtmp.errors import RtmpProtocolError
from ownstream.ingest.rtmp.events import (
    Connected,
    Event,
    MediaReceived,
    MetadataReceived,
    PublishEnded,
    PublishRequested,
)
from ownstream.ingest.rtmp.handshake import ServerHandshake
from ownstream.ingest.rtmp.messages import (
    CONTROL_CHUNK_STREAM,
    Command,
    MessageType,
    PeerBandwidthLimit,
    RtmpMessage,
    UserControlEvent,
    acknowledgement,
    command_message,
    parse_command,
    parse_data,
    read_u32,
    read_user_control,
    set_chunk_size,
    set_peer_bandwidth,
    split_aggregate,
    user_control,
    window_ack_size,
)

COMMAND_CHUNK_STREAM: Final = 3
STATUS_CHUNK_STREAM: Final = 5
FMS_VERSION: Final = "FMS/3,0,1,123"
PRE_PUBLISH_MAX_MESSAGE_SIZE: Final = 64 * 1024
PRE_PUBLISH_MAX_PENDING_BYTES: Final = 256 * 1024
"""Until a publish is accepted only small commands are expected, so a peer that has not proven it
knows a stream key can make us hold little memory."""
_MEDIA_TYPES: Final = (MessageType.AUDIO, MessageType.VIDEO)
_DATA_TYPES: Final = (MessageType.DATA_AMF0, MessageType.DATA_AMF3)
_COMMAND_TYPES: Final = (MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3)
_IGNORED_COMMANDS: Final = frozenset({"_result", "_error", "onStatus", "onBWDone"})
_UNPUBLISH_COMMANDS: Final = frozenset({"FCUnpublish", "deleteStream", "closeStream"})

REFUSAL_STATUS: Final[dict[PublishRefusal, tuple[str, str]]] = {
    # ffmpeg prints the description ("Server error: …"); OBS's librtmp logs code and description and
    # closes on each of these codes. BadName is Adobe's "already being published by someone else".
    PublishRefusal.UNKNOWN_APPLICATION: (
        "NetConnection.Connect.InvalidApp",
        "Unknown application: publish to /live/ followed by the stream key.",
    ),
    PublishRefusal.WRONG_STREAM_KEY: ("NetStream.Publish.Denied", "Publishing denied: wrong stream key."),
    PublishRefusal.ALREADY_LIVE: (
        "NetStream.Publish.BadName",
        "A stream is already live on this server: only one publisher at a time.",
    ),
    PublishRefusal.REPEATED_PUBLISH: (
        "NetStream.Publish.Rejected",
        "Only one publish per connection: reconnect to publish again.",
    ),
    PublishRefusal.START_FAILED: ("NetStream.Failed", "The server could not start the stream."),
}
"""The `onStatus` code and description a refused publisher gets, one distinct pair per reason."""


class SessionState(Enum):
    HANDSHAKE = auto()
    AWAITING_CONNECT = auto()
    CONNECTED = auto()
    PUBLISH_PENDING = auto()
    """A PublishRequested event is out; no further input is processed until the shell decides."""
    PUBLISHING = auto()
    CLOSED = auto()


class ServerSession:
    """One publisher connection, server side: answers the RTMP conversation and reports events.

    `chunk_size` is announced to the peer for our messages; `window_ack_size` and `peer_bandwidth`
    go out with the `connect` answer; `max_message_size` applies once a publish is accepted.
    """

    def __init__(
        self,
        *,
        chunk_size: int = 4096,
        window_ack_size: int = 2_500_000,
        peer_bandwidth: int = 2_500_000,
        max_message_size: int = MAX_MESSAGE_SIZE,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self.state = SessionState.HANDSHAKE
        self._chunk_size = chunk_size
        self._window_ack_size = window_ack_size
        self._peer_bandwidth = peer_bandwidth
        self._handshake = ServerHandshake(random_bytes)
        self._max_message_size = max_message_size
        self._reader = ChunkReader(
            max_message_size=min(max_message_size, PRE_PUBLISH_MAX_MESSAGE_SIZE),
            max_pending_bytes=PRE_PUBLISH_MAX_PENDING_BYTES,
        )
        self._writer = ChunkWriter()
        self._outgoing = bytearray()
        self._events: deque[Event] = deque()
        self._peer_ack_window = 0
        self._acknowledged = 0
        self._next_stream_id = 1
        self._publish_stream_id = 0
        self._app = ""
        self._tc_url = ""
        self._flash_ver = ""

    @property
    def buffered(self) -> int:
        """Received bytes not yet turned into events (what the shell holds in memory for this peer)."""
        return self._reader.buffered

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        if self.state is SessionState.CLOSED:
            return
        if self.state is SessionState.HANDSHAKE:
            data = self._handshake.receive_data(data)
            self._outgoing += self._handshake.data_to_send()
            if not self._handshake.complete:
                return
            self.state = SessionState.AWAITING_CONNECT
        if data:
            self._reader.receive_data(data)
            self._acknowledge_if_due()

    def next_event(self) -> Event | None:
        """The next event, or None when more data is needed (or a publish decision is pending)."""
        while not self._events:
            if self.state in (SessionState.HANDSHAKE, SessionState.PUBLISH_PENDING, SessionState.CLOSED):
                return None
            message = self._reader.next_message()
            if message is None:
                return None
            self._handle(message)
        return self._events.popleft()

    def data_to_send(self) -> bytes:
        data = bytes(self._outgoing)
        self._outgoing.clear()
        return data

    def accept_publish(self) -> None:
        """Answer the pending `publish` with NetStream.Publish.Start; media events follow."""
        self._require_pending_publish()
        self._send(CONTROL_CHUNK_STREAM, user_control(UserControlEvent.STREAM_BEGIN, self._publish_stream_id))
        self._send_status(self._publish_stream_id, "status", "NetStream.Publish.Start", "Publishing started.")
        self._reader.max_message_size = self._max_message_size
        self._reader.max_pending_bytes = MAX_PENDING_BYTES
        self.state = SessionState.PUBLISHING

    def reject_publish(self, reason: PublishRefusal) -> None:
        """Answer the pending `publish` with the reason's error status; the shell then closes the socket."""
        self._require_pending_publish()
        code, description = REFUSAL_STATUS[reason]
        self._send_status(self._publish_stream_id, "error", code, description)
        self.state = SessionState.CLOSED

    def _require_pending_publish(self) -> None:
        if self.state is not SessionState.PUBLISH_PENDING:
            raise RuntimeError(f"no publish request is pending (state {self.state.name})")

    def _send(self, csid: int, message: RtmpMessage) -> None:
        self._outgoing += self._writer.write(csid, message)

    def _send_command(self, name: str, transaction_id: float, command_object: Any, *arguments: Any) -> None:
        command = Command(name, transaction_id, command_object, arguments)
        self._send(COMMAND_CHUNK_STREAM, command_message(command))

    def _send_status(self, stream_id: int, level: str, code: str, description: str) -> None:
        info = {"level": level, "code": code, "description": description}
        self._send(STATUS_CHUNK_STREAM, command_message(Command("onStatus", 0.0, None, (info,)), stream_id))

    def _acknowledge_if_due(self) -> None:
        received = self._reader.bytes_received
        if self._peer_ack_window and received - self._acknowledged >= self._peer_ack_window:
            self._acknowledged = received
            self._send(CONTROL_CHUNK_STREAM, acknowledgement(received))

    def _handle(self, message: RtmpMessage) -> None:
        type_id = message.type_id
        if type_id in _MEDIA_TYPES:
            if self.state is SessionState.PUBLISHING:
                self._events.append(MediaReceived(MessageType(type_id), message.timestamp, message.payload))
        elif type_id in _DATA_TYPES:
            if self.state is SessionState.PUBLISHING:
                self._handle_data(message)
        elif type_id in _COMMAND_TYPES:
            self._handle_command(parse_command(message), message.stream_id)
        elif type_id == MessageType.AGGREGATE:
            if self.state is SessionState.PUBLISHING:
                for sub_message in split_aggregate(message):
                    if sub_message.type_id in _MEDIA_TYPES or sub_message.type_id in _DATA_TYPES:
                        self._handle(sub_message)
        elif type_id == MessageType.WINDOW_ACK_SIZE:
            self._peer_ack_window = read_u32(message)
            self._acknowledge_if_due()
        elif type_id == MessageType.USER_CONTROL:
            event, data = read_user_control(message)
            if event == UserControlEvent.PING_REQUEST and len(data) >= 4:
                (timestamp,) = struct.unpack_from(">I", data)
                self._send(CONTROL_CHUNK_STREAM, user_control(UserControlEvent.PING_RESPONSE, timestamp))
        # Set Chunk Size and Abort were applied by the chunk reader; acknowledgements, peer bandwidth
        # and shared objects need nothing from a publishing server.

    def _handle_data(self, message: RtmpMessage) -> None:
        values = parse_data(message)
        if values and values[0] == "@setDataFrame":
            values = values[1:]
        if len(values) >= 2 and values[0] == "onMetaData" and isinstance(values[1], dict):
            self._events.append(MetadataReceived(dict(values[1]), message.timestamp))
        else:
            self._events.append(MediaReceived(MessageType.DATA_AMF0, message.timestamp, amf0.encode(*values)))

    def _handle_command(self, command: Command, stream_id: int) -> None:
        name = command.name
        if name == "connect":
            self._on_connect(command)
            return
        if self.state is SessionState.AWAITING_CONNECT:
            raise RtmpProtocolError(f"command {name!r} before connect")
        if name == "createStream":
            self._send_command("_result", command.transaction_id, None, float(self._next_stream_id))
            self._next_stream_id += 1
        elif name == "releaseStream":
            if command.transaction_id:
                self._send_command("_result", command.transaction_id, None)
        elif name == "FCPublish":
            publish_name = command.arguments[0] if command.arguments else ""
            info = {"code": "NetStream.Publish.Start", "description": publish_name}
            self._send_command("onFCPublish", 0.0, None, info)
        elif name == "publish":
            self._on_publish(command, stream_id)
        elif name in _UNPUBLISH_COMMANDS:
            self._on_unpublish(command, stream_id)
        elif name not in _IGNORED_COMMANDS and command.transaction_id:
            info = {
                "level": "error",
                "code": "NetConnection.Call.Failed",
                "description": f"Method not found ({name}).",
            }
            self._send_command("_error", command.transaction_id, None, info)

    def _on_connect(self, command: Command) -> None:
        if self.state is not SessionState.AWAITING_CONNECT:
            raise RtmpProtocolError("connect sent twice")
        properties = command.command_object
        if not isinstance(properties, dict):
            raise RtmpProtocolError("connect without a command object")
        self._app = _text(properties.get("app")).split("?", 1)[0].rstrip("/")
        self._tc_url = _text(properties.get("tcUrl"))
        self._flash_ver = _text(properties.get("flashVer"))
        object_encoding = properties.get("objectEncoding", 0.0)
        if not isinstance(object_encoding, float):
            object_encoding = 0.0

        self._send(CONTROL_CHUNK_STREAM, window_ack_size(self._window_ack_size))
        self._send(CONTROL_CHUNK_STREAM, set_peer_bandwidth(self._peer_bandwidth, PeerBandwidthLimit.DYNAMIC))
        self._send(CONTROL_CHUNK_STREAM, set_chunk_size(self._chunk_size))
        self._writer.chunk_size = self._chunk_size
        server_info = {"fmsVer": FMS_VERSION, "capabilities": 31.0}
        status = {
            "level": "status",
            "code": "NetConnection.Connect.Success",
            "description": "Connection succeeded.",
            "objectEncoding": object_encoding,
        }
        self._send_command("_result", command.transaction_id, server_info, status)
        self.state = SessionState.CONNECTED
        self._events.append(Connected(self._app, self._tc_url, self._flash_ver))

    def _on_publish(self, command: Command, stream_id: int) -> None:
        if self.state is SessionState.PUBLISHING:
            self._send_status(stream_id, "error", "NetStream.Publish.BadName", "Already publishing.")
            return
        arguments = command.arguments
        if not arguments or not isinstance(arguments[0], str):
            raise RtmpProtocolError("publish without a stream name")
        publish_type = arguments[1] if len(arguments) > 1 and isinstance(arguments[1], str) else "live"
        self._publish_stream_id = stream_id
        self.state = SessionState.PUBLISH_PENDING
        self._events.append(
            PublishRequested(
                stream_id=stream_id,
                stream_key=arguments[0].split("?", 1)[0],
                publish_type=publish_type,
                app=self._app,
                tc_url=self._tc_url,
                flash_ver=self._flash_ver,
            )
        )

    def _on_unpublish(self, command: Command, stream_id: int) -> None:
        if self.state is not SessionState.PUBLISHING:
            return
        if command.name == "deleteStream":
            arguments = command.arguments
            stream_id = _stream_id(arguments[0]) if arguments else -1
        if command.name != "FCUnpublish" and stream_id != self._publish_stream_id:
            return
        self.state = SessionState.CONNECTED
        self._events.append(PublishEnded(self._publish_stream_id, command.name))


def _stream_id(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return -1


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
