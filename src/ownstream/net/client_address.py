"""Who is calling: the one place that turns a request into a client address.

The address is the TCP peer's, unless the peer is one of the operator's trusted reverse proxies
(`--trusted-proxies`). Then `X-Forwarded-For` is read from the right, skipping trusted hops, and the first
address no trusted proxy stands for is the client: everything left of it was written by the client itself
and proves nothing. Caps, back-off, bans, viewer ids, chat clients' `ipAddress` and the access log all
call `client_address(request)`, so a forged header moves none of them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp import web

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_ip(text: str) -> IPAddress | None:
    """An address as proxies and sockets write it (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `::ffff:1.2.3.4`,
    `fe80::1%eth0`), IPv4-mapped IPv6 folded to IPv4; None when it is not an address."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    text = text.partition("%")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """`10.0.0.1, 192.168.0.0/16, ::1` → networks; `ValueError` naming the first bad entry."""
    networks: list[IPNetwork] = []
    for item in text.split(","):
        entry = item.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is neither an IP address nor a CIDR network") from None
    return tuple(networks)


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[IPNetwork, ...] = ()

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
            return False
        return any(address in network for network in self.networks)

    def client_of(self, peer: str, forwarded_for: Iterable[str]) -> str:
        """The client address behind `peer` given the `X-Forwarded-For` header values, in order."""
        peer_ip = parse_ip(peer)
        if peer_ip is None:
            return peer
        if peer_ip not in self:
            return str(peer_ip)
        hops = [hop for value in forwarded_for for hop in value.split(",")]
        nearest = peer_ip
        for hop in reversed(hops):
            address = parse_ip(hop)
            if address is None:
                # Not an address, so no trusted proxy wrote it: the last hop we could vouch for stands.
                break
            if address not in self:
                return str(address)
            nearest = address
        return str(nearest)


TRUSTED_PROXIES = web.AppKey("trusted_proxies", TrustedProxies)
_CLIENT_ADDRESS = web.RequestKey("client_address", str)


def client_address(request: web.BaseRequest, proxies: TrustedProxies | None = None) -> str:
    """The calling client's address (see the module text); "" when the peer has no IP (a Unix socket).

    Route handlers and middlewares pass only the request (the trusted proxies come from the app); code
    that sees requests before routing, such as an access logger, may pass `proxies` itself.
    """
    cached = request.get(_CLIENT_ADDRESS)
    if isinstance(cached, str):
        return cached
    if proxies is None:
        proxies = _proxies(request)
    peer = request.remote or ""
    if proxies.networks:
        address = proxies.client_of(peer, request.headers.getall("X-Forwarded-For", ()))
    else:
        parsed = parse_ip(peer)
        address = str(parsed) if parsed is not None else peer
    request[_CLIENT_ADDRESS] = address
    return address


def from_trusted_proxy(request: web.BaseRequest) -> bool:
    """Whether the TCP peer is a trusted proxy, so its `X-Forwarded-*` headers may be believed."""
    proxies = _proxies(request)
    return bool(proxies.networks) and parse_ip(request.remote or "") in proxies


def _proxies(request: web.BaseRequest) -> TrustedProxies:
    try:
        app = request.app if isinstance(request, web.Request) else None
    except (AssertionError, AttributeError):
        app = None  # not routed yet (aiohttp's own 400s): no app to ask
    if app is None:
        return TrustedProxies()
    return app.get(TRUSTED_PROXIES) or TrustedProxies()
