"""The clip routes over real HTTP, on a replay library filled with real fMP4 sessions (the live path,
with ffmpeg publishing over RTMP, is in tests/e2e/test_clips.py): who may cut, the longest clip, the
clip's playlist, files and MP4, that it outlives its replay, the admin's delete, CLIP_CREATED."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from tests.api.test_moderation import make_moderator
from tests.api.test_replays import add_replay, get_json, library_of, post_value
from tests.chat.client import register
from tests.harness import RunningServer, admin_auth
from tests.replays.fixtures import encode_session, rows_for
from tests.replays.test_download import mp4_duration
from tests.webhooks.receiver import receiving

START = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
SEGMENT = 1.0
"""The fixture sessions' segment length (tests/replays/fixtures.py)."""


async def clip_as_user(http: aiohttp.ClientSession, server: RunningServer, token: str,
                       body: Any) -> tuple[int, Any]:  # fmt: skip
    async with http.post(
        server.base_url + "/api/clips", params={"accessToken": token}, data=json.dumps(body)
    ) as response:
        if response.status == 401:
            return 401, await response.text()  # Owncast's plain `unauthorized`
        return response.status, await response.json(content_type=None)


async def clip_as_admin(http: aiohttp.ClientSession, server: RunningServer, body: Any) -> tuple[int, Any]:
    async with http.post(
        server.base_url + "/api/admin/clips", data=json.dumps(body), headers=admin_auth()
    ) as response:
        return response.status, await response.json(content_type=None)


async def add_long_replay(server: RunningServer, tmp_path: Path, replay_id: str, seconds: int) -> None:
    library = library_of(server)
    session = encode_session(tmp_path / "packager" / replay_id, replay_id, seconds=seconds)
    await library.create(replay_id, f"Stream {replay_id}", 0, START)
    for row in rows_for(session, START):
        await library.add_segment(replay_id, session.segments[row.position], session.init, row)
    await library.finish(replay_id, START + timedelta(seconds=seconds))


async def test_who_may_cut_clips_follows_the_admins_setting(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await add_replay(server, tmp_path, "r", START, finished=True)
    viewer = await register(http, server.base_url, "viewer")
    moderator = await make_moderator(http, server)
    body = {"title": "A moment", "replayId": "r", "start": 0, "end": 1}
    # Default `moderators`: a plain chat user is refused, a moderator is not.
    assert await clip_as_user(http, server, viewer.token, body) == (
        403,
        {"error": "only moderators may create clips on this server"},
    )
    status, made = await clip_as_user(http, server, moderator.token, body)
    assert status == 201 and made["clippedBy"] == "mod" and made["title"] == "A moment"
    # No token, a wrong one: Owncast's user-token 401.
    async with http.post(server.base_url + "/api/clips", json=body) as response:
        assert response.status == 401 and await response.text() == "unauthorized\n"
    assert await clip_as_user(http, server, "not-a-token", body) == (401, "unauthorized\n")
    # `everyone`: the plain chat user may; `admin`: not even a moderator, but the admin may.
    assert (await post_value(http, server, "clips/permission", "everyone"))[0] == 200
    assert (await clip_as_user(http, server, viewer.token, body))[0] == 201
    assert (await post_value(http, server, "clips/permission", "admin"))[0] == 200
    assert (await clip_as_user(http, server, moderator.token, body))[0] == 403
    status, made = await clip_as_admin(http, server, body)
    assert status == 201 and made["clippedBy"] == "admin"
    # Clips off: nobody.
    assert (await post_value(http, server, "clips/enabled", False))[0] == 200
    assert await clip_as_admin(http, server, body) == (403, {"error": "clips are turned off"})
    _, listed = await get_json(http, server.base_url + "/api/clips")
    assert len(listed) == 3


async def test_a_chat_user_may_cut_ten_clips_an_hour_a_moderator_more(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await add_replay(server, tmp_path, "r", START, finished=True)
    assert (await post_value(http, server, "clips/permission", "everyone"))[0] == 200
    viewer = await register(http, server.base_url, "viewer")
    moderator = await make_moderator(http, server)
    body = {"replayId": "r", "start": 0}
    for _ in range(10):
        assert (await clip_as_user(http, server, viewer.token, body))[0] == 201
    status, refused = await clip_as_user(http, server, viewer.token, body)
    assert status == 429 and "10 clips an hour" in refused["error"]
    for _ in range(11):
        assert (await clip_as_user(http, server, moderator.token, body))[0] == 201


async def test_the_longest_clip_is_the_admins_setting_and_bad_requests_are_400(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await add_long_replay(server, tmp_path, "long", 8)
    assert (await post_value(http, server, "clips/maxduration", 5))[0] == 200
    status, refused = await clip_as_admin(http, server, {"replayId": "long", "start": 1, "end": 6.5})
    assert (status, refused) == (400, {"error": "a clip may be at most 5 seconds long"})
    status, made = await clip_as_admin(http, server, {"replayId": "long", "start": 1, "end": 6})
    assert status == 201 and made["duration"] == 5.0
    for body, code in (
        ({"replayId": "long", "start": 9, "end": 10}, 400),
        ({"replayId": "long", "start": 3, "end": 2}, 400),
        ({"replayId": "long", "start": "noon"}, 400),
        ({"replayId": "nope", "start": 0, "end": 1}, 404),
        ({"start": 0, "end": 1}, 404),  # nothing is live
        ([1, 2], 400),
    ):
        status, answer = await clip_as_admin(http, server, body)
        assert status == code and isinstance(answer["error"], str), (body, answer)
    async with http.post(server.base_url + "/api/admin/clips", data=b"{", headers=admin_auth()) as response:
        assert response.status == 400
    _, listed = await get_json(http, server.base_url + "/api/clips")
    assert len(listed) == 1


async def test_a_clip_is_a_vod_of_whole_segments_its_mp4_is_as_long_and_it_outlives_its_replay(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await add_long_replay(server, tmp_path, "long", 8)
    status, made = await clip_as_admin(
        http, server, {"title": "Middle", "replayId": "long", "start": 2.5, "end": 6}
    )
    assert status == 201
    assert made["duration"] == 4.0  # 2.5-6 rounded out to 2-6
    assert made["startTime"] == "2026-12-02T03:00:02Z" and made["endTime"] == "2026-12-02T03:00:06Z"
    assert made["replayId"] == "long" and made["url"] == f"/clip/{made['id']}"
    assert await get_json(http, f"{server.base_url}/api/clips/{made['id']}") == (200, made)
    assert await get_json(http, server.base_url + "/api/clips/nope") == (404, {"error": "clip not found"})

    # The replay goes (its retention or the admin): the clip keeps its own links to the segments.
    async with http.delete(server.base_url + "/api/admin/replays/long", headers=admin_auth()) as response:
        assert response.status == 200
    assert not (server.data_dir / "recordings" / "long").exists()

    async with http.get(f"{server.base_url}/clip/{made['id']}/stream.m3u8") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/x-mpegURL")
        text = await response.text()
    lines = text.splitlines()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines and lines[-1] == "#EXT-X-ENDLIST"
    assert text.count("#EXT-X-PROGRAM-DATE-TIME:") == text.count("#EXTINF:") == 4
    assert lines[lines.index("#EXTINF:1.000,") - 1] == "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T03:00:02.000Z"
    uris = [line for line in lines if line and not line.startswith("#")]
    uris += [line.split('"')[1] for line in lines if line.startswith("#EXT-X-MAP:")]
    for uri in uris:
        async with http.get(f"{server.base_url}/clip/{made['id']}/{uri}") as response:
            assert response.status == 200, uri

    target = tmp_path / "clip.mp4"
    async with http.get(f"{server.base_url}/clip/{made['id']}/download.mp4") as response:
        assert response.status == 200 and response.headers["Content-Type"] == "video/mp4"
        assert response.headers["Content-Disposition"] == f'attachment; filename="clip-{made["id"]}.mp4"'
        target.write_bytes(await response.read())
    asked = 6 - 2.5
    assert abs(mp4_duration(target) - asked) <= SEGMENT  # within one segment of the request
    assert abs(mp4_duration(target) - made["duration"]) < 0.2

    for path in (
        f"/clip/{made['id']}/media/..%2F..%2Fownstream.db",
        f"/clip/{made['id']}/media/nothere.m4s",
        "/clip/nope/stream.m3u8",
        "/clip/nope/download.mp4",
        "/clip/..%2Frecordings/media/init-long.mp4",
    ):
        async with http.get(server.base_url + path) as response:
            assert response.status == 404, path


async def test_the_admin_deletes_a_clip_and_its_files(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await add_replay(server, tmp_path, "r", START, finished=True)
    _, made = await clip_as_admin(http, server, {"replayId": "r", "start": 0})
    folder = server.data_dir / "clips" / made["id"]
    assert sorted(path.name for path in folder.iterdir()) == [
        "init-r.mp4",
        "stream-r-0.m4s",
        "stream-r-1.m4s",
    ]
    url = f"{server.base_url}/api/admin/clips/{made['id']}"
    async with http.delete(url) as response:
        assert response.status == 401
    async with http.delete(url, headers=admin_auth()) as response:
        assert (response.status, await response.json()) == (200, {"success": True, "message": "clip deleted"})
    assert not folder.exists()
    async with http.delete(url, headers=admin_auth()) as response:
        assert (response.status, await response.json()) == (
            404,
            {"success": False, "message": "clip not found"},
        )
    assert await get_json(http, server.base_url + "/api/clips") == (200, [])
    # The replay's own files were never touched.
    assert (server.data_dir / "recordings" / "r" / "stream-r-1.m4s").is_file()


async def test_clip_created_goes_to_webhooks(
    server: RunningServer, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(server_url="https://tv.example")
    await add_replay(server, tmp_path, "r", START, finished=True)
    async with receiving() as receiver:
        async with http.post(
            server.base_url + "/api/admin/webhooks/create",
            json={"url": receiver.url(), "events": ["CLIP_CREATED"]},
            headers=admin_auth(),
        ) as response:
            assert response.status == 200
        _, made = await clip_as_admin(http, server, {"title": "Hook", "replayId": "r", "start": 0, "end": 1})
        [sent] = await receiver.wait_for(1, "CLIP_CREATED", timeout=5)
    data = sent["eventData"]
    assert data["clip"] == {
        "id": made["id"],
        "title": "Hook",
        "replayId": "r",
        "startTime": made["startTime"],
        "endTime": made["endTime"],
        "duration": made["duration"],
        "clippedBy": "admin",
    }
    page = f"https://tv.example/clip/{made['id']}"
    assert (data["url"], data["playlist"], data["download"]) == (
        page,
        page + "/stream.m3u8",
        page + "/download.mp4",
    )


async def test_the_clip_settings_are_stored_checked_and_in_serverconfig(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async def clip_config() -> object:
        async with http.get(server.base_url + "/api/admin/serverconfig", headers=admin_auth()) as response:
            return (await response.json())["clips"]

    assert await clip_config() == {"enabled": True, "maxDuration": 60, "permission": "moderators"}
    assert (await post_value(http, server, "clips/enabled", False))[0] == 200
    assert (await post_value(http, server, "clips/maxduration", 120))[0] == 200
    assert (await post_value(http, server, "clips/permission", "everyone"))[0] == 200
    stored = {"enabled": False, "maxDuration": 120, "permission": "everyone"}
    assert await clip_config() == stored
    for path, value in (("clips/enabled", 1), ("clips/maxduration", 0), ("clips/maxduration", 3601),
                        ("clips/maxduration", "60"), ("clips/permission", "established"),
                        ("clips/permission", None)):  # fmt: skip
        status, body = await post_value(http, server, path, value)
        assert status == 400 and body["success"] is False, (path, value)
    assert await clip_config() == stored
