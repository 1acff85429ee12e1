"""The stream key never reaches a log, even at debug level.

A real server at `--loglevel debug` (and again with `--debug-libraries`) sees the key every way it can: a
publish with the right key and with wrong ones, admin requests with Basic auth (right and wrong
passwords), the key changed through the admin API, and the old key tried again. Keys are 24 random
characters, so any occurrence is a leak. Every file under the log dir, the console output and
`/api/admin/logs` are searched, for the key itself and for the Base64 form a logged Authorization header
would carry.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import secrets
import string
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.cli_process import CliServer, cli_server
from tests.e2e.waiting import wait_until
from tests.harness import admin_auth, basic_auth
from tests.media import FFMPEG, Clip, start_publisher, stop_process

pytestmark = pytest.mark.e2e


def random_key() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24))


async def publish_refused(server: CliServer, clip: Clip, key: str) -> None:
    """ffmpeg pushing with `key` must give up (the server refuses the publish)."""
    process = await asyncio.create_subprocess_exec(
        FFMPEG, "-hide_banner", "-loglevel", "error", "-re", "-i", str(clip.path), "-t", "2",
        "-c", "copy", "-f", "flv", server.rtmp_url(key),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert await asyncio.wait_for(process.wait(), 20) != 0


async def status_online(http: aiohttp.ClientSession, server: CliServer) -> bool:
    async with http.get(server.base_url + "/api/status") as response:
        return bool((await response.json())["online"])


def secret_forms(secret: str) -> list[str]:
    """The secret, and the Base64 of Basic credentials carrying it (as in a logged header)."""
    return [secret, base64.b64encode(f"admin:{secret}".encode()).decode()]


@dataclasses.dataclass(frozen=True)
class Logged:
    secrets: dict[str, str]
    """What must never appear, by name."""
    texts: dict[str, str]
    """Every log the run produced, by where it came from."""


async def exercise_the_keys(tmp_path: Path, clip: Clip, *flags: str) -> Logged:
    data_dir = tmp_path / "data"
    first_key, second_key, wrong_key, wrong_password = (random_key() for _ in range(4))
    async with (
        cli_server(data_dir, "--loglevel", "debug", *flags, "--streamkey", first_key) as server,
        aiohttp.ClientSession() as http,
    ):
        admin_status = server.base_url + "/api/admin/status"
        for headers, expected in ((admin_auth(first_key), 200), (basic_auth("admin", wrong_password), 401)):
            for _ in range(3):
                async with http.get(admin_status, headers=headers) as response:
                    assert response.status == expected

        await publish_refused(server, clip, wrong_key)
        async with http.post(
            server.base_url + "/api/admin/config/video/streamlatencylevel",
            json={"value": 0},
            headers=admin_auth(first_key),
        ) as response:
            assert response.status == 200
        publisher = await start_publisher(clip, server.rtmp_url(first_key))
        try:
            await wait_until(lambda: status_online(http, server), 30, "the stream to go online")
            await publish_refused(server, clip, first_key)  # a second publisher while live
        finally:
            await stop_process(publisher)

        async with http.post(
            server.base_url + "/api/admin/config/key",
            json={"value": second_key},
            headers=admin_auth(first_key),
        ) as response:
            assert response.status == 200
        async with http.get(admin_status, headers=admin_auth(first_key)) as response:
            assert response.status == 401
        async with http.get(admin_status, headers=admin_auth(second_key)) as response:
            assert response.status == 200
        await publish_refused(server, clip, first_key)

        async with http.get(server.base_url + "/api/admin/logs", headers=admin_auth(second_key)) as response:
            assert response.status == 200
            buffered = await response.text()
        assert await server.stop() == 0

    texts = {
        str(path): path.read_text(errors="replace")
        for path in (data_dir / "logs").rglob("*")
        if path.is_file()
    }
    texts["console"] = server.console.read_text(errors="replace")
    texts["/api/admin/logs"] = buffered
    assert " DEBUG " in texts[str(data_dir / "logs" / "ownstream.log")]  # the level really was debug
    return Logged(
        secrets={
            "first key": first_key,
            "second key": second_key,
            "wrong key": wrong_key,
            "wrong password": wrong_password,
        },
        texts=texts,
    )


def leaks(logged: Logged) -> list[str]:
    """Every line, in every log, that carries a secret in any form."""
    return [
        f"{name} in {where}: {line[:200]}"
        for where, text in logged.texts.items()
        for line in text.splitlines()
        for name, secret in logged.secrets.items()
        for form in secret_forms(secret)
        if form in line
    ]


async def test_stream_keys_never_reach_a_log_at_debug_level(tmp_path: Path, clip: Clip) -> None:
    assert leaks(await exercise_the_keys(tmp_path, clip)) == []


async def test_stream_keys_never_reach_a_log_with_library_debugging(tmp_path: Path, clip: Clip) -> None:
    assert leaks(await exercise_the_keys(tmp_path, clip, "--debug-libraries")) == []
