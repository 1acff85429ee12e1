"""The composition root: builds every service from settings in dependency order, starts and stops them
in order. Nothing else constructs services."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.api.app import create_web_app
from ownstream.api.state import Services
from ownstream.clock import Clock, SystemClock
from ownstream.config.service import ConfigService
from ownstream.events import EventBus
from ownstream.ingest.rtmp.server import RtmpServer
from ownstream.logbuffer import LogBuffer
from ownstream.settings import Settings
from ownstream.store.db import open_database
from ownstream.store.repos.config import ConfigRepository
from ownstream.stream.lifecycle import StreamLifecycle
from ownstream.stream.logo import LogoStore
from ownstream.stream.stats import StreamStats

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListenOverride:
    """Test and benchmark seam: bind these ports (0 = ephemeral) without touching stored config."""

    web_host: str | None = None
    web_port: int | None = None
    rtmp_host: str | None = None
    rtmp_port: int | None = None


class Ownstream:
    def __init__(
        self,
        settings: Settings,
        *,
        log_buffer: LogBuffer | None = None,
        clock: Clock | None = None,
        listen: ListenOverride | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.log_buffer = log_buffer or LogBuffer()
        self._listen = listen or ListenOverride()
        self.bus = EventBus()
        self._engine: AsyncEngine | None = None
        self._runner: web.AppRunner | None = None
        self._rtmp: RtmpServer | None = None
        self.services: Services | None = None
        self.web_port = 0
        self.rtmp_port = 0

    async def start(self) -> None:
        settings = self.settings
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._engine = await open_database(settings.database_url)
        config = ConfigService(ConfigRepository(self._engine), self.bus)
        await config.load(settings.overrides)
        if not config.current.stream_key:
            raise RuntimeError("the stream key is empty; set one with --streamkey")
        logo = LogoStore(settings.data_dir, config)
        await asyncio.to_thread(logo.ensure_default)
        await logo.reset_thumbnail()
        stats = StreamStats(config, self.clock, settings.timings)
        lifecycle = StreamLifecycle(settings, config, stats, self.bus, self.clock, logo)
        self.services = Services(
            settings=settings,
            config=config,
            bus=self.bus,
            clock=self.clock,
            stats=stats,
            lifecycle=lifecycle,
            logo=logo,
            logs=self.log_buffer,
        )
        stats.start()

        current = config.current
        rtmp_host = self._listen.rtmp_host or "0.0.0.0"
        rtmp_port = self._listen.rtmp_port if self._listen.rtmp_port is not None else current.rtmp_server_port
        self._rtmp = RtmpServer(
            lifecycle, rtmp_host, rtmp_port, read_timeout=settings.timings.rtmp_read_timeout
        )
        await self._rtmp.start()
        self.rtmp_port = self._rtmp.port

        web_host = self._listen.web_host or current.web_server_ip
        web_port = self._listen.web_port if self._listen.web_port is not None else current.web_server_port
        self._runner = web.AppRunner(create_web_app(self.services), access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, web_host, web_port)
        await site.start()
        self.web_port = _bound_port(site, web_port)
        log.info("web server listening on http://%s:%d", web_host, self.web_port)
        log.info("RTMP ingest listening on rtmp://%s:%d/live", rtmp_host, self.rtmp_port)

    async def stop(self) -> None:
        """Ordered shutdown: stop ingest, let ffmpeg finish, stop the web server, save stats, close the DB."""
        if self._rtmp is not None:
            await self._rtmp.stop()
        if self.services is not None:
            await self.services.lifecycle.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        if self.services is not None:
            await self.services.stats.stop()
        await self.bus.drain()
        if self._engine is not None:
            await self._engine.dispose()
        log.info("stopped")


def _bound_port(site: web.TCPSite, requested: int) -> int:
    server = site._server
    sockets = getattr(server, "sockets", None) if server is not None else None
    if sockets:
        return int(sockets[0].getsockname()[1])
    return requested
