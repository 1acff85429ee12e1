from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownstream.ingest.publish import PublishRefusal
from ownstream.ingest.rtmp import amf0
from ownstream.ingest.rtmp.errors import RtmpProtocolError
from ownstream.ingest.rtmp.events import (
    Connected,
    Event,
    MediaReceived,
    MetadataReceived,
    PublishEnded,
    PublishRequested,
)
from ownstream.ingest.rtmp.messages import (
    MessageType,
    RtmpMessage,
    UserControlEvent,
    build_aggregate,
    read_u32,
    user_control,
)
from ownstream.ingest.rtmp.session import REFUSAL_STATUS, ServerSession, SessionState
from tests.ingest.rtmp.capture import CAPTURE_FILE, capture_publish
from tests.ingest.rtmp.transcript import (
    DATA_DIR,
    FFMPEG_METADATA,
    ClientTranscript,
    collect_events,
    commands,
    ffmpeg_like_publish,
    server_messages,
)

CAPTURED = CAPTURE_FILE.read_bytes()
SYNTHETIC = ffmpeg_like_publish(seconds=0.3, video_bytes_per_frame=400, start_timestamp=0xFFFFF0)


def new_replies(session: ServerSession, earlier: bytes) -> list[RtmpMessage]:
    """What the server sent since `earlier` (decoded together, as header compression spans both)."""
    return server_messages(earlier + session.data_to_send())[len(server_messages(earlier)) :]


def start_publishing(key: str = "abc123", app: str = "live") -> tuple[ServerSession, ClientTranscript]:
    session = ServerSession(random_bytes=bytes)
    transcript = ClientTranscript().handshake().connect(app).publish_commands(key)
    session.receive_data(transcript.to_bytes())
    events = drain(session)
    assert isinstance(events[-1], PublishRequested)
    session.accept_publish()
    transcript.parts.clear()
    return session, transcript


def drain(session: ServerSession) -> list[Event]:
    events = []
    while (event := session.next_event()) is not None:
        events.append(event)
    return events


def test_connect_and_publish_conversation() -> None:
    session = ServerSession(random_bytes=bytes)
    session.receive_data(ClientTranscript().handshake().connect().publish_commands().to_bytes())
    events = drain(session)
    assert events == [
        Connected("live", "rtmp://127.0.0.1:1935/live", "FMLE/3.0 (compatible; Lavf62.3.100)"),
        PublishRequested(
            1, "abc123", "live", "live", "rtmp://127.0.0.1:1935/live", "FMLE/3.0 (compatible; Lavf62.3.100)"
        ),
    ]
    states = [session.state]
    session.accept_publish()
    states.append(session.state)
    assert states == [SessionState.PUBLISH_PENDING, SessionState.PUBLISHING]
    output = session.data_to_send()
    assert output[:1] == b"\x03"
    replies = server_messages(output)
    assert [(m.type_id, read_u32(m)) for m in replies[:3]] == [(5, 2_500_000), (6, 2_500_000), (1, 4096)]
    assert replies[1].payload[4] == 2  # dynamic peer bandwidth
    connect_result, release_result, fc_publish, create_result, status = commands(replies)
    assert connect_result.name == "_result"
    assert connect_result.transaction_id == 1.0
    assert connect_result.arguments[0]["code"] == "NetConnection.Connect.Success"
    assert connect_result.arguments[0]["objectEncoding"] == 0.0
    assert (release_result.name, release_result.transaction_id) == ("_result", 2.0)
    assert fc_publish.name == "onFCPublish"
    assert (create_result.name, create_result.transaction_id, create_result.arguments) == (
        "_result",
        4.0,
        (1.0,),
    )
    assert status.name == "onStatus"
    assert status.arguments[0]["code"] == "NetStream.Publish.Start"
    stream_begin = [m for m in replies if m.type_id == MessageType.USER_CONTROL]
    assert stream_begin == [user_control(UserControlEvent.STREAM_BEGIN, 1)]
    status_message = replies[-1]
    assert status_message.stream_id == 1


@pytest.mark.parametrize(
    ("reason", "code", "words"),
    [
        (PublishRefusal.UNKNOWN_APPLICATION, "NetConnection.Connect.InvalidApp", "Unknown application"),
        (PublishRefusal.WRONG_STREAM_KEY, "NetStream.Publish.Denied", "wrong stream key"),
        (PublishRefusal.ALREADY_LIVE, "NetStream.Publish.BadName", "already live"),
        (PublishRefusal.REPEATED_PUBLISH, "NetStream.Publish.Rejected", "one publish per connection"),
        (PublishRefusal.START_FAILED, "NetStream.Failed", "could not start"),
    ],
)
def test_refused_publish_says_why_and_closes(reason: PublishRefusal, code: str, words: str) -> None:
    session = ServerSession()
    key = "wrong-secret-key"
    session.receive_data(ClientTranscript().handshake().connect().publish_commands(key).to_bytes())
    assert isinstance(drain(session)[-1], PublishRequested)
    earlier = session.data_to_send()
    session.reject_publish(reason)
    assert session.state is SessionState.CLOSED
    replies = new_replies(session, earlier)
    (status,) = commands(replies)
    assert status.name == "onStatus"
    assert replies[-1].stream_id == 1
    info = status.arguments[0]
    assert info["level"] == "error"
    assert info["code"] == code
    assert words in info["description"]
    assert key not in info["description"]
    session.receive_data(b"anything")
    assert session.next_event() is None


def test_every_refusal_has_its_own_code_and_description() -> None:
    codes = {code for code, _ in REFUSAL_STATUS.values()}
    descriptions = {description for _, description in REFUSAL_STATUS.values()}
    assert set(REFUSAL_STATUS) == set(PublishRefusal)
    assert len(codes) == len(descriptions) == len(PublishRefusal)


def test_no_events_while_a_publish_decision_is_pending() -> None:
    session = ServerSession()
    transcript = ClientTranscript().handshake().connect().publish_commands().metadata()
    session.receive_data(transcript.to_bytes())
    assert isinstance(drain(session)[-1], PublishRequested)
    assert session.next_event() is None
    session.accept_publish()
    assert isinstance(session.next_event(), MetadataReceived)
    with pytest.raises(RuntimeError):
        session.accept_publish()


def test_stream_key_query_string_and_app_suffixes_are_dropped() -> None:
    events = collect_events(
        ClientTranscript().handshake().connect("live/?vhost=x").publish_commands("key?a=b").to_bytes()
    )
    assert isinstance(events[0], Connected)
    assert events[0].app == "live"
    assert isinstance(events[1], PublishRequested)
    assert (events[1].app, events[1].stream_key) == ("live", "key")


def test_metadata_media_and_unpublish_events() -> None:
    session, transcript = start_publishing()
    transcript.metadata().video(0, b"\x17\x00").audio(0, b"\xaf\x00").audio(23, b"\xaf\x01").unpublish()
    session.receive_data(transcript.to_bytes())
    assert drain(session) == [
        MetadataReceived(FFMPEG_METADATA, 0),
        MediaReceived(MessageType.VIDEO, 0, b"\x17\x00"),
        MediaReceived(MessageType.AUDIO, 0, b"\xaf\x00"),
        MediaReceived(MessageType.AUDIO, 23, b"\xaf\x01"),
        PublishEnded(1, "FCUnpublish"),
    ]
    assert session.state is SessionState.CONNECTED


@pytest.mark.parametrize(
    ("add_end", "command"),
    [
        (lambda t: t.command("deleteStream", None, 1.0), "deleteStream"),
        (lambda t: t.command("closeStream", None, stream_id=1), "closeStream"),
    ],
)
def test_delete_and_close_stream_end_the_publish(
    add_end: Callable[[ClientTranscript], Any], command: str
) -> None:
    session, transcript = start_publishing()
    transcript.command("deleteStream", None, 7.0)  # Not the published stream: ignored.
    add_end(transcript)
    transcript.video(0, b"late")
    session.receive_data(transcript.to_bytes())
    assert drain(session) == [PublishEnded(1, command)]


def test_bare_onmetadata_and_other_data_messages() -> None:
    session, transcript = start_publishing()
    transcript.message(4, RtmpMessage(18, 1, 5, amf0.encode("onMetaData", {"width": 320.0})))
    transcript.message(4, RtmpMessage(18, 1, 6, amf0.encode("@setDataFrame", "onTextData", {"text": "hi"})))
    session.receive_data(transcript.to_bytes())
    assert drain(session) == [
        MetadataReceived({"width": 320.0}, 5),
        MediaReceived(MessageType.DATA_AMF0, 6, amf0.encode("onTextData", {"text": "hi"})),
    ]


def test_aggregate_messages_become_media_events() -> None:
    session, transcript = start_publishing()
    subs = [RtmpMessage(9, 0, 1000, b"v1"), RtmpMessage(8, 0, 1020, b"a1"), RtmpMessage(9, 0, 1040, b"v2")]
    transcript.message(6, RtmpMessage(22, 1, 40, build_aggregate(subs).payload))
    session.receive_data(transcript.to_bytes())
    assert drain(session) == [
        MediaReceived(MessageType.VIDEO, 40, b"v1"),
        MediaReceived(MessageType.AUDIO, 60, b"a1"),
        MediaReceived(MessageType.VIDEO, 80, b"v2"),
    ]


def test_media_before_publish_is_dropped() -> None:
    events = collect_events(ClientTranscript().handshake().connect().video(0, b"x").to_bytes())
    assert [type(e) for e in events] == [Connected]


def test_acknowledgement_after_the_peer_window() -> None:
    session, transcript = start_publishing()
    earlier = session.data_to_send()
    transcript.message(2, RtmpMessage(5, 0, 0, (1000).to_bytes(4, "big")))
    for index in range(10):
        transcript.video(index * 33, bytes(300))
    session.receive_data(transcript.to_bytes())
    drain(session)
    acks = [m for m in new_replies(session, earlier) if m.type_id == 3]
    assert acks
    assert read_u32(acks[0]) >= 1000


def test_ping_request_is_answered() -> None:
    session, transcript = start_publishing()
    earlier = session.data_to_send()
    transcript.message(2, user_control(UserControlEvent.PING_REQUEST, 777))
    session.receive_data(transcript.to_bytes())
    drain(session)
    replies = new_replies(session, earlier)
    assert replies == [user_control(UserControlEvent.PING_RESPONSE, 777)]


def test_unknown_commands_get_an_error_or_are_ignored() -> None:
    session, transcript = start_publishing()
    earlier = session.data_to_send()
    transcript.command("getStreamLength", None, "abc123")
    transcript.message(3, RtmpMessage(20, 0, 0, amf0.encode("someNotification", 0.0, None)))
    transcript.command("_result", None)
    transcript.command("publish", None, "again", "live", stream_id=1)
    session.receive_data(transcript.to_bytes())
    assert drain(session) == []
    error, status = commands(new_replies(session, earlier))
    assert error.name == "_error"
    assert error.arguments[0]["code"] == "NetConnection.Call.Failed"
    assert status.arguments[0]["code"] == "NetStream.Publish.BadName"


def test_large_messages_are_refused_until_a_publish_is_accepted() -> None:
    big = RtmpMessage(MessageType.VIDEO, 1, 0, bytes(1_000_000))
    before = ClientTranscript().handshake().connect().message(6, big).to_bytes()
    session = ServerSession()
    # Only the header of the big message is sent: the limit applies before any payload is buffered.
    session.receive_data(before[: len(before) - 1_000_000 + 100])
    with pytest.raises(RtmpProtocolError, match="exceeds the 65536 limit"):
        drain(session)

    session, transcript = start_publishing()
    session.receive_data(transcript.message(6, big).to_bytes())
    assert drain(session) == [MediaReceived(MessageType.VIDEO, 0, big.payload)]


def test_replay_of_captured_ffmpeg_publish() -> None:
    events = collect_events(CAPTURED)
    connected, publish, metadata = events[:3]
    assert isinstance(connected, Connected)
    assert connected.app == "live"
    assert connected.flash_ver.startswith("FMLE/3.0 (compatible; Lavf")
    assert isinstance(publish, PublishRequested)
    assert (publish.stream_key, publish.publish_type) == ("abc123", "live")
    assert isinstance(metadata, MetadataReceived)
    assert metadata.metadata["width"] == 160.0
    assert metadata.metadata["height"] == 90.0
    assert metadata.metadata["videocodecid"] == 7.0
    assert metadata.metadata["audiocodecid"] == 10.0
    assert metadata.metadata["encoder"].startswith("Lavf")
    media = [e for e in events if isinstance(e, MediaReceived)]
    video = [e for e in media if e.type_id == MessageType.VIDEO]
    audio = [e for e in media if e.type_id == MessageType.AUDIO]
    assert len(video) == 22  # sequence header, 2 s at 10 fps, end of sequence
    assert video[0].payload[:2] == b"\x17\x00"  # AVC keyframe, sequence header first
    assert audio[0].payload[:2] == b"\xaf\x00"  # AAC sequence header
    assert [e.timestamp for e in video] == sorted(e.timestamp for e in video)
    assert isinstance(events[-1], PublishEnded)


def test_replay_of_synthetic_publish_with_extended_timestamps() -> None:
    events = collect_events(SYNTHETIC)
    media = [e for e in events if isinstance(e, MediaReceived)]
    assert media[0].timestamp == 0xFFFFF0
    assert media[-1].timestamp > 0xFFFFFF
    assert isinstance(events[-1], PublishEnded)


def test_truncated_capture_gives_a_prefix_of_the_events() -> None:
    whole = collect_events(CAPTURED)
    for end in (10, 1537, 3073, 3500, len(CAPTURED) // 2, len(CAPTURED) - 1):
        events = collect_events(CAPTURED[:end])
        assert events == whole[: len(events)]


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*_invalid.bin")), ids=lambda p: p.name)
def test_invalid_samples_are_protocol_errors(path: Path) -> None:
    with pytest.raises(RtmpProtocolError):
        collect_events(path.read_bytes())


async def test_fresh_capture_from_the_bundled_ffmpeg_replays() -> None:
    data = await capture_publish(seconds=0.5)
    events = collect_events(data)
    assert [type(e) for e in events[:3]] == [Connected, PublishRequested, MetadataReceived]
    assert any(isinstance(e, MediaReceived) and e.type_id == MessageType.VIDEO for e in events)


def outcome(data: bytes, pieces: list[int] | None = None) -> tuple[list[Event], str | None]:
    """Events and error (if any) from feeding `data`; only RtmpProtocolError may escape the session."""
    session = ServerSession(random_bytes=bytes)
    events: list[Event] = []
    cuts = [0, *(pieces or []), len(data)]
    try:
        for start, end in itertools.pairwise(cuts):
            session.receive_data(data[start:end])
            while (event := session.next_event()) is not None:
                events.append(event)
                if isinstance(event, PublishRequested):
                    session.accept_publish()
            assert session.buffered <= 32 * 1024 * 1024
    except RtmpProtocolError as error:
        return events, str(error)
    return events, None


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HANDSHAKE = ClientTranscript().handshake().to_bytes()


@FUZZ
@given(st.binary(max_size=4000), st.booleans())
def test_random_bytes_never_raise_anything_else(data: bytes, after_handshake: bool) -> None:
    outcome(HANDSHAKE + data if after_handshake else data)


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip":
            data[position] = draw(st.integers(0, 255))
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[position : position + draw(st.integers(1, 16))]
    return bytes(data[: draw(st.integers(0, len(data)))])


@FUZZ
@given(st.data())
def test_mutated_transcripts_only_raise_protocol_errors(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from([SYNTHETIC, CAPTURED]))
    mutated_bytes = data.draw(mutated(base))
    whole = outcome(mutated_bytes)
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(mutated_bytes) - 1)), max_size=30)))
    assert outcome(mutated_bytes, [c for c in cuts if c < len(mutated_bytes)]) == whole


@FUZZ
@given(st.data())
def test_split_points_never_change_the_events(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from([SYNTHETIC, CAPTURED]))
    cuts = sorted(data.draw(st.sets(st.integers(1, len(base) - 1), max_size=60)))
    assert outcome(base, cuts) == outcome(base)
