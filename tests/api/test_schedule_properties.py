"""Property tests of the schedule's admin routes and setters (reference newer §14.1): random JSON never
crashes the server; anything refused is a 400 in Owncast's shape (`{"error"}`, or the simple response for
a setter body that is not JSON) and the stored schedule and settings stay exactly as they were."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_admin_config_properties import json_values, wrong_for
from tests.harness import RunningServer, admin_auth, running_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ADMIN = admin_auth()
FIELDS = {
    "id": st.text(max_size=12),
    "name": st.text(max_size=20),
    "description": st.text(max_size=20),
    "reminderMessage": st.text(max_size=20),
    "start": st.sampled_from(["2001-01-01T00:00:00Z", "2099-02-30T00:00:00Z", "soon", ""])
    | st.text(max_size=25),
    "timezone": st.sampled_from(["", "UTC", "Europe/Berlin", "Nowhere/Land", "../x"]),
    "durationMinutes": st.integers(min_value=-(2**65), max_value=2**65) | st.floats(allow_nan=False),
    "recurrence": st.sampled_from(
        [
            "",
            "RRULE:FREQ=DAILY",
            "DTSTART:20990101T000000Z",
            "DTSTART;TZID=Europe/Berlin:20990101T200000\nRRULE:FREQ=WEEKLY;BYDAY=QQ",
            "DTSTART:20990101T000000Z\nRRULE:FREQ=SECONDLY",
        ]
    )
    | st.text(max_size=30),
}
"""Values that are almost always wrong for the field; each example also mixes in wrong JSON types."""


def event_bodies() -> st.SearchStrategy[dict[str, Any]]:
    field_values = st.fixed_dictionaries(
        {}, optional={name: strategy | json_values for name, strategy in FIELDS.items()}
    )
    return field_values


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp("schedule-properties") / "data"
    async with running_server(data_dir) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def http(server: RunningServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(server.base_url) as session:
        start = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        async with session.post(
            "/api/admin/schedule/event", json={"name": "kept", "start": start}, headers=ADMIN
        ) as response:
            assert response.status == 200
        yield session


async def stored(http: aiohttp.ClientSession) -> tuple[Any, Any]:
    async with http.get("/api/admin/schedule", headers=ADMIN) as response:
        schedule = await response.json()
    async with http.get("/api/admin/serverconfig", headers=ADMIN) as response:
        config = (await response.json())["schedule"]
    return schedule, config


async def send(http: aiohttp.ClientSession, path: str, body: bytes) -> tuple[int, Any]:
    async with http.post(path, data=body, headers=ADMIN) as response:
        assert response.status < 500, await response.text()
        return response.status, await response.json()


@EXAMPLES
@given(body=event_bodies())
async def test_event_bodies_are_stored_or_refused_cleanly(
    http: aiohttp.ClientSession, body: dict[str, Any]
) -> None:
    before = await stored(http)
    status, document = await send(http, "/api/admin/schedule/event", json.dumps(body).encode())
    if status == 400 or "error" in document:
        assert set(document) == {"error"} and isinstance(document["error"], str) and document["error"]
    if status == 400:
        assert await stored(http) == before
    else:
        assert status == 200 and ("error" in document or set(document) == {"series", "events"})
        # Whatever was accepted is cleaned up again, so each example starts from the same schedule.
        for item in [*document.get("series", []), *document.get("events", [])]:
            if item["name"] != "kept":
                await send(http, "/api/admin/schedule/event/delete", json.dumps({"id": item["id"]}).encode())


@EXAMPLES
@given(body=st.binary(max_size=40) | json_values.map(lambda value: json.dumps(value).encode()))
async def test_delete_and_preview_never_change_what_they_refuse(
    http: aiohttp.ClientSession, body: bytes
) -> None:
    before = await stored(http)
    for path in ("/api/admin/schedule/event/delete", "/api/admin/schedule/preview"):
        status, document = await send(http, path, body)
        if status == 400:
            assert set(document) == {"error"} and document["error"]
        else:
            assert path.endswith("preview") and set(document) == {"occurrences"}
    assert await stored(http) == before


WRONG_SETTING_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "enabled": st.none() | wrong_for("bool"),
    "showcountdown": st.none() | wrong_for("bool"),
    "chatopenminutes": st.none()
    | wrong_for("integer")
    | st.integers().filter(lambda n: n not in (0, 5, 10, 30, 60)),
    "remindermessage": st.none() | wrong_for("string") | st.just("x" * (16 * 1024 + 1)),
    "firstreminderminutes": st.none()
    | wrong_for("integer")
    | st.integers().filter(lambda n: n not in (0, 15, 30, 60, 120, 1440)),
    "secondreminderminutes": st.none()
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda n: not n.is_integer()),
}


@pytest.mark.parametrize("setter", sorted(WRONG_SETTING_VALUES))
@EXAMPLES
@given(data=st.data())
async def test_setters_refuse_wrong_values_with_an_error_body(
    http: aiohttp.ClientSession, setter: str, data: st.DataObject
) -> None:
    value = data.draw(WRONG_SETTING_VALUES[setter], label="value")
    before = await stored(http)
    status, document = await send(
        http, f"/api/admin/config/schedule/{setter}", json.dumps({"value": value}).encode()
    )
    assert status == 400 and set(document) == {"error"} and document["error"].startswith("value must be")
    assert await stored(http) == before
