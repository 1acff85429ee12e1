"""A media process and two web processes (`--role media|web`) over one PostgreSQL and one Redis, all real
processes: the stream pushed to the media process is online on both web processes, `/hls/` asked of a web
process is answered by the media process (which counts the viewer under the client's own address), a
simulcast destination written through a web process is forwarded by the media process at once (and its
status read through any process is the media process's), a logout through one process ends the session
on the others within a second, and a web process that dies leaves the other serving its clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.api.admin_login import log_in
from tests.chat.client import ChatSocket, register
from tests.cluster.conftest import started_redis
from tests.cluster.nodes import STREAM_KEY, Node, flag_value, start_node
from tests.harness import admin_auth
from tests.media import Clip, encode_clip, start_publisher, stop_process
from tests.postgres import database_url_for
from tests.rtmp_peers import FfmpegListener

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cluster-processes")]

VIEWER_ADDRESS = "127.0.0.2"
"""A loopback address of its own for the viewer, so the media process can tell it from the web process
that forwards its requests (127.0.0.1)."""


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return encode_clip(tmp_path_factory.mktemp("media") / "clip.flv")


@pytest.fixture(scope="module")
def site(
    postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Node, Node, Node]]:
    root = tmp_path_factory.mktemp("roles")
    database_url = database_url_for(postgres_admin_url, root)
    redis = started_redis()
    started: list[Node] = []
    try:
        media = start_node(
            root / "media", database_url, redis.url, 0, "--role", "media", "--trusted-proxies", "127.0.0.1"
        )
        started.append(media)
        for slot in (1, 2):
            started.append(
                start_node(
                    root / f"web{slot}",
                    database_url,
                    redis.url,
                    slot,
                    "--role",
                    "web",
                    "--media-url",
                    media.base_url,
                )
            )
        yield started[0], started[1], started[2]
    finally:
        for node in started:
            node.stop()
        redis.remove()


async def status(http: aiohttp.ClientSession, node: Node) -> dict[str, object]:
    async with http.get(node.base_url + "/api/status") as response:
        return dict(await response.json())


async def wait_for(check: object, what: str, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


@pytest.fixture
async def viewer() -> AsyncIterator[aiohttp.ClientSession]:
    connector = aiohttp.TCPConnector(local_addr=(VIEWER_ADDRESS, 0))
    async with aiohttp.ClientSession(connector=connector) as session:
        yield session


async def test_a_stream_on_the_media_process_is_online_and_playable_through_both_web_processes(
    site: tuple[Node, Node, Node], clip: Clip, viewer: aiohttp.ClientSession
) -> None:
    media, web_a, web_b = site
    assert not (await status(viewer, web_a))["online"]
    publisher = await start_publisher(clip, f"rtmp://127.0.0.1:{media.rtmp_port}/live/{STREAM_KEY}")
    try:

        async def online_everywhere() -> bool:
            return all([(await status(viewer, node))["online"] for node in site])

        await wait_for(online_everywhere, "online on every process")
        web_status = await status(viewer, web_b)
        assert web_status["lastConnectTime"] == (await status(viewer, media))["lastConnectTime"] is not None

        async with viewer.get(web_a.base_url + "/hls/stream.m3u8") as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            master = await response.text()
        assert master.startswith("#EXTM3U")
        variant = next(line for line in master.splitlines() if line and not line.startswith("#"))
        async with viewer.get(f"{web_a.base_url}/hls/{variant}") as response:
            assert response.status == 200
            assert "#EXT-X-TARGETDURATION" in await response.text()

        async def counted_as_itself() -> bool:
            async with viewer.get(
                media.base_url + "/api/admin/viewers", headers=admin_auth(STREAM_KEY)
            ) as answer:
                return VIEWER_ADDRESS in {entry["ipAddress"] for entry in await answer.json()}

        await wait_for(counted_as_itself, "the media process to count the viewer under its own address", 5)

        async def viewer_counted_on_web() -> bool:
            return (await status(viewer, web_b))["viewerCount"] == 1

        await wait_for(viewer_counted_on_web, "the other web process to count the viewer", 10)

        # An admin's disconnect through a web process ends the stream where it is.
        async with viewer.post(
            web_b.base_url + "/api/admin/disconnect", headers=admin_auth(STREAM_KEY)
        ) as answer:
            assert (await answer.json())["success"] is True

        async def offline_everywhere() -> bool:
            return not any([(await status(viewer, node))["online"] for node in site])

        await wait_for(offline_everywhere, "offline on every process")
    finally:
        await stop_process(publisher)


RESTREAM = "/api/admin/restream"


async def restream_statuses(http: aiohttp.ClientSession, node: Node) -> dict[int, dict[str, object]]:
    async with http.get(node.base_url + RESTREAM + "/status", headers=admin_auth(STREAM_KEY)) as response:
        assert response.status == 200, await response.text()
        return {entry["id"]: entry for entry in await response.json()}


async def test_simulcast_written_through_a_web_process_is_forwarded_by_the_media_process_at_once(
    site: tuple[Node, Node, Node], clip: Clip, tmp_path: Path
) -> None:
    media, web_a, web_b = site
    listener = FfmpegListener(tmp_path / "listener")
    await listener.start()
    publisher = await start_publisher(clip, f"rtmp://127.0.0.1:{media.rtmp_port}/live/{STREAM_KEY}")
    try:
        async with aiohttp.ClientSession() as http:

            async def online() -> bool:
                return bool((await status(http, media))["online"])

            await wait_for(online, "the stream online on the media process")
            dashboard = await log_in(http, web_a.base_url)  # the cookie and its CSRF token, relayed
            create = web_a.base_url + RESTREAM + "/destinations/create"
            async with http.post(
                create, json={"name": "Nowhere", "url": "http://example.com/"}, headers=dashboard.headers()
            ) as answer:
                assert answer.status == 400, "the media process's refusal, passed back"
                assert (await answer.json())["success"] is False
            async with http.post(create, json={"name": "Listener", "url": listener.url}) as answer:
                assert answer.status == 401, "no credentials: refused by the web process itself"
            async with http.post(
                create, json={"name": "Listener", "url": listener.url}, headers=dashboard.headers()
            ) as answer:
                assert answer.status == 200, await answer.text()
                created = await answer.json()
            destination = int(created["id"])

            async def live_through_the_other_web_process() -> bool:
                return (await restream_statuses(http, web_b))[destination]["state"] == "live"

            await wait_for(live_through_the_other_web_process, "the destination live, read through B", 20)

            async def listener_receives() -> bool:
                return len(listener.segments()) >= 1

            await wait_for(listener_receives, "segments at the RTMP receiver", 20)
            through_b = (await restream_statuses(http, web_b))[destination]
            on_media = (await restream_statuses(http, media))[destination]
            assert {key: through_b[key] for key in ("name", "state", "restarts", "lastError")} == {
                key: on_media[key] for key in ("name", "state", "restarts", "lastError")
            }
            assert through_b["uptime"] is not None and int(str(through_b["bytesSent"])) > 0
            async with http.get(
                web_b.base_url + RESTREAM + "/destinations", headers=admin_auth(STREAM_KEY)
            ) as answer:
                assert [entry["url"] for entry in await answer.json()] == [listener.url]

            # Deleted through B: the media process stops the forwarder, so the receiver's one publisher
            # goes and it exits.
            async with http.post(
                web_b.base_url + RESTREAM + "/destinations/delete",
                json={"id": destination},
                headers=admin_auth(STREAM_KEY),
            ) as answer:
                assert (await answer.json())["success"] is True

            async def receiver_left() -> bool:
                return listener.process is not None and listener.process.returncode is not None

            await wait_for(receiver_left, "the forwarder stopped by the media process", 15)
            assert await restream_statuses(http, web_a) == {}
    finally:
        await stop_process(publisher)
        await listener.stop()


async def test_a_logout_through_one_process_ends_the_session_on_the_others_within_a_second(
    site: tuple[Node, Node, Node],
) -> None:
    media, web_a, web_b = site
    async with aiohttp.ClientSession() as http:
        dashboard = await log_in(http, web_a.base_url)
        for node in (web_b, media):
            async with http.get(node.base_url + "/api/admin/status", headers=dashboard.headers()) as answer:
                assert answer.status == 200, "one session secret for the whole site"
        async with http.post(
            web_a.base_url + "/admin/logout",
            json={"csrf": dashboard.csrf},
            headers={"Cookie": dashboard.cookie},
        ) as answer:
            assert answer.status == 200

        async def refused_everywhere() -> bool:
            for node in (web_b, media):
                async with http.get(
                    node.base_url + "/api/admin/status", headers=dashboard.headers()
                ) as answer:
                    if answer.status != 401:
                        return False
            return True

        await wait_for(refused_everywhere, "the cookie refused on the other processes", 1.0)


async def test_a_web_process_that_dies_leaves_the_other_serving_and_its_clients_reconnect_there(
    site: tuple[Node, Node, Node], tmp_path: Path
) -> None:
    media, _, web_b = site
    doomed = start_node(
        tmp_path / "web3",
        flag_value(media, "--database-url"),
        flag_value(media, "--redis-url"),
        3,
        "--role", "web", "--media-url", media.base_url,
    )  # fmt: skip
    try:
        async with aiohttp.ClientSession() as http:
            user = await register(http, doomed.base_url, "wanderer")
            on_doomed = await ChatSocket.open(http, doomed.base_url, user.token)
            await on_doomed.expect("CONNECTED_USER_INFO")
            listener = await ChatSocket.open(
                http, web_b.base_url, (await register(http, web_b.base_url)).token
            )
            await listener.expect("CONNECTED_USER_INFO")
            doomed.kill()
            with pytest.raises((ConnectionError, aiohttp.ClientError, TimeoutError)):
                while True:
                    await on_doomed.next(10)
            # The client comes back through the other process, with the same token.
            on_b = await ChatSocket.open(http, web_b.base_url, user.token)
            info = await on_b.expect("CONNECTED_USER_INFO")
            assert info["user"]["id"] == user.id
            await on_b.chat("back again")
            message = await listener.expect("CHAT")
            assert message["user"]["id"] == user.id
            assert (await status(http, web_b))["versionNumber"]
    finally:
        doomed.kill()
