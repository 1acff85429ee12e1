"""Several stream keys and the admin password (issue 15's rule, reference newer §3) on a real server:
until a password is set it is the 0.0.11 stream key; storing a key list the first time keeps the key of
that moment as the password; `config/key` keeps its 0.0.11 meaning; `--adminpassword` resets it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from tests.api.admin_config_client import AdminConfigClient
from tests.harness import admin_auth, make_settings, running_server

pytestmark = pytest.mark.asyncio


async def admin_status(admin: AdminConfigClient, password: str) -> int:
    async with admin.http.get(admin.url("/api/admin/status"), headers=admin_auth(password)) as response:
        return response.status


async def test_keys_set_before_a_password_keep_the_old_key_as_the_admin_password(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server)
        document = await admin.server_config()
        assert document["streamKeys"] == [{"key": "abc123", "comment": "Default stream key"}]
        assert (document["adminPassword"], document["streamKeyOverridden"]) == ("", False)
        assert document["streamKey"] == "abc123", "0.0.11's field stays"

        keys = [{"key": "obs-at-home-2026", "comment": "OBS"}, {"key": "guest-key-9876", "comment": ""}]
        await admin.expect_ok("streamkeys", keys, "changed")
        document = await admin.server_config()
        assert document["streamKeys"] == keys
        assert document["adminPassword"].startswith("$2b$10$"), "stored as a bcrypt hash, cost 10"
        assert await admin_status(admin, "abc123") == 200, "the old key is still the admin password"
        assert await admin_status(admin, "obs-at-home-2026") == 401, "a stream key is no password"

        # 0.0.11's `config/key`: "the stream key is now X" — the list becomes that key, the password stays.
        await admin.expect_ok("key", "single-key-4321", "changed")
        document = await admin.server_config()
        assert document["streamKey"] == "single-key-4321"
        assert document["streamKeys"] == [{"key": "single-key-4321", "comment": "Default stream key"}]
        assert await admin_status(admin, "abc123") == 200
        assert await admin_status(admin, "single-key-4321") == 401

        await admin.expect_ok("adminpass", "a password of its own", "changed")
        assert await admin_status(admin, "abc123") == 401
        assert await admin_status(admin, "a password of its own") == 200
        assert await admin_status(admin, "a password of its own") == 200, "the remembered match"


async def test_until_a_password_is_set_the_stream_key_is_the_password_as_in_0_0_11(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server)
        await admin.expect_ok("key", "new-key-1234", "changed")
        assert await admin_status(admin, "abc123") == 401
        assert await admin_status(admin, "new-key-1234") == 200


async def test_bad_values_are_refused_with_owncasts_messages_and_change_nothing(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server)
        refused: dict[str, list[tuple[object, str]]] = {
            "streamkeys": [
                ([], "must provide at least one valid stream key"),
                ([{"key": "", "comment": "x"}], "stream key cannot be empty"),
                ([{"comment": "no key"}], "stream key cannot be empty"),
                ("abc", "unable to update stream keys with provided values"),
                ([{"key": 5}], "unable to update stream keys with provided values"),
                (["abc"], "unable to update stream keys with provided values"),
                ([{"key": "a\nb"}], "stream key can not contain control characters"),
            ],
            "adminpass": [
                ("", "admin password can not be empty"),
                (5, "admin password must be a string"),
            ],
        }
        for setter, cases in refused.items():
            for value, message in cases:
                assert await admin.expect_rejected(setter, value) == message
        assert await admin_status(admin, "abc123") == 200


async def test_long_passwords_count_every_byte(tmp_path: Path) -> None:
    long = "x" * 80 + "the end"
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server)
        await admin.expect_ok("adminpass", long, "changed")
        assert await admin_status(admin, long) == 200
        assert await admin_status(admin, "x" * 80 + "other") == 401, "bcrypt alone would ignore past 72"


async def test_adminpassword_flag_resets_a_forgotten_password(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server)
        await admin.expect_ok("adminpass", "forgotten-password", "changed")
    settings = make_settings(data_dir)
    settings = replace(settings, overrides=replace(settings.overrides, admin_password="remembered-now"))
    async with running_server(data_dir, settings) as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server)
        assert await admin_status(admin, "forgotten-password") == 401
        assert await admin_status(admin, "remembered-now") == 200
        assert await admin_status(admin, "abc123") == 401
