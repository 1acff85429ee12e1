"""The round trip: a running server backs its database up, data changes, `ownstream restore` (the real
command) puts the backup back, and the next start has the old data."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests.e2e.cli_process import run_cli
from tests.e2e.waiting import wait_until
from tests.harness import admin_auth, make_settings, running_server

pytestmark = pytest.mark.e2e


async def server_name(http: aiohttp.ClientSession, base_url: str) -> str:
    async with http.get(base_url + "/api/config") as response:
        return str((await response.json())["name"])


async def set_name(http: aiohttp.ClientSession, base_url: str, name: str) -> None:
    async with http.post(
        base_url + "/api/admin/config/name", json={"value": name}, headers=admin_auth()
    ) as response:
        assert response.status == 200


async def test_backup_then_restore_brings_the_data_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    backups = data / "backup"
    settings = make_settings(data, backup_interval=0.5)
    async with running_server(data, settings) as server, aiohttp.ClientSession() as http:
        await set_name(http, server.base_url, "Before the mistake")

        async def backed_up() -> bool:
            return any(backups.glob("ownstream-*.db.gz"))

        await wait_until(backed_up, 20, "a database backup")
        assert server.server.backups is not None
        await server.server.backups.stop()  # keep the one backup we have
        [backup] = sorted(backups.glob("ownstream-*.db.gz"))
        await set_name(http, server.base_url, "After the mistake")

        # While the server runs, the restore is refused and changes nothing.
        code, output = await run_cli("restore", str(backup), "--datadir", str(data))
        assert code == 1 and "the server is running" in output and "Traceback" not in output

    code, output = await run_cli("restore", str(backup), env={"OWNSTREAM_DATADIR": str(data)})
    assert code == 0, output
    assert f"into {data / 'ownstream.db'}" in output
    assert (data / "ownstream.db.before-restore").is_file()

    async with running_server(data, settings) as server, aiohttp.ClientSession() as http:
        assert await server_name(http, server.base_url) == "Before the mistake"


async def test_restore_of_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db.gz"
    junk.write_bytes(b"\x1f\x8b not really gzip")
    code, output = await run_cli("restore", str(junk), "--datadir", str(tmp_path / "data"))
    assert code == 1
    assert output.startswith("ownstream restore: nothing restored:") and "Traceback" not in output
    assert not (tmp_path / "data" / "ownstream.db").exists()


async def test_the_server_flags_still_work_beside_the_subcommand() -> None:
    code, output = await run_cli("--help")
    assert code == 0 and "--webserverport" in output and "ownstream restore FILE" in output
    code, output = await run_cli("restore", "--help")
    assert code == 0 and "before-restore" in output
