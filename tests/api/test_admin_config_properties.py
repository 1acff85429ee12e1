"""Property tests: random JSON to every config setter never crashes the server or stores junk.

Owncast 0.0.11 dropped the connection or stored the junk on most wrong types (reference §2). Here any
wrong type or value is a 400 simple response and `/api/admin/serverconfig` stays exactly as it was.
One server for the whole module keeps it fast.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownstream.api.routes.admin_config import SETTERS
from tests.api.admin_config_client import AdminConfigClient
from tests.harness import running_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
non_null = json_values.filter(lambda value: value is not None)


def is_integral(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and float(value).is_integer()


def wrong_for(kind: str) -> st.SearchStrategy[Any]:
    """Non-null JSON values that are not of `kind`."""
    checks = {
        "string": lambda value: isinstance(value, str),
        "bool": lambda value: isinstance(value, bool),
        "integer": is_integral,
    }
    return non_null.filter(lambda value: not checks[kind](value))


def out_of_range_integers(low: int, high: int) -> st.SearchStrategy[Any]:
    return (
        st.integers(max_value=low - 1)
        | st.integers(min_value=high + 1)
        | st.floats(min_value=low, max_value=high).filter(lambda value: not value.is_integer())
    )


def objects_with_a_wrong_field(fields: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object where one known field has the wrong type (null counts as absent, so never null)."""
    return st.sampled_from(sorted(fields)).flatmap(
        lambda name: st.builds(lambda bad: {name: bad}, wrong_for(fields[name]))
    )


def bad_object_lists(fields: dict[str, str]) -> st.SearchStrategy[Any]:
    not_a_list = json_values.filter(lambda value: not isinstance(value, list))
    with_a_non_object = st.lists(json_values, min_size=1, max_size=4).filter(
        lambda items: any(not isinstance(item, dict) for item in items)
    )
    with_a_bad_object = st.lists(objects_with_a_wrong_field(fields), min_size=1, max_size=3)
    return not_a_list | with_a_non_object | with_a_bad_object


def bad_string_lists() -> st.SearchStrategy[Any]:
    not_a_list = json_values.filter(lambda value: not isinstance(value, list))
    with_a_non_string = st.lists(json_values, min_size=1, max_size=4).filter(
        lambda items: any(not isinstance(item, str) for item in items)
    )
    return not_a_list | with_a_non_string


VARIANT_FIELDS = {
    "name": "string",
    "videoPassthrough": "bool",
    "audioPassthrough": "bool",
    "videoBitrate": "integer",
    "audioBitrate": "integer",
    "scaledWidth": "integer",
    "scaledHeight": "integer",
    "framerate": "integer",
    "cpuUsageLevel": "integer",
}
ACTION_FIELDS = {
    "url": "string",
    "title": "string",
    "description": "string",
    "icon": "string",
    "color": "string",
    "openExternally": "bool",
}
S3_FIELDS = {
    "enabled": "bool",
    "endpoint": "string",
    "servingEndpoint": "string",
    "accessKey": "string",
    "secret": "string",
    "bucket": "string",
    "region": "string",
    "acl": "string",
    "forcePathStyle": "bool",
}


def longer_than(characters: int) -> st.SearchStrategy[str]:
    return st.integers(min_value=1, max_value=50).map(lambda extra: "x" * (characters + extra))


def bigger_than(size: int) -> st.SearchStrategy[str]:
    """Text over `size` bytes of UTF-8 though under it in characters."""
    return st.integers(min_value=1, max_value=50).map(lambda extra: "é" * (size // 2) + "x" * extra)


def over_the_tag_caps() -> st.SearchStrategy[list[str]]:
    too_long = st.lists(st.just("t"), max_size=3).map(lambda tags: [*tags, "x" * 65])
    too_many = st.integers(min_value=101, max_value=150).map(lambda count: [f"tag{n}" for n in range(count)])
    return too_long | too_many


STRING_SETTERS = (
    "key", "pagecontent", "name", "serversummary", "logo", "ffmpegpath", "webserverip", "serverurl",
    "customstyles", "video/codec", "federation/username", "federation/livemessage", "offlinemessage",
    "customjavascript",
)  # fmt: skip
BOOL_SETTERS = (
    "nsfw",
    "directoryenabled",
    "federation/enable",
    "federation/private",
    "federation/showengagement",
    "hideviewercount",
    "chat/joinmessagesenabled",
    "chat/establishedusermode",
    "chat/spamprotectionenabled",
    "chat/slurfilterenabled",
    "chat/requireauthentication",
    "disablesearchindexing",
    "replays/enabled",
    "clips/enabled",
)

WRONG_VALUES: dict[str, st.SearchStrategy[Any]] = {
    **{setter: st.none() | wrong_for("string") for setter in STRING_SETTERS},
    **{setter: st.none() | wrong_for("bool") for setter in BOOL_SETTERS},
    # The length caps (a deliberate deviation from 0.0.11).
    "name": st.none() | wrong_for("string") | longer_than(255),
    "serversummary": st.none() | wrong_for("string") | bigger_than(16 * 1024),
    "pagecontent": st.none() | wrong_for("string") | bigger_than(256 * 1024),
    "customstyles": st.none() | wrong_for("string") | bigger_than(256 * 1024),
    "customjavascript": st.none() | wrong_for("string") | bigger_than(256 * 1024),
    "offlinemessage": st.none() | wrong_for("string") | bigger_than(16 * 1024),
    "webserverport": st.none() | wrong_for("integer") | out_of_range_integers(1, 65535),
    "rtmpserverport": st.none() | wrong_for("integer") | out_of_range_integers(1, 65535),
    "video/streamlatencylevel": st.none() | wrong_for("integer") | out_of_range_integers(0, 4),
    "replays/reconnectwindow": st.none() | wrong_for("integer") | out_of_range_integers(0, 600),
    "replays/dvrwindow": st.none() | wrong_for("integer") | out_of_range_integers(0, 43200),
    "replays/retention": json_values.filter(lambda value: not isinstance(value, dict))
    | objects_with_a_wrong_field({"days": "integer", "bytes": "integer"})
    | out_of_range_integers(0, 36500).map(lambda days: {"days": days}),
    "tags": bad_string_lists() | over_the_tag_caps(),
    "federation/blockdomains": bad_string_lists(),
    "adminorigins": bad_string_lists()
    | st.lists(st.sampled_from(["a.example", "https://a.example/x", "ftp://a.example", "null"]), min_size=1),
    "socialhandles": bad_object_lists({"platform": "string", "url": "string"}),
    "externalactions": bad_object_lists(ACTION_FIELDS),
    "video/streamoutputvariants": bad_object_lists(VARIANT_FIELDS),
    "s3": json_values.filter(lambda value: not isinstance(value, dict))
    | objects_with_a_wrong_field(S3_FIELDS),
    # Go-live notifications (issue 15)
    "notifications/browser": json_values.filter(lambda value: not isinstance(value, dict))
    | objects_with_a_wrong_field({"enabled": "bool", "goLiveMessage": "string"}),
    "notifications/discord": json_values.filter(lambda value: not isinstance(value, dict))
    | objects_with_a_wrong_field({"enabled": "bool", "webhook": "string", "goLiveMessage": "string"})
    | st.just({"enabled": True, "webhook": "not a url"}),
    # Newer Owncast's key list and admin password (reference newer §3).
    "streamkeys": st.just([]) | bad_object_lists({"key": "string", "comment": "string"}),
    "adminpass": st.none() | wrong_for("string") | st.just(""),
    "videoservingendpoint": st.none() | wrong_for("string") | st.sampled_from(["cdn.example", "ftp://a.b"]),
    "sockethostoverride": st.none() | wrong_for("string") | st.sampled_from(["host.example", "ftp://a.b"]),
    "appearance": json_values.filter(lambda value: not isinstance(value, dict))
    | st.dictionaries(st.sampled_from(["accent", "page-bg"]), wrong_for("string"), min_size=1),
    # Clips (issue 13)
    "clips/maxduration": st.none() | wrong_for("integer") | out_of_range_integers(1, 3600),
    "clips/permission": json_values.filter(lambda value: value not in ("admin", "moderators", "everyone")),
}


async def test_every_setter_has_a_wrong_value_strategy() -> None:
    assert set(WRONG_VALUES) == {setter.path for setter in SETTERS}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AdminConfigClient]:
    data_dir = tmp_path_factory.mktemp("config-properties") / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        yield AdminConfigClient(http, server)


async def assert_rejected_and_unchanged(admin: AdminConfigClient, setter: str, body: bytes) -> None:
    before = await admin.server_config()
    reply = await admin.send(setter, body)
    assert reply.status == 400, (setter, body, reply.body)
    assert set(reply.body) == {"success", "message"} and reply.body["success"] is False
    assert reply.message
    assert await admin.server_config() == before


@pytest.mark.parametrize("setter", sorted(WRONG_VALUES))
@EXAMPLES
@given(data=st.data())
async def test_wrong_types_and_values_are_rejected(
    admin: AdminConfigClient, setter: str, data: st.DataObject
) -> None:
    value = data.draw(WRONG_VALUES[setter], label="value")
    await assert_rejected_and_unchanged(admin, setter, json.dumps({"value": value}).encode())


@pytest.mark.parametrize("setter", sorted(WRONG_VALUES))
@settings(max_examples=20, deadline=None)
@given(body=st.binary(max_size=40) | json_values.map(lambda value: json.dumps(value).encode()))
async def test_bodies_that_are_not_a_value_object_are_rejected(
    admin: AdminConfigClient, setter: str, body: bytes
) -> None:
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and "value" in parsed:
        return
    await assert_rejected_and_unchanged(admin, setter, body)


@pytest.mark.parametrize("setter", sorted(set(WRONG_VALUES) - {"key", "adminpass"}))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values)
async def test_any_value_is_stored_or_rejected_cleanly(
    admin: AdminConfigClient, setter: str, value: Any
) -> None:
    """Random JSON of any shape: either accepted, or a 400 that leaves everything as it was."""
    before = await admin.server_config()
    reply = await admin.set(setter, value)
    assert reply.status in (200, 400), (setter, value, reply.body)
    assert reply.body["success"] is (reply.status == 200)
    if reply.status == 400:
        assert await admin.server_config() == before
    async with admin.http.get(admin.url("/api/config")) as response:
        assert response.status == 200
