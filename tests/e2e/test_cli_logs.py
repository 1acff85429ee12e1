"""The real command's logs: no secret in any line, one line for client-caused errors, the access log,
audit lines for configuration changes, JSON lines."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.cli_process import cli_server
from tests.harness import admin_auth

pytestmark = pytest.mark.e2e

TOKEN = "Sup3rSecretAccessT0ken"


async def raw_exchange(port: int, data: bytes, *, read: bool = True) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(200), 5) if read else b""
    writer.close()
    await writer.wait_closed()
    return answer


async def test_a_token_in_an_overlong_request_line_never_reaches_the_log(tmp_path: Path) -> None:
    async with cli_server(tmp_path / "data", "--loglevel", "debug") as server:
        line = f"GET /api/admin/status?accessToken={TOKEN}&pad={'a' * 9000} HTTP/1.1\r\nHost: x\r\n\r\n"
        answer = await raw_exchange(server.web_port, line.encode())
        assert answer.startswith(b"HTTP/1.0 400") or answer.startswith(b"HTTP/1.1 400")
        # The same token in an ordinary request, with a Bearer header and the stream key in a path.
        async with aiohttp.ClientSession() as http:
            async with http.get(
                f"{server.base_url}/api/integrations/clients?accessToken={TOKEN}",
                headers={"Authorization": f"Bearer {TOKEN}"},
            ) as response:
                assert response.status == 401
            async with http.get(f"{server.base_url}/hls/abc123/stream.m3u8") as response:
                assert response.status == 404
        assert await server.stop() == 0
    for text in (server.log_text(), server.log_text("access.log"), server.console.read_text()):
        assert TOKEN not in text
        assert "abc123" not in text
        assert "Traceback" not in text
    assert "Error handling request from 127.0.0.1: LineTooLong (HTTP 400)" in server.log_text()


async def test_a_client_leaving_mid_body_is_one_line(tmp_path: Path) -> None:
    async with cli_server(tmp_path / "data") as server:
        head = (
            "POST /api/chat/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            'Content-Length: 1000\r\n\r\n{"displayName":'
        )
        await raw_exchange(server.web_port, head.encode(), read=False)
        auth = admin_auth()["Authorization"]
        setter = (
            f"POST /api/admin/config/name HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n"
            'Content-Length: 500\r\n\r\n{"value":'
        )
        await raw_exchange(server.web_port, setter.encode(), read=False)

        async def logged() -> bool:
            return server.log_text().count("client left during") >= 2

        for _ in range(50):
            if await logged():
                break
            await asyncio.sleep(0.1)
        assert await server.stop() == 0
    text = server.log_text()
    assert "client left during POST /api/chat/register" in text
    assert "client left during POST /api/admin/config/name" in text
    assert "Traceback" not in text and "Traceback" not in server.console.read_text()
    assert "ERROR" not in text


async def test_access_log_and_json_lines(tmp_path: Path) -> None:
    async with cli_server(tmp_path / "data", "--access-log", "--log-format", "json") as server:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{server.base_url}/api/status?accessToken={TOKEN}") as response:
                assert response.status == 200
            async with http.get(
                f"{server.base_url}/api/admin/status", headers={**admin_auth(), "User-Agent": "probe/1.0"}
            ) as response:
                assert response.status == 200
        assert await server.stop() == 0
    access = [json.loads(line) for line in server.log_text("access.log").splitlines()]
    messages = [entry["message"] for entry in access]
    assert any(
        m.startswith('127.0.0.1 "GET /api/status?accessToken=[redacted] HTTP/1.1" 200') for m in messages
    )
    assert any('"GET /api/admin/status HTTP/1.1" 200' in m and m.endswith('"probe/1.0"') for m in messages)
    assert all(entry["logger"] == "ownstream.access" for entry in access)
    credentials = admin_auth()["Authorization"].split()[1]
    assert TOKEN not in server.log_text("access.log") and credentials not in server.log_text("access.log")
    for line in server.log_text().splitlines():  # the main log is JSON too, line by line
        document = json.loads(line)
        assert {"time", "level", "logger", "message"} <= set(document)
    assert "/api/status" not in server.log_text()  # access lines stay out of the main log


async def test_access_log_is_off_by_default(tmp_path: Path) -> None:
    async with cli_server(tmp_path / "data") as server:
        async with aiohttp.ClientSession() as http, http.get(f"{server.base_url}/api/status") as response:
            assert response.status == 200
        assert await server.stop() == 0
    access = server.data_dir / "logs" / "access.log"
    assert not access.exists() or "/api/status" not in access.read_text()


async def test_configuration_changes_are_audited_without_secrets(tmp_path: Path) -> None:
    new_key = "a-brand-new-stream-key"
    async with cli_server(tmp_path / "data") as server:
        async with aiohttp.ClientSession() as http:
            for path, value in (("name", "Night Owls"), ("video/streamlatencylevel", 4), ("key", new_key)):
                async with http.post(
                    f"{server.base_url}/api/admin/config/{path}", json={"value": value}, headers=admin_auth()
                ) as response:
                    assert response.status == 200, await response.text()
            s3 = {
                "enabled": False,
                "endpoint": "http://127.0.0.1:9",
                "accessKey": "AK",
                "secret": "s3-secret-value",
            }
            async with http.post(
                f"{server.base_url}/api/admin/config/s3", json={"value": s3}, headers=admin_auth(new_key)
            ) as response:
                assert response.status == 200, await response.text()
        assert await server.stop() == 0
    text = server.log_text()
    assert "ownstream.audit: setting server_name changed" in text
    assert "ownstream.audit: setting video_latency_level changed to 4" in text
    assert "ownstream.audit: setting stream_key changed" in text
    assert "ownstream.audit: setting s3 changed (endpoint, access_key, secret)" in text
    assert new_key not in text and "s3-secret-value" not in text
