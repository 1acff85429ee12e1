"""The sans-IO chat protocol: inbound parsing never raises. (What the server sends is tested with its
serialiser, tests/domain/test_owncast_json.py.)"""

import json

from hypothesis import given
from hypothesis import strategies as st

from ownstream.chat.protocol import (
    ChatSent,
    ColorChangeRequested,
    Ignored,
    Malformed,
    NameChangeRequested,
    parse_inbound,
)


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
    assert parse_inbound('{"type":"USER_JOINED"}') == Ignored("USER_JOINED")


def test_color_change_newer_owncast() -> None:
    assert parse_inbound('{"type":"COLOR_CHANGE","newColor":3}') == ColorChangeRequested(3)
    assert parse_inbound('{"type":"COLOR_CHANGE","newColor":"3"}') == Malformed("newColor is not an integer")
    assert parse_inbound('{"type":"COLOR_CHANGE","newColor":true}') == Malformed("newColor is not an integer")


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


def test_lone_surrogates_in_payloads_are_replaced() -> None:
    assert parse_inbound('{"type":"CHAT","body":"a\\ud800b\\ud83d\\ude00"}') == ChatSent("a\ufffdb\U0001f600")
    assert parse_inbound('{"type":"NAME_CHANGE","newName":"\\udc80"}') == NameChangeRequested("\ufffd")
