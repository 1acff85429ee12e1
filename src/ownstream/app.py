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
from ownstream.auth.session import AdminSessions
from ownstream.auth.tokens import IntegrationTokens
from ownstream.chat.hub import ChatHub
from ownstream.chat.service import ChatService
from ownstream.chat.ws import default_socket_limit
from ownstream.clock import Clock, SystemClock
from ownstream.config.service import ConfigService
from ownstream.directory.pinger import DirectoryPinger
from ownstream.events import EventBus
from ownstream.federation.store import FederationStore
from ownstream.federation.webfinger import WebfingerClient
from ownstream.ingest.rtmp.server import RtmpServer
from ownstream.logbuffer import LogBuffer
from ownstream.settings import Settings
from ownstream.store.db import open_database
from ownstream.store.repos.activities import AcceptedActivityRepository
from ownstream.store.repos.config import ConfigRepository
from ownstream.store.repos.followers import FollowerRepository
from ownstream.store.repos.messages import MessagesRepository
from ownstream.store.repos.outbox import OutboxRepository
from ownstream.store.repos.users import UsersRepository
from ownstream.store.repos.webhooks import WebhookRepository
from ownstream.stream.hardware import HardwareMonitor
from ownstream.stream.history import ViewerHistory
from ownstream.stream.lifecycle import StreamLifecycle
from ownstream.stream.logo import LogoStore
from ownstream.stream.stats import StreamStats
from ownstream.webhooks.dispatcher import DeliveryPolicy, WebhookDispatcher, describe_server
from ownstream.webhooks.registry import WebhookRegistry

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
        self._webhook_dispatcher: WebhookDispatcher | None = None
        self._directory: DirectoryPinger | None = None
        self.services: Services | None = None
        self.web_port = 0
        self.rtmp_port = 0

    async def start(self) -> None:
        settings = self.settings
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._engine = await open_database(settings.database_url)
        config_rows = ConfigRepository(self._engine)
        config = ConfigService(config_rows, self.bus)
        await config.load(settings.overrides)
        admin_sessions = AdminSessions(config_rows, self.clock)
        await admin_sessions.load()
        if not config.current.stream_key:
            raise RuntimeError("the stream key is empty; set one with --streamkey")
        logo = LogoStore(settings.data_dir, config)
        await asyncio.to_thread(logo.ensure_default)
        await logo.reset_thumbnail()
        stats = StreamStats(config, self.clock, settings.timings)
        lifecycle = StreamLifecycle(settings, config, stats, self.bus, self.clock, logo)
        timings = settings.timings
        viewer_history = ViewerHistory(stats, self.clock, timings.viewer_sample_interval)
        hardware = HardwareMonitor(
            settings.data_dir,
            self.clock,
            interval=timings.hardware_sample_interval,
            warning_cooldown=timings.hardware_warning_cooldown,
        )
        self._directory = DirectoryPinger(
            config,
            self.bus,
            lambda: lifecycle.online,
            directory_url=settings.remotes.directory_url,
            interval=timings.directory_ping_interval,
            timeout=timings.directory_request_timeout,
        )
        federation = FederationStore(
            FollowerRepository(self._engine),
            OutboxRepository(self._engine),
            AcceptedActivityRepository(self._engine),
            config,
            self.clock,
        )
        webfinger = WebfingerClient(
            scheme=settings.remotes.webfinger_scheme, timeout=timings.webfinger_timeout
        )
        chat = ChatService(
            settings=settings,
            config=config,
            bus=self.bus,
            clock=self.clock,
            lifecycle=lifecycle,
            stats=stats,
            users=UsersRepository(self._engine),
            messages=MessagesRepository(self._engine),
            hub=ChatHub(max_sockets=default_socket_limit()),
        )
        webhooks = WebhookRegistry(WebhookRepository(self._engine))
        await webhooks.load()
        self._webhook_dispatcher = WebhookDispatcher(
            webhooks,
            self.bus,
            describe_server(config),
            self.clock,
            DeliveryPolicy(
                timeout=settings.timings.webhook_timeout, retry_delay=settings.timings.webhook_retry_delay
            ),
        )
        self.services = Services(
            settings=settings,
            config=config,
            bus=self.bus,
            clock=self.clock,
            stats=stats,
            lifecycle=lifecycle,
            logo=logo,
            logs=self.log_buffer,
            viewer_history=viewer_history,
            hardware=hardware,
            federation=federation,
            webfinger=webfinger,
            chat=chat,
            webhooks=webhooks,
            tokens=IntegrationTokens(UsersRepository(self._engine)),
            admin_sessions=admin_sessions,
        )
        stats.start()
        viewer_history.start()
        await hardware.start()
        await self._directory.start()
        await webfinger.start()
        await chat.start()
        self._webhook_dispatcher.start()

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
        if self._directory is not None:
            await self._directory.stop()
        if self.services is not None:
            await self.services.webfinger.stop()
            await self.services.hardware.stop()
            await self.services.viewer_history.stop()
            await self.services.chat.stop()
            await self.services.stats.stop()
        await self.bus.drain()
        if self._webhook_dispatcher is not None:
            await self._webhook_dispatcher.stop()
        if self._engine is not None:
            await self._engine.dispose()
        log.info("stopped")


def _bound_port(site: web.TCPSite, requested: int) -> int:
    server = site._server
    sockets = getattr(server, "sockets", None) if server is not None else None
    if sockets:
        return int(sockets[0].getsockname()[1])
    return requested
