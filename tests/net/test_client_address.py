"""Who is calling: the peer address, or the right-most untrusted X-Forwarded-For hop behind a trusted
proxy. A client-supplied X-Forwarded-For must not move viewer ids, chat clients' ipAddress or caps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from ownstream.net.client_address import TrustedProxies, parse_ip, parse_networks
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth, make_settings, running_server

PROXIES = TrustedProxies(parse_networks("10.0.0.0/8, 192.168.1.5, fd00::/8"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # An untrusted peer: its header is ignored, whatever it says.
        ("203.0.113.7", ["1.2.3.4"], "203.0.113.7"),
        ("203.0.113.7", [], "203.0.113.7"),
        # A trusted proxy: the right-most hop it does not vouch for.
        ("10.0.0.2", ["198.51.100.9"], "198.51.100.9"),
        ("10.0.0.2", ["6.6.6.6, 198.51.100.9"], "198.51.100.9"),  # the client prepended 6.6.6.6
        ("10.0.0.2", ["6.6.6.6", "198.51.100.9, 192.168.1.5"], "198.51.100.9"),  # two headers, two proxies
        ("10.0.0.2", ["198.51.100.9:4711"], "198.51.100.9"),
        ("10.0.0.2", ["[2001:db8::5]:4711"], "2001:db8::5"),
        ("10.0.0.2", ["::ffff:198.51.100.9"], "198.51.100.9"),
        # Nothing untrusted left: the furthest hop a trusted proxy named.
        ("10.0.0.2", ["10.9.9.9, 192.168.1.5"], "10.9.9.9"),
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["not-an-address, 10.1.1.1"], "10.1.1.1"),
        ("10.0.0.2", ["198.51.100.9, junk"], "10.0.0.2"),
        ("fd00::1", ["2001:db8::9"], "2001:db8::9"),
        ("::ffff:10.0.0.2", ["198.51.100.9"], "198.51.100.9"),
    ],
)
def test_client_of(peer: str, forwarded: list[str], client: str) -> None:
    assert PROXIES.client_of(peer, forwarded) == client


def test_parse() -> None:
    assert [str(n) for n in parse_networks(" 127.0.0.1 ,10.0.0.0/8,, ::1")] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
    ]
    with pytest.raises(ValueError, match="nonsense"):
        parse_networks("10.0.0.1, nonsense")
    assert parse_ip("fe80::1%eth0") is not None
    assert parse_ip("example.com") is None


async def ping_as(http: aiohttp.ClientSession, server: RunningServer, forwarded: str) -> None:
    headers = {"X-Forwarded-For": forwarded, "User-Agent": "same-browser"}
    async with http.get(server.base_url + "/api/ping", headers=headers) as response:
        assert response.status == 200


def viewer_count(server: RunningServer) -> int:
    assert server.server.services is not None
    return server.server.services.stats.viewers.count


async def chat_client_address(http: aiohttp.ClientSession, server: RunningServer, forwarded: str) -> str:
    user = await register(http, server.base_url)
    ws = await http.ws_connect(
        server.base_url + "/ws?accessToken=" + user.token, headers={"X-Forwarded-For": forwarded}
    )
    socket = ChatSocket(ws)
    await socket.next()
    async with http.get(server.base_url + "/api/admin/chat/clients", headers=admin_auth()) as response:
        clients = await response.json()
    await socket.close()
    return str(clients[0]["ipAddress"])


async def test_a_forged_header_is_ignored_by_default(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3, 4.4.4.4"):
            await ping_as(http, server, forged)
        assert viewer_count(server) == 1
        assert await chat_client_address(http, server, "5.5.5.5") == "127.0.0.1"


async def test_behind_a_trusted_proxy_the_forwarded_client_counts(tmp_path: Path) -> None:
    settings = replace(make_settings(tmp_path / "data"), trusted_proxies=parse_networks("127.0.0.1"))
    async with running_server(tmp_path / "data", settings) as server, aiohttp.ClientSession() as http:
        for forwarded in ("1.1.1.1", "2.2.2.2", "9.9.9.9, 2.2.2.2"):
            await ping_as(http, server, forwarded)
        assert viewer_count(server) == 2
        assert await chat_client_address(http, server, "6.6.6.6, 5.5.5.5") == "5.5.5.5"
