"""Outbound requests that a stranger can aim (remote-follow lookups, later federation deliveries) may
only reach public addresses: never this box, its LAN, link-local or multicast ranges, or reserved space.

Every address a host name resolves to is checked, and the connection goes to the addresses that were
checked (the resolver below hands them to aiohttp's connector), so a DNS answer that changes between a
check and the connect cannot smuggle in a private address. Webhooks do not use this: their targets are
chosen by the admin, and bots often listen on the same box.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from ownstream.net.client_address import IPAddress, parse_ip

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class PrivateAddressRefused(OSError):
    """The target is (or resolves to) an address outbound requests may not reach."""


def is_public_address(address: IPAddress) -> bool:
    """A globally routable unicast address, also when wrapped in IPv6 (mapped, 6to4, Teredo, NAT64)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    ):
        return False
    return address.is_global


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refuse_private_literal(host: str) -> None:
    """`PrivateAddressRefused` when `host` is an IP literal that is not public (aiohttp connects to
    literals without asking the resolver, so they are checked here)."""
    address = parse_ip(host)
    if address is not None and not is_public_address(address):
        raise PrivateAddressRefused(f"{host} is not a public address")


class PublicAddressResolver(AbstractResolver):
    """Resolves as usual, then refuses the whole host if any of its addresses is not public."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner if inner is not None else DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            address = parse_ip(result["host"])
            if address is None or not is_public_address(address):
                raise PrivateAddressRefused(f"{host} resolves to an address that is not public")
        return results

    async def close(self) -> None:
        await self._inner.close()


def outbound_connector(
    *, allow_private: bool, ssl_context: ssl.SSLContext | None = None
) -> aiohttp.TCPConnector:
    """A connector for stranger-aimed requests; `allow_private` (the operator's
    `--allow-private-addresses`) lifts the rule, for tests and closed networks."""
    verify: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
    if allow_private:
        return aiohttp.TCPConnector(ssl=verify)
    return aiohttp.TCPConnector(resolver=PublicAddressResolver(), ssl=verify)
