"""The rule for stranger-aimed outbound requests: public addresses only, checked on every resolved
address, and the connection made to the address that was checked."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from ownstream.net.public_address import (
    PrivateAddressRefused,
    PublicAddressResolver,
    is_public_address,
    refuse_private_literal,
)


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
        "2001:db8::1",  # documentation
    ],
)
def test_not_public(text: str) -> None:
    assert not is_public_address(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:1.1.1.1"])
def test_public(text: str) -> None:
    assert is_public_address(ipaddress.ip_address(text))


def test_literals() -> None:
    for host in ("127.0.0.1", "::1", "[::1]", "10.0.0.1"):
        with pytest.raises(PrivateAddressRefused):
            refuse_private_literal(host)
    refuse_private_literal("1.1.1.1")
    refuse_private_literal("social.example")  # names are the resolver's job


class FixedResolver(AbstractResolver):
    """A DNS answer chosen by the test (no real name server on this box resolves to both kinds)."""

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(hostname=host, host=address, port=port, family=family, proto=0, flags=0)
            for address in self.addresses
        ]

    async def close(self) -> None:
        pass


async def test_a_host_with_any_private_address_is_refused() -> None:
    resolver = PublicAddressResolver(FixedResolver(["93.184.216.34", "127.0.0.1"]))
    with pytest.raises(PrivateAddressRefused):
        await resolver.resolve("rebind.example", 443)


async def test_public_answers_pass_through_unchanged() -> None:
    resolver = PublicAddressResolver(FixedResolver(["93.184.216.34", "2606:4700:4700::1111"]))
    results = await resolver.resolve("social.example", 443)
    assert [result["host"] for result in results] == ["93.184.216.34", "2606:4700:4700::1111"]


async def test_the_real_resolver_refuses_localhost() -> None:
    with pytest.raises(PrivateAddressRefused):
        await PublicAddressResolver().resolve("localhost", 80)
