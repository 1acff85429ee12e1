"""`ownstream import-owncast` (owncast_import/): Owncast 0.0.11 and newer data folders, built by the test,
imported and then served by a real Ownstream; the --force rule; a running server; wrong input."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
import bcrypt
import pytest
from cryptography.hazmat.primitives import serialization

from ownstream.cli import main
from ownstream.database.lock import DatabaseLock
from tests.harness import admin_auth, running_server
from tests.owncast_import.owncast_db import (
    ADMIN_PASSWORD,
    INTEGRATION_TOKEN,
    MODERATOR_TOKEN,
    VIEWER_TOKEN,
    OwncastData,
    build_owncast,
    vapid_public_key,
)


def run_import(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["import-owncast", *map(str, args)])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


async def run_import_async(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """From an async test: the command runs its own event loop, so in a thread."""
    return await asyncio.to_thread(run_import, capsys, *args)


def stored(database: Path, key: str) -> Any:
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    # The JSON column has numeric affinity: SQLite hands numbers back as numbers.
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize(
    ("newer", "plain_password"),
    [(False, False), (True, False), (True, True)],
    ids=["owncast-0.0.11", "owncast-0.2-and-later", "owncast-0.1-plain-admin-password"],
)
async def test_an_imported_owncast_server_is_served_by_ownstream(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], newer: bool, plain_password: bool
) -> None:
    owncast = build_owncast(tmp_path / "owncast", newer=newer, messages=5, plain_password=plain_password)
    ours = tmp_path / "ours"
    code, out, err = await run_import_async(capsys, owncast.folder, "--datadir", ours)
    assert code == 0, err
    assert "users: 4" in out and "chat messages: 5" in out and "followers: 1" in out
    database = ours / "ownstream.db"
    stream_key = "first-key-1" if newer else "old-stream-key"
    check_stored(database, owncast, newer)
    if newer:
        assert "IP bans: 1" in out and "push subscriptions: 1" in out
        assert "IP bans not imported" not in out
        assert "chat logins: 1" in out and "IndieAuth" not in out, "Owncast's `auth` is imported"

    async with running_server(ours) as server, aiohttp.ClientSession(server.base_url) as http:
        async with http.get("/api/config") as response:
            config = await response.json()
        assert config["name"] == "Old Owncast Place"
        assert config["tags"] == ["music", "coding"]
        assert config["nsfw"] is True
        assert [(h["platform"], h["url"]) for h in config["socialHandles"]] == [
            ("mastodon", "https://m.example/@me")
        ]
        assert config["externalActions"][0]["url"] == "https://tip.example"
        assert config["externalActions"][0]["openExternally"] is True

        # Newer Owncast's admin password (hashed or as typed) stays the admin password; 0.0.11's is the key.
        admin = admin_auth(ADMIN_PASSWORD if newer else stream_key)
        async with http.get("/api/admin/serverconfig", headers=admin) as response:
            assert response.status == 200
            server_config = await response.json()
        assert server_config["streamKey"] == stream_key
        if newer:
            assert server_config["streamKeys"] == [
                {"key": "first-key-1", "comment": "OBS at home"},
                {"key": "second-key-2", "comment": "phone"},
            ]
            async with http.get("/api/admin/serverconfig", headers=admin_auth(stream_key)) as response:
                assert response.status == 401
        assert server_config["videoSettings"]["latencyLevel"] == 3
        variants = server_config["videoSettings"]["videoQualityVariants"]
        assert variants[0]["videoBitrate"] == 2500 and variants[1]["videoPassthrough"] is True
        assert server_config["s3"]["bucket"] == "vids" and server_config["s3"]["enabled"] is True
        assert server_config["federation"]["username"] == "mystream"
        assert "badname" in server_config["forbiddenUsernames"]

        async with http.get("/api/admin/chat/users/moderators", headers=admin) as response:
            assert [user["displayName"] for user in await response.json()] == ["Mod Person"]
        async with http.get("/api/admin/users", headers=admin) as response:
            listed = {user["id"]: user for user in (await response.json())["results"]}
        assert listed["viewer001"]["authenticated"] is newer
        assert listed["viewer001"].get("authProviders") == (["IndieAuth"] if newer else None)
        assert listed["modUser01"]["authenticated"] is False
        async with http.get("/api/admin/chat/users/disabled", headers=admin) as response:
            assert [user["displayName"] for user in await response.json()] == ["Trouble"]
        async with http.get("/api/admin/accesstokens", headers=admin) as response:
            tokens = await response.json()
        assert [(t["displayName"], t["accessToken"]) for t in tokens] == [("My bot", INTEGRATION_TOKEN)]
        bearer = {"Authorization": f"Bearer {INTEGRATION_TOKEN}"}
        async with http.post("/api/integrations/chat/send", headers=bearer, json={"body": "hi"}) as response:
            assert response.status == 200, await response.text()
        async with http.get("/api/admin/webhooks", headers=admin) as response:
            hooks = await response.json()
        assert [(h["url"], h["events"]) for h in hooks] == [
            ("https://hooks.example/owncast", ["CHAT", "STREAM_STARTED"])
        ]

        # The chat users keep their identity: the old token still signs them in.
        async with http.get("/api/chat", params={"accessToken": VIEWER_TOKEN}) as response:
            assert response.status == 200
            history = await response.json()
        assert [m["body"] for m in history if m["type"] == "CHAT"][:2] == [
            "<p>message 0</p>",
            "<p>message 2</p>",
        ]
        async with http.ws_connect(f"/ws?accessToken={MODERATOR_TOKEN}") as socket:
            hello = json.loads((await socket.receive(timeout=5)).data.split("\n")[0])
        assert hello["type"] == "CONNECTED_USER_INFO"
        assert hello["user"]["displayName"] == "Mod Person" and "MODERATOR" in hello["user"]["scopes"]

        if newer:
            # Owncast's VAPID key and subscriptions came along: browsers that signed up stay signed up.
            assert config["notifications"]["browser"]["publicKey"] == vapid_public_key()
            assert server_config["notifications"] == {
                "browser": {"enabled": True, "goLiveMessage": "We are live!"},
                "discord": {
                    "enabled": True,
                    "webhook": "https://discord.example/api/webhooks/1",
                    "goLiveMessage": "Live",
                },
            }
            assert count(database, "notifications") == 1
            # Owncast's IP bans stay bans.
            async with http.get("/api/admin/chat/users/ipbans", headers=admin) as response:
                bans = await response.json()
            assert [(ban["ipAddress"], ban["notes"]) for ban in bans] == [("203.0.113.9", "spam")]

        async with http.get("/api/emoji") as response:
            assert [e["name"] for e in await response.json()] == ["party"]
        async with http.get("/logo") as response:
            assert await response.read() == (owncast.folder / "data" / "logo.png").read_bytes()


def check_stored(database: Path, owncast: OwncastData, newer: bool) -> None:
    assert stored(database, "web_server_port") == 8181 and stored(database, "rtmp_server_port") == 1936
    assert stored(database, "server_init_date").startswith("2022-01-15T10:30:00")
    private = serialization.load_pem_private_key(stored(database, "federation_private_key").encode(), None)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public.decode() == owncast.public_key_pem
    with sqlite3.connect(database) as connection:
        peak = connection.execute("SELECT overall_peak_viewers FROM stream_stats").fetchone()[0]
        hidden = connection.execute("SELECT hidden_at FROM messages WHERE id = 'msg0000001'").fetchone()[0]
    assert peak == 42 and hidden is not None
    assert count(database, "ap_outbox") == 1 and count(database, "ap_accepted_activities") == 1
    if newer:
        assert stored(database, "stream_keys") == [
            {"key": "first-key-1", "comment": "OBS at home"},
            {"key": "second-key-2", "comment": "phone"},
        ]
        assert bcrypt.checkpw(ADMIN_PASSWORD.encode(), stored(database, "admin_password_hash").encode())
        assert stored(database, "offline_message") == "Back **soon**"
        assert stored(database, "hide_viewer_count") is True
        # Newer chat and appearance settings that Ownstream has a place for now.
        assert stored(database, "appearance_variables") == {"theme-color-1": "#123"}
        assert stored(database, "chat_join_messages_enabled") is True


async def test_a_database_with_data_is_replaced_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = build_owncast(tmp_path / "first", newer=False, messages=2)
    second = build_owncast(tmp_path / "second", newer=True, messages=7)
    ours = tmp_path / "ours"
    assert (await run_import_async(capsys, first.database, "--datadir", ours))[0] == 0
    database = ours / "ownstream.db"

    code, out, err = await run_import_async(capsys, second.folder / "data", "--datadir", ours)
    assert code == 1 and out == ""
    assert "nothing imported" in err and "already holds data (table users)" in err and "--force" in err
    assert stored(database, "stream_key") == "old-stream-key" and count(database, "messages") == 2

    code, out, err = await run_import_async(capsys, second.folder / "data", "--datadir", ours, "--force")
    assert code == 0, err
    assert stored(database, "stream_key") == "first-key-1" and count(database, "messages") == 7
    kept = ours / "ownstream.db.before-import"
    assert f"kept as {kept}" in out
    assert stored(kept, "stream_key") == "old-stream-key" and count(kept, "messages") == 2


async def test_a_database_a_server_has_filled_counts_as_holding_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = tmp_path / "ours"
    async with running_server(ours):
        pass
    owncast = build_owncast(tmp_path / "owncast", newer=False)
    code, _, err = await run_import_async(capsys, owncast.folder, "--datadir", ours)
    assert code == 1 and "already holds data (table config)" in err


def test_a_running_server_blocks_the_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    owncast = build_owncast(tmp_path / "owncast", newer=False)
    ours = tmp_path / "ours"
    ours.mkdir()
    lock = DatabaseLock(ours / "ownstream.db")
    lock.acquire()
    try:
        code, _, err = run_import(capsys, owncast.folder, "--datadir", ours)
    finally:
        lock.release()
    assert code == 1 and "the server is running" in err
    assert not (ours / "ownstream.db").exists()


@pytest.mark.parametrize("kind", ["missing", "empty-folder", "not-sqlite", "not-owncast"])
def test_wrong_sources_are_named_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    source = tmp_path / "source"
    if kind == "empty-folder":
        source.mkdir()
    elif kind == "not-sqlite":
        source = tmp_path / "owncast.db"
        source.write_text("hello")
    elif kind == "not-owncast":
        source = tmp_path / "owncast.db"
        sqlite3.connect(source).execute("CREATE TABLE other (x)").connection.close()
    ours = tmp_path / "ours"
    code, out, err = run_import(capsys, source, "--datadir", ours)
    assert code == 1 and out == ""
    expected = {
        "missing": "does not exist",
        "empty-folder": "no owncast.db in",
        "not-sqlite": "is not a readable SQLite database",
        "not-owncast": "is not an Owncast database",
    }[kind]
    assert expected in err
    assert not (ours / "ownstream.db").exists()


def test_settings_ownstream_cannot_take_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owncast = build_owncast(tmp_path / "owncast", newer=True)
    with sqlite3.connect(owncast.database) as connection:
        connection.execute(
            "UPDATE datastore SET value = ? WHERE key = 'rtmp_port_number'", (b"\x07\x0c\x00",)
        )
        connection.execute(
            "UPDATE datastore SET value = (SELECT value FROM datastore WHERE key = 'http_port_number')"
            " WHERE key = 'video_latency_level'"
        )
        # A setting of a later Owncast that Ownstream has no place for.
        connection.execute(
            "INSERT INTO datastore (key, value) SELECT 'some_later_setting', value FROM datastore"
            " WHERE key = 'custom_javascript'"
        )
    code, out, _ = run_import(capsys, owncast.database, "--datadir", tmp_path / "ours")
    assert code == 0
    assert "note: setting rtmp_port_number could not be decoded; not imported" in out
    assert "note: setting video_latency_level: " in out
    [no_place] = [line for line in out.splitlines() if "settings Ownstream has no place for yet:" in line]
    assert "some_later_setting" in no_place
    # Newer chat and appearance settings are imported now, not reported.
    assert "custom_color_variable_values" not in out and "chat_join_messages_enabled" not in out
    database = tmp_path / "ours" / "ownstream.db"
    assert stored(database, "rtmp_server_port") is None and stored(database, "video_latency_level") is None
    assert stored(database, "server_name") == "Old Owncast Place"
