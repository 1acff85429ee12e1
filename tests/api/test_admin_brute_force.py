"""Password guessing against the admin API (issue 7, item 15): wrong credentials are counted per client
address and braked after the free ones, absent credentials never count, every failure is logged with
the address and never the password, and a weak stream key is warned about while it lasts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from ownstream.net.client_address import parse_networks
from tests.harness import RunningServer, admin_auth, basic_auth, make_settings, running_server

URL = "/api/admin/status"
GUESS = "hunter2-guess"


async def timed_get(
    http: aiohttp.ClientSession, server: RunningServer, headers: dict[str, str]
) -> tuple[int, float]:
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with http.get(server.base_url + URL, headers=headers) as response:
        return response.status, loop.time() - started


@pytest.fixture
async def braked(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(
        tmp_path / "data", login_free_failures=3, login_first_delay=0.3, login_max_delay=0.6
    )
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def test_wrong_passwords_are_braked_after_the_free_ones(
    braked: RunningServer, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    wrong = basic_auth("admin", GUESS)
    for _ in range(3):
        status, took = await timed_get(http, braked, wrong)
        assert status == 401 and took < 0.25
    status, took = await timed_get(http, braked, wrong)
    assert status == 401 and took >= 0.28
    status, took = await timed_get(http, braked, wrong)
    assert status == 401 and took >= 0.58, "the wait doubles"

    # Waiting does not stall the server for anyone else.
    slow = asyncio.create_task(timed_get(http, braked, wrong))
    await asyncio.sleep(0.05)
    async with http.get(braked.base_url + "/api/status") as response:
        assert response.status == 200
    assert not slow.done()
    assert (await slow)[1] >= 0.58, "capped at the ceiling"

    lines = [record.getMessage() for record in caplog.records]
    failures = [line for line in lines if "wrong admin credentials" in line]
    assert len(failures) == 6 and all("127.0.0.1" in line for line in failures)
    assert not any(GUESS in line for line in lines)

    # The right password, after its turn, clears the record.
    status, _ = await timed_get(http, braked, admin_auth())
    assert status == 200
    status, took = await timed_get(http, braked, wrong)
    assert status == 401 and took < 0.25


async def test_absent_credentials_never_count(braked: RunningServer, http: aiohttp.ClientSession) -> None:
    for headers in ({}, {"Authorization": "Bearer something"}) * 5:
        status, took = await timed_get(http, braked, headers)
        assert status == 401 and took < 0.25
    status, took = await timed_get(http, braked, basic_auth("admin", GUESS))
    assert status == 401 and took < 0.25


async def test_addresses_behind_a_trusted_proxy_are_counted_apart(tmp_path: Path) -> None:
    settings = replace(
        make_settings(tmp_path / "data", login_free_failures=2, login_first_delay=0.3),
        trusted_proxies=parse_networks("127.0.0.1"),
    )
    async with running_server(tmp_path / "data", settings) as server, aiohttp.ClientSession() as http:
        guess = {**basic_auth("admin", GUESS)}
        for _ in range(2):
            await timed_get(http, server, {**guess, "X-Forwarded-For": "198.51.100.1"})
        _, took = await timed_get(http, server, {**guess, "X-Forwarded-For": "198.51.100.1"})
        assert took >= 0.28
        _, took = await timed_get(http, server, {**guess, "X-Forwarded-For": "198.51.100.2"})
        assert took < 0.25


async def warnings(http: aiohttp.ClientSession, server: RunningServer, key: str) -> list[str]:
    async with http.get(server.base_url + "/api/admin/logs/warnings", headers=admin_auth(key)) as response:
        assert response.status == 200
        entries = await response.json()
    assert all(set(entry) == {"message", "level", "time"} for entry in entries)
    return [entry["message"] for entry in entries if "stream key" in entry["message"]]


async def set_key(http: aiohttp.ClientSession, server: RunningServer, old: str, new: str) -> None:
    url = server.base_url + "/api/admin/config/key"
    async with http.post(url, json={"value": new}, headers=admin_auth(old)) as response:
        assert response.status == 200


async def test_a_weak_stream_key_is_warned_about_while_it_lasts(
    tmp_path: Path, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_server(tmp_path / "data") as server:
        assert any("is still the default" in record.getMessage() for record in caplog.records), "at start"
        [default] = await warnings(http, server, "abc123")
        assert "still the default" in default and "abc123" not in default
        await set_key(http, server, "abc123", "Long-and-random-4711")
        assert await warnings(http, server, "Long-and-random-4711") == []
        await set_key(http, server, "Long-and-random-4711", "k1")
        [short] = await warnings(http, server, "k1")
        assert "shorter than 8 characters" in short and "k1" not in short
