"""Prometheus exposition (`/api/admin/prometheus`, `/metrics`) and `/api/health` on a real server.

Scrapes are parsed with `prometheus_client.parser`, the way a Prometheus server reads them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from ownstream import __version__
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.webhooks.receiver import receiving

OWNCAST_GAUGES = (
    "ownstream_instance_active_viewer_count",
    "ownstream_instance_active_chat_client_count",
    "ownstream_instance_total_chat_users",
    "ownstream_instance_current_chat_message_count",
    "ownstream_instance_playback_error_count",
    "ownstream_instance_cpu_usage",
)
METRICS_TOKEN = "scrape-me-0123456789"


async def scrape(http: aiohttp.ClientSession, server: RunningServer) -> dict[str, list[Sample]]:
    async with http.get(server.base_url + "/api/admin/prometheus", headers=admin_auth()) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await response.text()
    samples: dict[str, list[Sample]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: dict[str, list[Sample]], name: str, **labels: str) -> float:
    matching = [s for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(matching) == 1, (name, labels, samples.get(name))
    return float(matching[0].value)


async def test_the_admin_route_needs_credentials(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/admin/prometheus") as response:
        assert response.status == 401
    async with http.options(server.base_url + "/api/admin/prometheus") as response:
        assert response.status == 204


async def test_owncast_gauges_with_their_labels(server: RunningServer, http: aiohttp.ClientSession) -> None:
    samples = await scrape(http, server)
    for name in OWNCAST_GAUGES:
        [sample] = samples[name]
        assert sample.labels == {"version": __version__, "host": "unknown"}
    [total] = samples["ownstream_total_chat_message_count"]
    assert total.labels == {"version": __version__, "host": ""}  # Owncast puts the raw server URL here
    assert value(samples, "ownstream_stream_online") == 0
    assert "process_resident_memory_bytes" in samples and "process_cpu_seconds_total" in samples
    assert "python_info" in samples

    assert server.server.services is not None
    await server.server.services.config.update(server_url="https://video.example.org")
    samples = await scrape(http, server)
    [sample] = samples["ownstream_instance_active_viewer_count"]
    assert sample.labels["host"] == "https://video.example.org"


async def test_values_move_with_chat_and_webhooks(server: RunningServer, http: aiohttp.ClientSession) -> None:
    before = await scrape(http, server)
    assert value(before, "ownstream_chat_messages_total") == 0
    async with receiving() as receiver:
        async with http.post(
            server.base_url + "/api/admin/webhooks/create",
            json={"url": receiver.url(), "events": ["CHAT"]},
            headers=admin_auth(),
        ) as response:
            assert response.status == 200
        user = await register(http, server.base_url, "counter")
        socket = await ChatSocket.open(http, server.base_url, user.token)
        await socket.expect("CONNECTED_USER_INFO")
        await socket.chat("one message")
        await socket.expect("CHAT")
        await receiver.wait_for(1, "CHAT")
        for _ in range(50):  # the delivery is counted once the receiver's answer is read
            after = await scrape(http, server)
            if value(after, "ownstream_webhook_deliveries_total") == 1:
                break
            await asyncio.sleep(0.05)
        await socket.ws.close()
    assert value(after, "ownstream_chat_messages_total") == 1
    assert value(after, "ownstream_total_chat_message_count") == 1
    assert value(after, "ownstream_instance_current_chat_message_count") == 1
    assert (
        value(after, "ownstream_instance_total_chat_users")
        == value(before, "ownstream_instance_total_chat_users") + 1
    )
    assert value(after, "ownstream_instance_active_chat_client_count") == 1
    assert value(after, "ownstream_webhook_deliveries_total") == 1
    assert value(after, "ownstream_webhook_delivery_failures_total") == 0


async def test_http_requests_are_counted_by_route_pattern(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    for path in ("/hls/0/stream.m3u8", "/hls/1/other.m3u8", "/api/status", "/no/such/thing/x1"):
        async with http.get(server.base_url + path):
            pass
    samples = await scrape(http, server)
    requests = samples["ownstream_http_requests_total"]
    routes = {sample.labels["route"] for sample in requests}
    assert not any("stream.m3u8" in route or "x1" in route for route in routes)  # patterns, not raw paths
    hls = [s for s in requests if s.labels["route"].startswith("/hls/")]
    assert sum(s.value for s in hls) == 2 and {s.labels["status"] for s in hls} == {"404"}
    assert (
        value(samples, "ownstream_http_requests_total", method="GET", route="/api/status", status="200") == 1
    )
    assert any(
        s.labels["route"] == "/api/status" for s in samples["ownstream_http_request_duration_seconds_count"]
    )


async def test_metrics_route_without_a_token_is_absent(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.get(
        server.base_url + "/metrics", headers={"Authorization": "Bearer anything"}
    ) as response:
        assert response.status == 404


@pytest.fixture
async def scraped_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = replace(make_settings(tmp_path / "scraped"), metrics_token=METRICS_TOKEN)
    async with running_server(tmp_path / "scraped", settings) as running:
        yield running


async def test_metrics_route_with_a_token(scraped_server: RunningServer, http: aiohttp.ClientSession) -> None:
    url = scraped_server.base_url + "/metrics"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {METRICS_TOKEN}"}):
        async with http.get(url, headers=headers) as response:
            assert response.status == 401
            assert response.headers["WWW-Authenticate"] == "Bearer"
    async with http.get(url, headers={"Authorization": f"Bearer {METRICS_TOKEN}"}) as response:
        assert response.status == 200
        names = {family.name for family in text_string_to_metric_families(await response.text())}
    assert "ownstream_instance_active_viewer_count" in names


async def test_two_servers_in_one_process_keep_their_own_metrics(
    server: RunningServer, scraped_server: RunningServer, http: aiohttp.ClientSession
) -> None:
    user = await register(http, server.base_url, "only-here")
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.expect("CONNECTED_USER_INFO")
    await socket.chat("counted once")
    await socket.expect("CHAT")
    first, second = await scrape(http, server), await scrape(http, scraped_server)
    await socket.ws.close()
    assert value(first, "ownstream_chat_messages_total") == 1
    assert value(second, "ownstream_chat_messages_total") == 0


async def test_health_is_ok(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/health") as response:
        assert response.status == 200
        document = await response.json()
    assert document["ok"] is True
    assert document["database"] == {"ok": True} and document["ffmpeg"] == {"ok": True}
    assert document["disk"]["ok"] is True and document["disk"]["freeBytes"] > 0


async def test_health_fails_without_ffmpeg(
    server: RunningServer, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", "/nonexistent/ffmpeg")  # how a user points at their own binary
    async with http.get(server.base_url + "/api/health") as response:
        assert response.status == 503
        document = await response.json()
    assert document["ok"] is False and document["ffmpeg"] == {"ok": False}
    assert document["database"] == {"ok": True}
