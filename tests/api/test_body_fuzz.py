"""Every route that takes a POST, fed bodies no client should send: never a 5xx, never a traceback.

The routes come from the application's own router, so a new route is covered without touching this
file. Each is called with the credentials it needs (admin Basic auth for /api/admin, a token holding
every integration scope for /api/integrations, a moderator's chat token elsewhere) so that the body is
really read. The bodies: JSON nested past the parser's recursion limit (a RecursionError used to escape
every body reader as a 500), large bodies under the 8 MiB `client_max_size`, one over it (4xx),
well-formed JSON of the wrong types, and bytes that are not JSON at all.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownstream.api.app import create_web_app
from ownstream.api.state import Services
from tests.chat.client import register
from tests.harness import RunningServer, admin_auth, make_settings, running_server

CLIENT_MAX_SIZE = 8 * 1024 * 1024
ALL_SCOPES = ["CAN_SEND_MESSAGES", "CAN_SEND_SYSTEM_MESSAGES", "HAS_ADMIN_ACCESS"]

FIELD_NAMES = [
    "value", "body", "displayName", "id", "idArray", "visible", "userId", "enabled", "isModerator",
    "url", "events", "name", "scopes", "token", "account", "actorIRI", "approved", "author", "newName",
]  # fmt: skip


OWNCAST_SERVER_STATUSES = {
    "/api/chat": (501, {"error": "method not implemented (PRs are accepted)"}),
}
"""Documented 0.0.11 answers in the 5xx range (reference §2.2): not failures, and nothing is logged."""


@dataclass
class Target:
    path: str
    headers: dict[str, str]
    query: dict[str, str]


@dataclass
class Fixture:
    server: RunningServer
    http: aiohttp.ClientSession
    integration_token: str
    moderator_token: str
    routes: list[str]

    @property
    def services(self) -> Services:
        assert self.server.server.services is not None
        return self.server.server.services

    def target(self, path: str) -> Target:
        if path.startswith("/api/admin"):
            # The stream key is the admin password, and a fuzzed body may have changed it.
            return Target(path, admin_auth(self.services.config.current.stream_key), {})
        if path.startswith("/api/integrations"):
            return Target(path, {"Authorization": "Bearer " + self.integration_token}, {})
        return Target(path, {}, {"accessToken": self.moderator_token})


def post_routes(services: Services) -> list[str]:
    """Every path of the app that answers POST (routes for any method included), placeholders filled."""
    app = create_web_app(services)
    paths: set[str] = set()
    for route in app.router.routes():
        if route.method not in ("POST", "*") or route.resource is None:
            continue
        info = route.resource.get_info()
        if "path" in info:
            paths.add(info["path"])
        elif "formatter" in info:
            names = [
                part[1:-1].split(":")[0] for part in info["formatter"].split("/") if part.startswith("{")
            ]
            paths.add(info["formatter"].format(**dict.fromkeys(names, "0")))
    return sorted(paths)


@pytest.fixture
async def fuzz(tmp_path: Path) -> AsyncIterator[Fixture]:
    settings_ = make_settings(tmp_path / "data", welcome_delay=60.0)
    async with running_server(tmp_path / "data", settings_) as server, aiohttp.ClientSession() as http:
        assert server.server.services is not None
        async with http.post(
            server.base_url + "/api/admin/accesstokens/create",
            json={"name": "fuzz", "scopes": ALL_SCOPES},
            headers=admin_auth(),
        ) as response:
            integration_token = (await response.json())["accessToken"]
        moderator = await register(http, server.base_url, "moderator")
        await server.server.services.chat.set_moderator(moderator.id, True)
        routes = post_routes(server.server.services)
        yield Fixture(server, http, integration_token, moderator.token, routes)


@pytest.fixture
def errors_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    caplog.set_level(logging.INFO)
    return caplog.records


async def post(fixture: Fixture, path: str, body: bytes, content_type: str = "application/json") -> int:
    """The status; a 5xx fails the test with the start of the answer."""
    target = fixture.target(path)
    async with fixture.http.post(
        fixture.server.base_url + target.path,
        params=target.query,
        data=io.BytesIO(body) if len(body) > 1024 * 1024 else body,
        headers={**target.headers, "Content-Type": content_type},
        timeout=aiohttp.ClientTimeout(total=30),
    ) as response:
        text = await response.text()
        expected = OWNCAST_SERVER_STATUSES.get(path)
        if expected is not None and (response.status, json.loads(text)) == expected:
            return response.status
        assert response.status < 500, f"POST {path} ({len(body)} bytes): {response.status} {text[:200]}"
        return response.status


async def failures(fixture: Fixture, bodies: list[tuple[str, bytes]]) -> list[str]:
    """Every route with every body; what failed, as readable lines."""
    failed = []
    for path in fixture.routes:
        for name, body in bodies:
            try:
                await post(fixture, path, body)
            except AssertionError as failure:
                failed.append(f"{name}: {str(failure).splitlines()[0]}")
    return failed


def problems(records: list[logging.LogRecord]) -> list[str]:
    return [
        f"{record.name}: {record.getMessage()}"
        for record in records
        if record.levelno >= logging.ERROR or record.exc_info is not None
    ]


def nested(depth: int, opener: str = "[", closer: str = "]") -> bytes:
    return (opener * depth + closer * depth).encode()


def nested_objects(depth: int) -> bytes:
    return ('{"value":' * depth + "1" + "}" * depth).encode()


BAD_BODIES: list[tuple[str, bytes]] = [
    ("nested arrays, 100,000 deep", nested(100_000)),
    ("nested objects, 50,000 deep", nested_objects(50_000)),
    ("value nested 5,000 deep", b'{"value":' + nested(5_000) + b"}"),
    ("value nested 900 deep", b'{"value":' + nested(900) + b"}"),
    ("body nested 5,000 deep", b'{"body":' + nested(5_000) + b"}"),
    ("unclosed nesting", b"[" * 200_000),
    ("not JSON", b"hello=world&x=1"),
    ("invalid UTF-8", b'{"value": "\xff\xfe"}'),
    ("lone surrogate", b'{"value": "\\ud800", "body": "\\udfff"}'),
    ("NaN", b'{"value": NaN}'),
    ("empty", b""),
    ("null", b"null"),
    ("a number", b"1e999999"),
    ("a 4,000-digit integer", b'{"value": ' + b"9" * 4_000 + b"}"),
    ("a 5,000-digit integer (past int's parsing limit)", b'{"value": ' + b"9" * 5_000 + b"}"),
]


def huge_bodies() -> list[tuple[str, bytes]]:
    size = 3 * 1024 * 1024
    text = "x" * size
    return [
        ("3 MiB string value", json.dumps({"value": text, "body": "b", "displayName": text}).encode()),
        ("3 MiB array value", json.dumps({"value": [0] * (size // 2)}).encode()),
        ("1 MiB of object keys", json.dumps({f"k{i}": i for i in range(size // 36)}).encode()),
    ]


async def test_bad_bodies_on_every_post_route(fuzz: Fixture, errors_logged: list[logging.LogRecord]) -> None:
    assert len(fuzz.routes) > 40 and "/api/chat/register" in fuzz.routes
    failed = await failures(fuzz, BAD_BODIES)
    assert not failed, "\n".join(failed)
    logged = problems(errors_logged)
    assert not logged, "\n".join(logged)


async def test_nested_json_answers_in_each_endpoint_shape(fuzz: Fixture) -> None:
    deep = nested(100_000)

    async def answer(path: str) -> tuple[int, Any]:
        target = fuzz.target(path)
        async with fuzz.http.post(
            fuzz.server.base_url + path, params=target.query, data=deep, headers=target.headers
        ) as response:
            return response.status, await response.json()

    assert await answer("/api/admin/config/name") == (
        400,
        {"success": False, "message": "unable to parse new value"},
    )
    assert await answer("/api/integrations/chat/send") == (400, {"error": "unable to parse request"})
    assert await answer("/api/admin/webhooks/create") == (400, {"error": "unable to parse request"})
    # Owncast ignores a register body it cannot read, and registers under a generated name.
    status, registered = await answer("/api/chat/register")
    assert status == 200 and set(registered) == {"id", "accessToken", "displayName"}


async def test_large_bodies_on_every_post_route(
    fuzz: Fixture, errors_logged: list[logging.LogRecord]
) -> None:
    bodies = huge_bodies()
    failed = []
    for index, path in enumerate(fuzz.routes):  # one large body per route, the kinds in turn
        name, body = bodies[index % len(bodies)]
        try:
            await post(fuzz, path, body)
        except AssertionError as failure:
            failed.append(f"{name}: {str(failure).splitlines()[0]}")
    assert not failed, "\n".join(failed)
    logged = problems(errors_logged)
    assert not logged, "\n".join(logged)


async def test_a_body_over_the_size_limit_is_refused_with_4xx(
    fuzz: Fixture, errors_logged: list[logging.LogRecord]
) -> None:
    too_big = json.dumps({"value": "x" * (CLIENT_MAX_SIZE + 1024)}).encode()
    statuses = {path: await post(fuzz, path, too_big) for path in fuzz.routes}
    assert statuses["/api/chat/register"] == 413
    assert statuses["/api/admin/config/name"] == 413
    assert statuses["/api/integrations/chat/send"] == 413
    logged = problems(errors_logged)
    assert not logged, "\n".join(logged)


# Text without ':' or '@' can never be a URL or a fediverse account, so no fuzzed body makes the
# server reach out to another host (webhooks, remote follow).
_text = st.text(st.characters(exclude_characters=":@", exclude_categories=["Cs"]), max_size=30)
_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text
json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | _text, children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_wrong_types_on_every_post_route(
    fuzz: Fixture, errors_logged: list[logging.LogRecord], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(fuzz.routes), label="route")
    document = data.draw(
        json_values | st.dictionaries(st.sampled_from(FIELD_NAMES), json_values), label="body"
    )
    content_type = data.draw(
        st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"])
    )
    await post(fuzz, path, json.dumps(document).encode(), content_type)
    logged = problems(errors_logged)
    assert not logged, "\n".join(logged)
