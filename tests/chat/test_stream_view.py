"""Chat's view of the stream, from bus events alone: online, and when chat closes after a stream."""

from datetime import UTC, datetime, timedelta

from ownstream.chat.stream_view import StreamView
from ownstream.events import StreamEnding, StreamOnline, StreamStarted, StreamStopped

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)
GRACE = 300.0


def test_online_only_between_online_and_ending() -> None:
    view = StreamView()
    assert not view.online
    view.started(StreamStarted("s", NOW))
    assert not view.online  # starting: not playable yet
    view.went_online(StreamOnline("s"))
    assert view.online
    view.ending(StreamEnding("s"))
    assert not view.online
    view.stopped(StreamStopped("s", NOW))
    assert not view.online


def test_chat_open_while_online_and_for_the_grace_after_a_stream() -> None:
    view = StreamView()
    assert view.chat_open(NOW, GRACE)  # never streamed
    view.started(StreamStarted("s", NOW))
    assert view.chat_open(NOW + timedelta(hours=1), GRACE)  # connected: no disconnect time
    view.stopped(StreamStopped("s", NOW))
    assert view.last_disconnect == NOW
    assert view.chat_open(NOW + timedelta(seconds=GRACE), GRACE)
    assert not view.chat_open(NOW + timedelta(seconds=GRACE + 1), GRACE)
    view.started(StreamStarted("t", NOW + timedelta(hours=1)))
    assert view.last_disconnect is None and view.chat_open(NOW + timedelta(hours=2), GRACE)


def test_the_last_disconnect_of_an_earlier_run_counts() -> None:
    view = StreamView(last_disconnect=NOW - timedelta(minutes=10))
    assert not view.chat_open(NOW, GRACE)
    assert StreamView(last_disconnect=NOW - timedelta(minutes=4)).chat_open(NOW, GRACE)
