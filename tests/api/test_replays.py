"""The replay routes over real HTTP, on a library filled with real fMP4 sessions (the recorder's own
path is tested end to end in tests/e2e/test_replays.py), and the replay settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from ownstream.replays.library import ReplayLibrary
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth
from tests.replays.fixtures import encode_session, rows_for

START = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def library_of(server: RunningServer) -> ReplayLibrary:
    assert server.server.services is not None
    return server.server.services.replays


async def add_replay(server: RunningServer, tmp_path: Path, replay_id: str, started: datetime, *,
                     finished: bool) -> None:  # fmt: skip
    library = library_of(server)
    session = encode_session(tmp_path / "packager" / replay_id, replay_id, seconds=2)
    await library.create(replay_id, f"Stream {replay_id}", 0, started)
    for row in rows_for(session, started):
        await library.add_segment(replay_id, session.segments[row.position], session.init, row)
    if finished:
        await library.finish(replay_id, started + timedelta(seconds=2))


async def get_json(http: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with http.get(url) as response:
        return response.status, await response.json()


async def test_replays_are_listed_newest_first_in_our_shape(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    assert await get_json(http, server.base_url + "/api/replays") == (200, [])
    await add_replay(server, tmp_path, "first", START, finished=True)
    await add_replay(server, tmp_path, "second", START + timedelta(hours=1), finished=False)
    status, listed = await get_json(http, server.base_url + "/api/replays")
    assert status == 200 and isinstance(listed, list)
    assert [replay["id"] for replay in listed] == ["second", "first"]
    kept = sum(path.stat().st_size for path in (server.data_dir / "recordings" / "first").glob("*.m4s"))
    assert listed[1] == {
        "id": "first",
        "title": "Stream first",
        "startTime": "2026-12-02T03:00:00Z",
        "endTime": "2026-12-02T03:00:02Z",
        "duration": 2.0,
        "size": kept,
        "thumbnail": None,
    }
    assert listed[0]["endTime"] is None
    assert await get_json(http, server.base_url + "/api/replays/second") == (200, listed[0])
    assert await get_json(http, server.base_url + "/api/replays/nope") == (404, {"error": "replay not found"})


async def test_the_playlist_is_an_event_while_growing_then_vod_and_its_media_is_served(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await add_replay(server, tmp_path, "r", START, finished=False)
    async with http.get(server.base_url + "/replay/r/stream.m3u8") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/x-mpegURL")
        growing = await response.text()
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in growing and "#EXT-X-ENDLIST" not in growing
    assert growing.count("#EXT-X-PROGRAM-DATE-TIME:") == growing.count("#EXTINF:") == 2
    await library_of(server).finish("r", START + timedelta(seconds=2))
    async with http.get(server.base_url + "/replay/r/stream.m3u8") as response:
        finished = await response.text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in finished and finished.rstrip().endswith("#EXT-X-ENDLIST")
    uris = [line for line in finished.splitlines() if line and not line.startswith("#")]
    uris.append("media/init-r.mp4")
    for uri in uris:
        async with http.get(f"{server.base_url}/replay/r/{uri}") as response:
            assert response.status == 200, uri
            body = await response.read()
        assert body == (server.data_dir / "recordings" / "r" / uri.removeprefix("media/")).read_bytes()


async def test_bad_names_and_unknown_replays_are_404(server: RunningServer, http: aiohttp.ClientSession,
                                                     tmp_path: Path) -> None:  # fmt: skip
    await add_replay(server, tmp_path, "r", START, finished=True)
    (server.data_dir / "secret.m4s").write_bytes(b"no")
    for path in (
        "/replay/r/media/..%2Fsecret.m4s",
        "/replay/r/media/nothere.m4s",
        "/replay/r/media/ownstream.db",
        "/replay/..%2F/media/secret.m4s",
        "/replay/nope/stream.m3u8",
        "/api/replays/nope/chat",
        "/replay/nope/download.mp4",
        "/replay/r/thumbnail.jpg",
    ):
        async with http.get(server.base_url + path) as response:
            assert response.status == 404, path


async def test_the_admin_deletes_a_replay_but_not_the_one_being_recorded(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await add_replay(server, tmp_path, "done", START, finished=True)
    await add_replay(server, tmp_path, "live", START + timedelta(hours=1), finished=False)
    library_of(server).recording = lambda: "live"
    url = server.base_url + "/api/admin/replays/"
    async with http.delete(url + "done") as response:
        assert response.status == 401
    async with http.delete(url + "live", headers=admin_auth()) as response:
        assert response.status == 409
        assert await response.json() == {"success": False, "message": "the replay is still being recorded"}
    async with http.delete(url + "done", headers=admin_auth()) as response:
        assert response.status == 200
        assert await response.json() == {"success": True, "message": "replay deleted"}
    assert not (server.data_dir / "recordings" / "done").exists()
    async with http.delete(url + "done", headers=admin_auth()) as response:
        assert response.status == 404
    _, listed = await get_json(http, server.base_url + "/api/replays")
    assert [replay["id"] for replay in listed] == ["live"]


async def post_value(
    http: aiohttp.ClientSession, server: RunningServer, path: str, value: object
) -> tuple[int, Any]:
    async with http.post(
        f"{server.base_url}/api/admin/config/{path}", data=json.dumps({"value": value}), headers=admin_auth()
    ) as response:
        return response.status, await response.json()


async def test_the_replay_settings_are_stored_checked_and_in_serverconfig(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async def replay_config() -> object:
        async with http.get(server.base_url + "/api/admin/serverconfig", headers=admin_auth()) as response:
            return (await response.json())["replays"]

    unlimited = {"days": 0, "bytes": 0}
    defaults = {"enabled": True, "reconnectWindow": 60, "retention": unlimited, "dvrWindow": 7200}
    assert await replay_config() == defaults
    assert (await post_value(http, server, "replays/enabled", False))[0] == 200
    assert (await post_value(http, server, "replays/reconnectwindow", 0))[0] == 200
    assert (await post_value(http, server, "replays/retention", {"days": 7}))[0] == 200
    assert await post_value(http, server, "replays/dvrwindow", 600) == (
        200,
        {"success": True, "message": "DVR window saved"},
    )
    stored = {"enabled": False, "reconnectWindow": 0, "retention": {"days": 7, "bytes": 0}, "dvrWindow": 600}
    assert await replay_config() == stored
    for path, value in (("replays/enabled", "no"), ("replays/reconnectwindow", 601),
                        ("replays/reconnectwindow", -1), ("replays/reconnectwindow", 2.5),
                        ("replays/dvrwindow", 43201), ("replays/dvrwindow", -1), ("replays/dvrwindow", "1h"),
                        ("replays/dvrwindow", None), ("replays/dvrwindow", 60.5),
                        ("replays/retention", 7), ("replays/retention", {"days": -1}),
                        ("replays/retention", {"days": 1, "bytes": "5G"}),
                        ("replays/retention", {"weeks": 1})):  # fmt: skip
        status, body = await post_value(http, server, path, value)
        assert status == 400 and body["success"] is False, (path, value)
    assert await replay_config() == stored


async def test_a_smaller_byte_retention_removes_the_oldest_replays_at_once(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await add_replay(server, tmp_path, "old", START, finished=True)
    await add_replay(server, tmp_path, "new", START + timedelta(hours=1), finished=True)
    _, listed = await get_json(http, server.base_url + "/api/replays")
    newest_size = listed[0]["size"]
    assert (await post_value(http, server, "replays/retention", {"bytes": newest_size}))[0] == 200

    async def only_the_newest() -> bool:
        _, current = await get_json(http, server.base_url + "/api/replays")
        return [replay["id"] for replay in current] == ["new"]

    await wait_until(only_the_newest, 5, "the oldest replay to go")
    assert not (server.data_dir / "recordings" / "old").exists()


async def test_dvr_tells_the_player_where_the_recording_is_and_serves_its_window(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    status, info = await get_json(http, server.base_url + "/api/dvr")
    assert status == 200 and info["window"] == 7200 and info["playlist"] is None and info["start"] is None
    assert info["recording"] is False
    assert abs(datetime.fromisoformat(info["now"]) - datetime.now(UTC)) < timedelta(seconds=5)
    now = datetime.now(UTC).replace(microsecond=0)
    await add_replay(server, tmp_path, "live", now - timedelta(seconds=20), finished=False)
    await add_replay(server, tmp_path, "done", now - timedelta(hours=3), finished=True)
    assert (await get_json(http, server.base_url + "/api/dvr"))[1]["playlist"] is None  # nothing recorded
    library_of(server).recording = lambda: "live"

    status, info = await get_json(http, server.base_url + "/api/dvr")
    assert status == 200 and info["recording"] is True
    assert info["start"] == (now - timedelta(seconds=20)).isoformat().replace("+00:00", "Z")
    playlist = info["playlist"]
    assert playlist.startswith("/replay/live/dvr.m3u8?since=")
    since = int(playlist.rsplit("=", 1)[1])
    assert now.timestamp() - 7200 - 30 <= since <= now.timestamp() - 7200 + 1
    async with http.get(server.base_url + playlist) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/x-mpegURL")
        assert response.headers["Cache-Control"].startswith("no-cache")
        assert response.headers["Content-Encoding"] == "gzip"  # aiohttp's client asks for it
        text = await response.text()
    lines = text.splitlines()
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in lines and "#EXT-X-ENDLIST" not in lines
    assert [line for line in lines if not line.startswith("#")] == [
        "media/stream-live-0.m4s",
        "media/stream-live-1.m4s",
    ]
    async with http.get(server.base_url + "/replay/live/media/stream-live-1.m4s") as response:
        assert response.status == 200

    # A since after the first segment leaves it out; a later one than everything has nothing.
    later = int((now - timedelta(seconds=19)).timestamp())
    async with http.get(f"{server.base_url}/replay/live/dvr.m3u8?since={later}") as response:
        assert response.status == 200
        assert "#EXT-X-MEDIA-SEQUENCE:1" in (await response.text()).splitlines()
    for query, expected in (("since=" + str(int(now.timestamp()) + 60), 404), ("since=-5", 400),
                            ("since=soon", 400), ("since=" + "9" * 13, 400)):  # fmt: skip
        async with http.get(f"{server.base_url}/replay/live/dvr.m3u8?{query}") as response:
            assert response.status == expected, query
            assert "error" in await response.json()
    # Only the recording being made has a DVR playlist.
    async with http.get(server.base_url + "/replay/done/dvr.m3u8") as response:
        assert response.status == 404

    # A window of 0 turns DVR off.
    assert (await post_value(http, server, "replays/dvrwindow", 0))[0] == 200
    status, info = await get_json(http, server.base_url + "/api/dvr")
    assert info["window"] == 0 and info["playlist"] is None and info["recording"] is False
    async with http.get(server.base_url + "/replay/live/dvr.m3u8") as response:
        assert response.status == 404
