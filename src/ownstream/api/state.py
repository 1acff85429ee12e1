"""What route handlers can reach: the services the composition root built, under one typed app key."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.events import EventBus
from ownstream.logbuffer import LogBuffer
from ownstream.settings import Settings
from ownstream.stream.lifecycle import StreamLifecycle
from ownstream.stream.logo import LogoStore
from ownstream.stream.stats import StreamStats


@dataclass(frozen=True)
class Services:
    settings: Settings
    config: ConfigService
    bus: EventBus
    clock: Clock
    stats: StreamStats
    lifecycle: StreamLifecycle
    logo: LogoStore
    logs: LogBuffer


SERVICES = web.AppKey("services", Services)


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def client_ip(request: web.Request) -> str:
    """Owncast uses the whole X-Forwarded-For value when present, else the peer address."""
    forwarded = request.headers.get("X-Forwarded-For")
    if forwarded:
        return forwarded
    return request.remote or ""
