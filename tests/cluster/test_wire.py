"""What crosses between processes comes back as it went, and what does not parse is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ownstream.cluster.wire import (
    WireError,
    decode_client,
    decode_event,
    decode_user,
    decode_viewer,
    encode_client,
    encode_event,
    encode_user,
    encode_viewer,
)
from ownstream.domain.chat_events import ConnectedClient
from ownstream.domain.users import User
from ownstream.events import (
    AdminSessionRevoked,
    ConfigChanged,
    StreamStarted,
    StreamStopped,
    StreamTitleChanged,
)
from ownstream.stream.viewers import Viewer

WHEN = datetime(2026, 12, 2, 7, 30, 1, 250000, tzinfo=UTC)
USER = User(
    id="u1",
    display_name="ann",
    display_color=3,
    created_at=WHEN,
    disabled_at=None,
    previous_names=("ann", "anna"),
    name_changed_at=WHEN,
    scopes=("MODERATOR",),
    type="STANDARD",
    last_used=None,
    access_token=None,
)


@pytest.mark.parametrize(
    "event",
    [
        ConfigChanged(keys=("server_name", "stream_title"), origin="abc"),
        StreamStarted(stream_id="s1", started_at=WHEN),
        StreamStopped(stream_id="s1", stopped_at=WHEN),
        StreamTitleChanged(title="Live ✨"),
        AdminSessionRevoked(session_id="Zm9vYmFy", expires=1_800_000_000),
    ],
)
def test_relayed_events_come_back_equal(event: object) -> None:
    assert decode_event(encode_event(event)) == event


def test_users_sockets_and_viewers_come_back_equal() -> None:
    assert decode_user(encode_user(USER)) == USER
    client = ConnectedClient(
        client_id=(2 << 43) + 7,
        user=USER,
        message_count=4,
        user_agent="UA",
        ip_address="::1",
        connected_at=WHEN,
    )
    assert decode_client(encode_client(client)) == client
    viewer = Viewer("v1", "192.0.2.1", "UA", WHEN)
    assert decode_viewer(encode_viewer(viewer)) == viewer


def test_an_integration_users_token_stays_in_its_process() -> None:
    bot = USER.__class__(**{**USER.__dict__, "type": "API", "access_token": "secret-token"})
    assert b"secret-token" not in encode_user(bot)
    assert decode_user(encode_user(bot)).access_token is None


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b'{"type": "ChatEventOccurred", "fields": {}}',
        b'{"type": "StreamStarted", "fields": {"stream_id": "s"}}',
        b'{"type": "StreamStarted", "fields": {"stream_id": "s", "started_at": "yesterday"}}',
    ],
)
def test_what_this_version_does_not_write_is_refused(data: bytes) -> None:
    with pytest.raises(WireError):
        decode_event(data)
