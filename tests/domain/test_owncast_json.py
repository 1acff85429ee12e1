"""The one serialiser: every typed object's JSON, byte for byte as before the typed objects existed
(the expected texts were captured from the dict builders they replaced), and Owncast's shapes."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ownstream.chat import protocol
from ownstream.clock import rfc3339
from ownstream.domain.chat_events import (
    ChatAction,
    ChatMessage,
    ChatWebhookData,
    ConnectedClient,
    ConnectedUserInfo,
    NameChanged,
    NameChangeWebhookData,
    StreamWebhookData,
    SystemMessage,
    UserDisabled,
    UserJoined,
    UserJoinedWebhookData,
    VisibilityUpdate,
    WebhookBody,
)
from ownstream.domain.messages import MessageWithAuthor, StoredMessage
from ownstream.domain.owncast_json import (
    OwncastObject,
    encode,
    encode_document,
    integration_user_json,
    to_json,
    user_json,
)
from ownstream.domain.users import User

AT = datetime(2022, 3, 6, 20, 1, 2, 100000, tzinfo=UTC)


def make_user(**changes: object) -> User:
    values: dict[str, object] = {
        "id": "u1",
        "display_name": "ann é",
        "display_color": 42,
        "created_at": AT,
        "disabled_at": None,
        "previous_names": ("ann",),
        "name_changed_at": None,
        "scopes": (),
        "type": "STANDARD",
        "last_used": None,
        "access_token": None,
    }
    values.update(changes)
    return User(**values)  # type: ignore[arg-type]


USER = make_user()
FULL = make_user(disabled_at=AT, name_changed_at=AT, scopes=("MODERATOR",), previous_names=("a", "b"))
API = make_user(type="API", scopes=("CAN_SEND_MESSAGES",), access_token="t")

GOLDEN_FILE = Path(__file__).with_name("owncast_json_golden.txt")
OBJECTS: dict[str, OwncastObject] = {
    "connected": ConnectedUserInfo("e1", AT, USER),
    "connected_full": ConnectedUserInfo("e1", AT, FULL),
    "chat": ChatMessage("e1", AT, "<b>x</b>", USER),
    "chat_integration": ChatMessage("e1", AT, "<p>x</p>", API, by_integration=True),
    "system": SystemMessage("e1", AT, "<p>w</p>", "My Server"),
    "action": ChatAction("e1", AT, "x"),
    "joined": UserJoined("e1", AT, FULL),
    "name": NameChanged("e1", AT, USER, "old"),
    "visibility": VisibilityUpdate("e1", AT, ("a", "b"), False),
    "disabled": UserDisabled("e1", AT),
    "refused_disabled": protocol.USER_DISABLED_AT_CONNECT,
    "refused_registration": protocol.NEEDS_REGISTRATION,
    "history_chat": MessageWithAuthor(
        StoredMessage("m1", "CHAT", "hi", AT, user_id="u1", hidden_at=AT), FULL
    ),
    "history_system": MessageWithAuthor(StoredMessage("m3", "SYSTEM", "<p>s</p>", AT), None),
    "history_fedi": MessageWithAuthor(
        StoredMessage(
            "m4", "FEDIVERSE_ENGAGEMENT_LIKE", "b", AT, title="u@h", image=None, link="https://h/u"
        ),
        None,
    ),
    "wh_chat": ChatWebhookData("m1", AT, USER, 3, "<b>x</b>", "**x**"),
    "wh_chat0": ChatWebhookData("m1", AT, USER, 0, "x", "x"),
    "wh_joined": UserJoinedWebhookData("e", AT, USER, 2),
    "wh_joined0": UserJoinedWebhookData("e", AT, USER, 0),
    "wh_name": NameChangeWebhookData(FULL, 5, "new"),
    "wh_name0": NameChangeWebhookData(USER, 0, "new"),
    "wh_vis": VisibilityUpdate("e", AT, ("a",), True),
    "wh_stream": WebhookBody("STREAM_STARTED", StreamWebhookData("STREAM_STARTED", "abc", "n", "t", "s", AT)),
    "connected_client": ConnectedClient(7, USER, 2, "agent/1", "127.0.0.1", AT),
    "wh_body": WebhookBody("CHAT", ChatWebhookData("m1", AT, USER, 3, "<b>x</b>", "**x**")),
}


def golden() -> dict[str, str]:
    """name → expected text; `@T@` stands for `rfc3339(AT)`, which carries the machine's local offset."""
    rows = GOLDEN_FILE.read_text("utf-8").splitlines()
    return dict(row.split("\t", 1) for row in rows if row and not row.startswith("#"))


def test_every_object_has_its_golden_bytes() -> None:
    assert set(golden()) == set(OBJECTS)


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_bytes_are_unchanged(name: str) -> None:
    expected = golden()[name].replace("@T@", rfc3339(AT)).encode("utf-8")
    assert encode(OBJECTS[name]) == expected


def test_encoding_is_compact_utf8() -> None:
    assert (
        encode_document({"type": "CHAT", "body": "héllo <b>"})
        == '{"type":"CHAT","body":"héllo <b>"}'.encode()
    )


def test_user_json_omits_unset_times_and_lists_empty_scopes() -> None:
    user = make_user(id="yklw5Imng", display_name="awesome-pizza", previous_names=("awesome-pizza",))
    assert user_json(user) == {
        "id": "yklw5Imng",
        "displayName": "awesome-pizza",
        "displayColor": 42,
        "createdAt": rfc3339(AT),
        "previousNames": ["awesome-pizza"],
        "scopes": [],
        "isBot": False,
        "authenticated": False,
    }
    changed = user_json(FULL)
    assert changed["disabledAt"] == changed["nameChangedAt"] == rfc3339(AT)
    assert changed["scopes"] == ["MODERATOR"]
    assert changed["previousNames"] == ["a", "b"]


def test_timestamps_are_rfc3339_with_fraction_and_offset() -> None:
    stamp = to_json(ConnectedUserInfo("x", AT, USER))["timestamp"]
    parsed = datetime.fromisoformat(stamp)
    assert parsed == AT and parsed.utcoffset() is not None and ".1" in stamp
    west = datetime(2022, 3, 6, 12, 0, 0, 5, tzinfo=timezone(timedelta(hours=-8)))
    assert datetime.fromisoformat(rfc3339(west)) == west


def test_event_shapes() -> None:
    base = {"id": "e1", "timestamp": rfc3339(AT)}
    user_doc = user_json(USER)
    assert to_json(ConnectedUserInfo("e1", AT, USER)) == {
        **base,
        "type": "CONNECTED_USER_INFO",
        "user": user_doc,
    }
    assert to_json(ChatMessage("e1", AT, "<b>x</b>", USER)) == {
        **base,
        "type": "CHAT",
        "body": "<b>x</b>",
        "user": user_doc,
        "visible": True,
    }
    assert to_json(SystemMessage("e1", AT, "<p>w</p>", "My Server")) == {
        **base,
        "type": "SYSTEM",
        "body": "<p>w</p>",
        "user": {"displayName": "My Server"},
    }
    assert to_json(ChatAction("e1", AT, "x")) == {**base, "type": "CHAT_ACTION", "body": "x"}
    assert to_json(UserJoined("e1", AT, USER)) == {**base, "type": "USER_JOINED", "user": user_doc}
    assert to_json(NameChanged("e1", AT, USER, "old")) == {
        **base,
        "type": "NAME_CHANGE",
        "user": user_doc,
        "oldName": "old",
    }
    assert to_json(VisibilityUpdate("e1", AT, ("a", "b"), False)) == {
        **base,
        "type": "VISIBILITY-UPDATE",
        "ids": ["a", "b"],
        "visible": False,
    }
    assert to_json(UserDisabled("e1", AT)) == {**base, "type": "ERROR_USER_DISABLED", "user": None}
    assert to_json(protocol.USER_DISABLED_AT_CONNECT) == {"type": "ERROR_USER_DISABLED"}
    assert to_json(protocol.NEEDS_REGISTRATION) == {"type": "ERROR_NEEDS_REGISTRATION"}


def test_integration_user_shape() -> None:
    assert integration_user_json(API) == {
        "id": "u1",
        "displayName": "ann é",
        "displayColor": 42,
        "createdAt": rfc3339(AT),
        "previousNames": None,
        "scopes": [],
        "isBot": True,
        "authenticated": False,
    }
    assert to_json(ChatMessage("e1", AT, "x", API, by_integration=True))["user"] == integration_user_json(API)


def test_history_shapes() -> None:
    chat = MessageWithAuthor(StoredMessage("m1", "CHAT", "hi", AT, user_id=USER.id), USER)
    assert to_json(chat) == {
        "type": "CHAT",
        "id": "m1",
        "timestamp": rfc3339(AT),
        "user": user_json(USER),
        "body": "hi",
    }
    hidden = MessageWithAuthor(StoredMessage("m2", "CHAT", "x", AT, user_id=USER.id, hidden_at=AT), USER)
    assert to_json(hidden)["hiddenAt"] == rfc3339(AT)
    for kind in ("SYSTEM", "CHAT_ACTION"):
        system = MessageWithAuthor(StoredMessage("m3", kind, "<p>s</p>", AT), None)
        assert to_json(system) == {"type": kind, "id": "m3", "timestamp": rfc3339(AT), "body": "<p>s</p>"}


def test_webhook_data_shapes() -> None:
    user_doc = user_json(USER)
    stamp = rfc3339(AT)
    assert to_json(ChatWebhookData("m1", AT, USER, 3, "<b>x</b>", "**x**")) == {
        "user": user_doc,
        "clientId": 3,
        "body": "<b>x</b>",
        "rawBody": "**x**",
        "id": "m1",
        "visible": True,
        "timestamp": stamp,
    }
    assert "clientId" not in to_json(ChatWebhookData("m1", AT, USER, 0, "x", "x"))
    assert to_json(UserJoinedWebhookData("e", AT, USER, 0)) == {
        "id": "e",
        "timestamp": stamp,
        "user": user_doc,
    }
    assert to_json(UserJoinedWebhookData("e", AT, USER, 2))["clientId"] == 2
    assert to_json(NameChangeWebhookData(USER, 5, "new")) == {
        "type": "NAME_CHANGE",
        "id": "",
        "timestamp": "0001-01-01T00:00:00Z",
        "user": user_doc,
        "clientId": 5,
        "newName": "new",
    }


def test_client_ids_past_32_bits_are_plain_json_numbers() -> None:
    """A process slot puts client ids past 2^32 (domain/ids.py); they are still integers on the wire."""
    big = (5 << 43) | 7
    assert encode(UserJoinedWebhookData("e", AT, USER, big)).endswith(b',"clientId":%d}' % big)


def test_connected_client_shape() -> None:
    client = ConnectedClient(7, USER, 2, "agent/1", "127.0.0.1", AT)
    assert to_json(client) == {
        "clientId": 7,
        "user": user_json(USER),
        "geo": None,
        "messageCount": 2,
        "userAgent": "agent/1",
        "ipAddress": "127.0.0.1",
        "connectedAt": rfc3339(AT),
    }


def test_chat_event_data_passes_through_a_webhook_body_untouched() -> None:
    data = {"type": "NAME_CHANGE", "newName": "b"}
    assert to_json(WebhookBody("NAME_CHANGE", data))["eventData"] is data
