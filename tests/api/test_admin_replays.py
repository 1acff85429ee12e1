"""The dashboard's replay routes: the list with the replay being recorded marked, and the recordings'
disk use against their budget (issue 13's admin page and Home)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import aiohttp

from tests.api.test_replays import START, add_replay, get_json, library_of
from tests.harness import admin_auth, make_settings, running_server

BUDGET = 10 * 1024**2


async def test_the_admin_list_marks_the_replay_being_recorded(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        await add_replay(server, tmp_path, "done", START, finished=True)
        await add_replay(server, tmp_path, "live", START + timedelta(hours=1), finished=False)
        library_of(server).recording = lambda: "live"
        url = server.base_url + "/api/admin/replays"
        async with http.get(url) as response:
            assert response.status == 401
        async with http.get(url, headers=admin_auth()) as response:
            assert response.status == 200
            listed = await response.json()
        _, public = await get_json(http, server.base_url + "/api/replays")
        assert [item.pop("recording") for item in listed] == [True, False]
        assert listed == public


async def test_usage_is_the_bytes_kept_against_the_budget_and_warns_from_90_percent(tmp_path: Path) -> None:
    settings = replace(make_settings(tmp_path / "data"), replay_disk_budget=BUDGET)
    async with running_server(tmp_path / "data", settings) as server, aiohttp.ClientSession() as http:
        url = server.base_url + "/api/admin/replays/usage"
        async with http.get(url) as response:
            assert response.status == 401
        async with http.get(url, headers=admin_auth()) as response:
            assert response.status == 200
            empty = await response.json()
        assert empty["diskFreeBytes"] > 0
        del empty["diskFreeBytes"]
        assert empty == {
            "usedBytes": 0,
            "diskBudgetBytes": BUDGET,
            "limitBytes": BUDGET,
            "bucketBytes": 0,
            "share": 0.0,
            "warning": False,
            "recording": None,
        }

        await add_replay(server, tmp_path, "one", START, finished=True)
        used = sum(path.stat().st_size for path in (server.data_dir / "recordings" / "one").glob("*.m4s"))
        _, usage = await get_json_admin(http, url)
        assert (usage["usedBytes"], usage["limitBytes"], usage["warning"]) == (used, BUDGET, False)

        # The admin's byte retention below the budget is the limit; 95 % of it used is a warning.
        assert server.server.services is not None
        retained = int(used / 0.95)
        await server.server.services.config.update(replays_retention_bytes=retained)
        _, usage = await get_json_admin(http, url)
        assert (usage["usedBytes"], usage["limitBytes"], usage["warning"]) == (used, retained, True)
        assert usage["share"] == round(used / retained, 4)


async def get_json_admin(http: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, object]]:
    async with http.get(url, headers=admin_auth()) as response:
        return response.status, await response.json()
