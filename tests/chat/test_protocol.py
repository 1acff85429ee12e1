"""The sans-IO chat protocol: inbound parsing never raises; outbound shapes are Owncast's."""

import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from ownstream.chat import protocol
from ownstream.chat.protocol import ChatSent, Ignored, Malformed, NameChangeRequested, parse_inbound
from ownstream.clock import rfc3339
from ownstream.store.repos.messages import MessageWithAuthor, StoredMessage
from ownstream.store.repos.users import User

AT = datetime(2022, 3, 6, 20, 1, 2, 100000, tzinfo=UTC)


def make_user(**changes: object) -> User:
    values: dict[str, object] = {
        "id": "yklw5Imng",
        "display_name": "awesome-pizza",
        "display_color": 42,
        "created_at": AT,
        "disabled_at": None,
        "previous_names": ("awesome-pizza",),
        "name_changed_at": None,
        "scopes": (),
        "type": "STANDARD",
        "last_used": None,
        "access_token": None,
    }
    values.update(changes)
    return User(**values)  # type: ignore[arg-type]


# --- inbound ------------------------------------------------------------------------------------------
def test_chat_and_name_change() -> None:
    assert parse_inbound('{"type":"CHAT","body":"hi"}') == ChatSent("hi")
    assert parse_inbound('{"type":"NAME_CHANGE","newName":"bob"}') == NameChangeRequested("bob")


def test_newlines_become_spaces_before_parsing() -> None:
    assert parse_inbound('{"type":"CHAT","body":"a\nb"}\n') == ChatSent("a b")
    assert parse_inbound('\r\n  {"type":\n"CHAT","body":"x"}  ') == ChatSent("x")


def test_client_fields_other_than_the_payload_are_ignored() -> None:
    frame = '{"type":"CHAT","body":"hi","id":"x","user":{"id":"evil"},"hiddenAt":"2020-01-01T00:00:00Z"}'
    assert parse_inbound(frame) == ChatSent("hi")


def test_missing_payload_reads_as_empty() -> None:
    assert parse_inbound('{"type":"CHAT"}') == ChatSent("")
    assert parse_inbound('{"type":"NAME_CHANGE"}') == NameChangeRequested("")


def test_unknown_types_are_ignored() -> None:
    assert parse_inbound('{"type":"PING"}') == Ignored("PING")
    assert parse_inbound('{"type":"COLOR_CHANGE","newColor":3}') == Ignored("COLOR_CHANGE")


def test_malformed_frames() -> None:
    for frame in [
        "",
        "not json",
        "[1,2]",
        '"CHAT"',
        "{}",
        '{"type":5}',
        '{"type":"CHAT","body":5}',
        '{"type":"CHAT","body":null}',
        '{"type":"NAME_CHANGE","newName":["x"]}',
        "[" * 5000 + "]" * 5000,
        '{"type":"CHAT","body":"\\ud800"',
    ]:
        assert isinstance(parse_inbound(frame), Malformed), frame


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.text(max_size=300))
def test_any_text_never_raises(frame: str) -> None:
    assert isinstance(parse_inbound(frame), ChatSent | NameChangeRequested | Ignored | Malformed)


@given(
    st.dictionaries(
        st.sampled_from(["type", "body", "newName", "id", "user"]) | st.text(max_size=6),
        json_values,
        max_size=5,
    )
)
def test_any_json_object_never_raises(document: dict[str, object]) -> None:
    result = parse_inbound(json.dumps(document))
    if document.get("type") == "CHAT" and isinstance(document.get("body", ""), str):
        assert result == ChatSent(str(document.get("body", "")).replace("\n", " ").replace("\r", " "))


@given(st.binary(max_size=200))
def test_any_bytes_decoded_never_raise(raw: bytes) -> None:
    parse_inbound(raw.decode("utf-8", "replace"))


# --- outbound -----------------------------------------------------------------------------------------
def test_user_json_omits_unset_times_and_lists_empty_scopes() -> None:
    assert protocol.user_json(make_user()) == {
        "id": "yklw5Imng",
        "displayName": "awesome-pizza",
        "displayColor": 42,
        "createdAt": rfc3339(AT),
        "previousNames": ["awesome-pizza"],
        "scopes": [],
    }
    changed = protocol.user_json(
        make_user(disabled_at=AT, name_changed_at=AT, scopes=("MODERATOR",), previous_names=("a", "b"))
    )
    assert changed["disabledAt"] == changed["nameChangedAt"] == rfc3339(AT)
    assert changed["scopes"] == ["MODERATOR"]
    assert changed["previousNames"] == ["a", "b"]


def test_timestamps_are_rfc3339_with_fraction_and_offset() -> None:
    stamp = protocol.connected_user_info("x", AT, make_user())["timestamp"]
    parsed = datetime.fromisoformat(stamp)
    assert parsed == AT and parsed.utcoffset() is not None and ".1" in stamp
    west = datetime(2022, 3, 6, 12, 0, 0, 5, tzinfo=timezone(timedelta(hours=-8)))
    assert datetime.fromisoformat(rfc3339(west)) == west


def test_event_shapes() -> None:
    user = make_user()
    base = {"id": "e1", "timestamp": rfc3339(AT)}
    user_doc = protocol.user_json(user)
    assert protocol.connected_user_info("e1", AT, user) == {
        **base,
        "type": "CONNECTED_USER_INFO",
        "user": user_doc,
    }
    assert protocol.chat_message("e1", AT, "<b>x</b>", user_doc) == {
        **base,
        "type": "CHAT",
        "body": "<b>x</b>",
        "user": user_doc,
        "visible": True,
    }
    assert protocol.system_message("e1", AT, "<p>w</p>", "My Server") == {
        **base,
        "type": "SYSTEM",
        "body": "<p>w</p>",
        "user": {"displayName": "My Server"},
    }
    assert protocol.chat_action("e1", AT, "x") == {**base, "type": "CHAT_ACTION", "body": "x"}
    assert protocol.user_joined("e1", AT, user) == {**base, "type": "USER_JOINED", "user": user_doc}
    assert protocol.name_changed("e1", AT, user, "old") == {
        **base,
        "type": "NAME_CHANGE",
        "user": user_doc,
        "oldName": "old",
    }
    assert protocol.visibility_update("e1", AT, ["a", "b"], False) == {
        **base,
        "type": "VISIBILITY-UPDATE",
        "ids": ["a", "b"],
        "visible": False,
    }
    assert protocol.user_disabled("e1", AT) == {**base, "type": "ERROR_USER_DISABLED", "user": None}
    assert protocol.USER_DISABLED_AT_CONNECT == {"type": "ERROR_USER_DISABLED"}
    assert protocol.NEEDS_REGISTRATION == {"type": "ERROR_NEEDS_REGISTRATION"}


def test_integration_user_shape() -> None:
    api = make_user(type="API", scopes=("CAN_SEND_MESSAGES",), access_token="t")
    assert protocol.integration_user_json(api) == {
        "id": "yklw5Imng",
        "displayName": "awesome-pizza",
        "displayColor": 42,
        "createdAt": rfc3339(AT),
        "previousNames": None,
        "scopes": [],
    }


def test_encoding_is_compact_utf8() -> None:
    assert (
        protocol.encode({"type": "CHAT", "body": "héllo <b>"})
        == '{"type":"CHAT","body":"héllo <b>"}'.encode()
    )


def test_history_shapes() -> None:
    user = make_user()
    chat = MessageWithAuthor(StoredMessage("m1", "CHAT", "hi", AT, user_id=user.id), user)
    assert protocol.stored_message_json(chat) == {
        "type": "CHAT",
        "id": "m1",
        "timestamp": rfc3339(AT),
        "user": protocol.user_json(user),
        "body": "hi",
    }
    hidden = MessageWithAuthor(StoredMessage("m2", "CHAT", "x", AT, user_id=user.id, hidden_at=AT), user)
    assert protocol.stored_message_json(hidden)["hiddenAt"] == rfc3339(AT)
    for kind in ("SYSTEM", "CHAT_ACTION"):
        system = MessageWithAuthor(StoredMessage("m3", kind, "<p>s</p>", AT), None)
        assert protocol.stored_message_json(system) == {
            "type": kind,
            "id": "m3",
            "timestamp": rfc3339(AT),
            "body": "<p>s</p>",
        }
    fedi = MessageWithAuthor(
        StoredMessage(
            "m4", "FEDIVERSE_ENGAGEMENT_LIKE", "b", AT, title="u@h", image=None, link="https://h/u"
        ),
        None,
    )
    assert protocol.stored_message_json(fedi) == {
        "type": "FEDIVERSE_ENGAGEMENT_LIKE",
        "id": "m4",
        "timestamp": rfc3339(AT),
        "body": "b",
        "image": None,
        "link": "https://h/u",
        "title": "u@h",
    }


def test_webhook_data_shapes() -> None:
    user = make_user()
    user_doc = protocol.user_json(user)
    stamp = rfc3339(AT)
    assert protocol.chat_webhook_data("m1", AT, user, 3, "<b>x</b>", "**x**") == {
        "user": user_doc,
        "clientId": 3,
        "body": "<b>x</b>",
        "rawBody": "**x**",
        "id": "m1",
        "visible": True,
        "timestamp": stamp,
    }
    assert "clientId" not in protocol.chat_webhook_data("m1", AT, user, 0, "x", "x")
    assert protocol.user_joined_webhook_data("e", AT, user, 0) == {
        "id": "e",
        "timestamp": stamp,
        "user": user_doc,
    }
    assert protocol.user_joined_webhook_data("e", AT, user, 2)["clientId"] == 2
    assert protocol.name_change_webhook_data(user, 5, "new") == {
        "type": "NAME_CHANGE",
        "id": "",
        "timestamp": "0001-01-01T00:00:00Z",
        "user": user_doc,
        "clientId": 5,
        "newName": "new",
    }
    assert protocol.visibility_webhook_data("e", AT, ["a"], True) == {
        "type": "VISIBILITY-UPDATE",
        "id": "e",
        "timestamp": stamp,
        "ids": ["a"],
        "visible": True,
    }


def test_lone_surrogates_in_payloads_are_replaced() -> None:
    assert parse_inbound('{"type":"CHAT","body":"a\\ud800b\\ud83d\\ude00"}') == ChatSent("a\ufffdb\U0001f600")
    assert parse_inbound('{"type":"NAME_CHANGE","newName":"\\udc80"}') == NameChangeRequested("\ufffd")
