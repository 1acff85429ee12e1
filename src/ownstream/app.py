"""The composition root: builds every service from settings in dependency order, starts and stops them
in order. Nothing else constructs services."""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import sqlalchemy.exc
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream import OWNCAST_API_VERSION
from ownstream.api.access_log import access_observer
from ownstream.api.app import create_web_app
from ownstream.api.routes.public import VERSION_STRING
from ownstream.api.state import Services
from ownstream.auth.admin_password import store_admin_password
from ownstream.auth.login_throttle import LoginThrottle, ThrottlePolicy
from ownstream.auth.session import AdminSessions
from ownstream.auth.tokens import IntegrationTokens
from ownstream.auth.weak_key import weak_key_warning
from ownstream.chat.hub import ChatHub
from ownstream.chat.ip_bans import IpBans
from ownstream.chat.service import ChatService
from ownstream.chat.ws import default_socket_limit
from ownstream.chat_auth.fediverse_codes import FediverseCodes
from ownstream.chat_auth.indieauth_client import IndieAuthClient
from ownstream.chat_auth.indieauth_provider import IndieAuthProvider
from ownstream.clips.library import ClipLibrary
from ownstream.clock import Clock, SystemClock
from ownstream.cluster.media_forward import MediaForwarder
from ownstream.cluster.redis_cluster import RedisCluster
from ownstream.config.ffmpeg_settings import FfmpegSettings
from ownstream.config.model import RuntimeConfig
from ownstream.config.rendered import RenderedPageTexts
from ownstream.config.service import ConfigService
from ownstream.config.stream_title import StreamTitle
from ownstream.database.backup import DatabaseBackups
from ownstream.database.db import describe_database, open_database, sqlite_file
from ownstream.database.lock import DatabaseInUse, DatabaseLock
from ownstream.database.repos.activities import AcceptedActivityRepository
from ownstream.database.repos.clips import ClipRepository
from ownstream.database.repos.config import ConfigRepository
from ownstream.database.repos.deliveries import DeliveryRepository
from ownstream.database.repos.followers import FollowerRepository
from ownstream.database.repos.ip_bans import IpBansRepository
from ownstream.database.repos.messages import MessagesRepository
from ownstream.database.repos.notifications import NotificationRepository
from ownstream.database.repos.outbox import OutboxRepository
from ownstream.database.repos.pending_sign_ins import PendingSignInRepository
from ownstream.database.repos.replays import ReplayRepository
from ownstream.database.repos.restream import RestreamRepository
from ownstream.database.repos.schedule import ScheduleRepository
from ownstream.database.repos.stats import StatsRepository
from ownstream.database.repos.users import UsersRepository
from ownstream.database.repos.webhooks import WebhookRepository
from ownstream.directory.pinger import DirectoryPinger
from ownstream.disk_full import DiskFullReporter
from ownstream.events import EventBus
from ownstream.federation.delivery import DeliveryTimings, SignedDelivery
from ownstream.federation.go_live import GoLivePoster
from ownstream.federation.inbox import InboxProcessor
from ownstream.federation.keys import UnreadableKey, load_actor_key
from ownstream.federation.profile_updates import ProfileUpdates
from ownstream.federation.remote_actors import RemoteActors
from ownstream.federation.remote_follow import RemoteFollow
from ownstream.federation.schedule_announcer import ScheduleAnnouncer
from ownstream.federation.service import FederationService
from ownstream.federation.site import LocalSite
from ownstream.federation.verifier import InboxVerifier
from ownstream.federation.webfinger import WebfingerClient
from ownstream.health import HealthChecks
from ownstream.hls.live_store import LiveHls
from ownstream.ingest.rtmp.server import RtmpServer
from ownstream.logbuffer import LogBuffer
from ownstream.logfilters import SafeRecordFilter
from ownstream.logsetup import ACCESS_LOGGER
from ownstream.metrics.restream import RestreamCollector
from ownstream.metrics.service import ServerMetrics
from ownstream.net.client_address import TrustedProxies
from ownstream.net.connection_caps import ConnectionCap
from ownstream.net.http_guard import GuardedSocketSite, GuardedTCPSite, HttpGuard
from ownstream.notifications.service import NotificationService
from ownstream.notifications.vapid_keys import UnreadableVapidKey, load_vapid_key
from ownstream.outbound.http import OutboundHttp
from ownstream.outputs.cmaf import CmafOutput
from ownstream.outputs.hls import HlsOutput
from ownstream.outputs.protocol import StreamOutput
from ownstream.outputs.thumbnails import ThumbnailOutput
from ownstream.replays.files import RecordingFiles, default_disk_budget
from ownstream.replays.library import ReplayLibrary
from ownstream.replays.recorder import ReplayRecorder
from ownstream.replays.retention import ReplayRetention
from ownstream.schedule.service import ScheduleService
from ownstream.settings import LISTEN_FD_ENV, Settings
from ownstream.simulcast.forwarder import default_ca_file
from ownstream.simulcast.service import SimulcastService
from ownstream.startup import (
    DATADIR_SETTING,
    StartupError,
    bind_error,
    database_driver_missing,
    database_error,
    database_in_use,
    prepare_directory,
)
from ownstream.stream.hardware import HardwareMonitor
from ownstream.stream.history import ViewerHistory
from ownstream.stream.lifecycle import StreamLifecycle
from ownstream.stream.logo import LogoFiles
from ownstream.stream.playback import PlaybackMetrics
from ownstream.stream.server_status import status_source
from ownstream.stream.stats import StreamStats
from ownstream.web.logo_images import LogoImages
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
    web_uncapped: bool = False
    """No per-address cap on the HTTP listener: it is the internal one the web workers forward `/hls/` to
    (`--workers`), all from one address."""


class Ownstream:
    def __init__(
        self,
        settings: Settings,
        *,
        log_buffer: LogBuffer | None = None,
        log_safety: SafeRecordFilter | None = None,
        clock: Clock | None = None,
        listen: ListenOverride | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.log_buffer = log_buffer or LogBuffer()
        self._log_safety = log_safety
        self._listen = listen or ListenOverride()
        self.bus = EventBus()
        self._engine: AsyncEngine | None = None
        self._runner: web.AppRunner | None = None
        self._rtmp: RtmpServer | None = None
        self._webhook_dispatcher: WebhookDispatcher | None = None
        self._directory: DirectoryPinger | None = None
        self._federation_parts: tuple[SignedDelivery, GoLivePoster, ProfileUpdates] | None = None
        self.federation_delivery: SignedDelivery | None = None
        """The signed delivery to inboxes (its queue's counters are what tests and benchmarks read)."""
        self._recorder: ReplayRecorder | None = None
        self._retention: ReplayRetention | None = None
        self._outbound = OutboundHttp()
        """The one HTTP client for outbound requests (webhooks, directory pings, remote follow)."""
        database_file = sqlite_file(settings.database_url)
        # A file's lock keeps a second server (and `ownstream restore`) off it; a database server
        # has its own concurrency.
        self._lock = DatabaseLock(database_file) if database_file is not None else None
        self.backups: DatabaseBackups | None = None
        self._started = False
        self.services: Services | None = None
        self.cluster: RedisCluster | None = None
        """With `--redis-url`: what joins this process to the others serving the site."""
        self.web_port = 0
        self.rtmp_port = 0

    @property
    def web_app(self) -> web.Application | None:
        """The running aiohttp application (its router is what tests read route declarations from)."""
        return self._runner.app if self._runner is not None else None

    async def start(self) -> None:
        """Start everything, or raise (a `StartupError` for what the operator can fix) having stopped
        whatever had already started."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise
        self._started = True

    async def _open_database(self) -> AsyncEngine:
        url = self.settings.database_url
        name = describe_database(url)
        if self._lock is not None:
            try:
                await asyncio.to_thread(self._lock.acquire)
            except DatabaseInUse:
                raise database_in_use(name) from None
            except OSError as error:
                raise database_error(name, error) from None
        try:
            return await open_database(url)
        except ImportError as error:
            raise database_driver_missing(name, error) from None
        except (OSError, sqlite3.Error, sqlalchemy.exc.SQLAlchemyError) as error:
            raise database_error(name, error, server=self._lock is None) from None

    async def _start(self) -> None:
        settings = self.settings
        await asyncio.to_thread(prepare_directory, settings.data_dir, "data dir", DATADIR_SETTING)
        self._engine = await self._open_database()
        if settings.redis_url is not None:
            self.cluster = RedisCluster(
                settings.redis_url, settings.process_slot, self.bus, settings.timings.presence_interval
            )
            await self.cluster.start()
        config_rows = ConfigRepository(self._engine)
        config = ConfigService(config_rows, self.bus)
        await config.load(settings.overrides)
        config.follow()  # the reload when another process changes the configuration (a shared bus)
        admin_sessions = AdminSessions(config_rows, self.clock, bus=self.bus)
        await admin_sessions.load()
        if not config.current.stream_key:
            raise StartupError("the stream key is empty: set --streamkey / OWNSTREAM_STREAMKEY")
        if settings.overrides.admin_password == "":
            raise StartupError(
                "the admin password is empty: set a non-empty --adminpassword / OWNSTREAM_ADMINPASSWORD"
            )
        if settings.overrides.admin_password is not None:
            await store_admin_password(config, settings.overrides.admin_password)
        if self._log_safety is not None:
            self._log_safety.watch_secrets(
                lambda: (
                    config.current.stream_key,
                    *config.current.publishing_keys(),
                    config.current.s3.secret,
                )
            )
        if (weak_key := weak_key_warning(config.current)) is not None:
            log.warning("%s", weak_key)
        logo = LogoFiles(settings.data_dir, config)
        await asyncio.to_thread(logo.ensure_default)
        disk_full = DiskFullReporter()  # shared: "the disk is full" at most once a minute in all
        web_only = settings.role == "web"
        stats = StreamStats(
            StatsRepository(self._engine), self.clock, settings.timings, disk_full, keeps_store=not web_only
        )
        await stats.load()
        timings = settings.timings
        live_hls = LiveHls()
        hls: HlsOutput | CmafOutput
        if settings.hls_format == "mpegts":
            hls = HlsOutput(settings.hls_path, self.bus, timings, disk_full)
        else:
            hls = CmafOutput(settings.hls_path, self.bus, timings, disk_full, live_hls)
        thumbnails = ThumbnailOutput(settings.data_dir, hls.directory, self.bus, timings.thumbnail_interval)
        recordings = settings.data_dir / "recordings"
        budget = settings.replay_disk_budget
        if budget is None:
            budget = await asyncio.to_thread(default_disk_budget, recordings)
        replays = ReplayLibrary(ReplayRepository(self._engine), RecordingFiles(recordings), budget)
        replays.retained_bytes = lambda: config.current.replays_retention_bytes
        replays.s3_config = lambda: config.current.s3
        replays.bucket_retry_delay = timings.storage_retry_delay
        self._recorder = ReplayRecorder(replays, self.bus, config, self.clock)
        clips = ClipLibrary(
            ClipRepository(self._engine), RecordingFiles(settings.data_dir / "clips"), replays, self.bus,
            self.clock,
        )  # fmt: skip
        if not web_only:  # the media process records and keeps the recordings within their limits
            self._retention = ReplayRetention(
                replays, config, self.bus, self.clock, timings.replay_retention_interval
            )
        outputs: list[StreamOutput] = [thumbnails] if web_only else [thumbnails, self._recorder]
        lifecycle = StreamLifecycle(timings, config, stats, self.bus, self.clock, hls, outputs)
        if web_only:
            # The stream is the media process's: its state comes over the bus, its files stay its own.
            lifecycle.follow_elsewhere()
            stats.follow_elsewhere(self.bus)
        else:
            await lifecycle.discard_previous_run()
            if self.cluster is not None:
                lifecycle.obey_elsewhere()
        simulcast = SimulcastService(
            RestreamRepository(self._engine),
            config,
            lifecycle,
            self.bus,
            self.clock,
            timings,
            hls_dir=hls.directory,
            ca_file=default_ca_file(),
        )
        await simulcast.load()
        if self._log_safety is not None:  # from now on the destinations' keys too
            self._log_safety.watch_secrets(
                lambda: (config.current.stream_key, config.current.s3.secret, *simulcast.secrets())
            )
        viewer_history = ViewerHistory(stats, self.clock, timings.viewer_sample_interval)
        playback = PlaybackMetrics(
            self.clock,
            timings.playback_metrics_interval,
            lambda: stats.viewer_count,
            lambda: lifecycle.online,
        )
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
            http=self._outbound,
        )
        page_texts = RenderedPageTexts(config)
        try:
            actor_key = await load_actor_key(config_rows)
        except UnreadableKey as error:
            raise StartupError(f"{error}; restore it from a backup of the database") from None
        followers = FollowerRepository(self._engine)
        federation = FederationService(
            followers,
            OutboxRepository(self._engine),
            AcceptedActivityRepository(self._engine),
            config,
            self.clock,
            site=LocalSite(
                config,
                actor_key,
                lambda: _summary_html(page_texts),
                version=VERSION_STRING,
                api_version=OWNCAST_API_VERSION,
            ),
        )
        delivery = SignedDelivery(
            config=config,
            followers=followers,
            journal=DeliveryRepository(self._engine),
            http=self._outbound,
            key=actor_key,
            clock=self.clock,
            allow_private=settings.allow_private_addresses,
            timings=DeliveryTimings(
                first_retry=timings.federation_retry_delay, timeout=timings.federation_request_timeout
            ),
        )
        federation.use_delivery(delivery)
        self.federation_delivery = delivery
        remote_actors = RemoteActors(
            self._outbound,
            delivery.signer,
            self.clock,
            allow_private=settings.allow_private_addresses,
            timeout=timings.federation_request_timeout,
        )
        webfinger = WebfingerClient(
            scheme=settings.remotes.webfinger_scheme,
            timeout=timings.webfinger_timeout,
            allow_private=settings.allow_private_addresses,
            http=self._outbound,
        )
        hub = ChatHub(max_sockets=default_socket_limit(), process_slot=settings.process_slot)
        hub.site_max_sockets = settings.max_chat_sockets
        chat = ChatService(
            settings=settings,
            config=config,
            bus=self.bus,
            clock=self.clock,
            users=UsersRepository(self._engine),
            messages=MessagesRepository(self._engine),
            ip_bans=IpBans(IpBansRepository(self._engine), self.clock),
            hub=hub,
            fanout=(
                self.cluster.chat_fanout(hub, stats.viewers, stats.viewers_elsewhere_changed)
                if self.cluster is not None
                else None
            ),
            last_disconnect=stats.last_disconnect_time,
            disk_full=disk_full,
            flood_limit=self.cluster.flood_limit() if self.cluster is not None else None,
        )
        inbox = InboxProcessor(
            config=config,
            followers=followers,
            outbox=federation.outbox,
            activities=federation.activities,
            actors=remote_actors,
            accepts=delivery,
            engagement=chat.send_fediverse_engagement,
            clock=self.clock,
        )
        self._federation_parts = (
            delivery,
            GoLivePoster(
                federation,
                self.bus,
                lambda: lifecycle.online,
                self.clock,
                delay=timings.federation_go_live_delay,
                min_interval=timings.federation_go_live_interval,
            ),
            ProfileUpdates(federation, config, self.bus, delay=timings.federation_profile_update_delay),
        )
        webhooks = WebhookRegistry(WebhookRepository(self._engine), disk_full)
        await webhooks.load()
        self._webhook_dispatcher = dispatcher = WebhookDispatcher(
            webhooks,
            self.bus,
            describe_server(config, status_source(config, stats, lambda: lifecycle.online)),
            self.clock,
            DeliveryPolicy(
                timeout=settings.timings.webhook_timeout, retry_delay=settings.timings.webhook_retry_delay
            ),
            http=self._outbound,
        )
        try:
            vapid_key = await load_vapid_key(config_rows)
        except UnreadableVapidKey as error:
            raise StartupError(str(error)) from None
        notifications = NotificationService(
            NotificationRepository(self._engine),
            config,
            self.bus,
            self._outbound,
            self.clock,
            vapid_key,
            allow_private_endpoints=settings.allow_private_addresses,
            delay=timings.go_live_notification_delay,
            min_interval=timings.go_live_notification_interval,
        )
        pending_sign_ins = PendingSignInRepository(self._engine)
        schedule_rows = ScheduleRepository(self._engine)
        schedule_fediverse = ScheduleAnnouncer(
            schedule_rows, federation, config, delivery.to_followers, self.clock
        )
        stream_title = StreamTitle(config, chat.announce_title)
        schedule = ScheduleService(
            schedule_rows,
            config,
            self.clock,
            self.bus,
            online=lambda: lifecycle.online,
            send_reminder=notifications.send_reminder,
            send_chat_notice=_chat_notice(chat),
            set_title=stream_title.change,
            interval=timings.schedule_interval,
            fediverse=schedule_fediverse,
        )
        chat.opened_early = schedule.chat_open
        self.services = Services(
            settings=settings,
            config=config,
            bus=self.bus,
            clock=self.clock,
            stats=stats,
            lifecycle=lifecycle,
            logo=logo,
            logo_images=LogoImages(logo.logo_path),
            logs=self.log_buffer,
            viewer_history=viewer_history,
            playback=playback,
            hardware=hardware,
            federation=federation,
            inbox=inbox,
            inbox_verifier=InboxVerifier(config, remote_actors, self.clock),
            webfinger=webfinger,
            remote_follow=RemoteFollow(config, webfinger),
            chat=chat,
            webhooks=webhooks,
            tokens=IntegrationTokens(UsersRepository(self._engine)),
            admin_sessions=admin_sessions,
            metrics=ServerMetrics(
                config=config,
                bus=self.bus,
                stats=stats,
                lifecycle=lifecycle,
                hardware=hardware,
                chat_clients=lambda: len(chat.hub),
                users=UsersRepository(self._engine),
                messages=MessagesRepository(self._engine),
                webhooks=dispatcher,
                monotonic=self.clock.monotonic,
                playback_errors=lambda: playback.last_window_errors,
            ),
            health=HealthChecks(self._engine, settings.data_dir, lambda: config.current.ffmpeg_path),
            disk_full=disk_full,
            live_hls=live_hls,
            login_throttle=LoginThrottle(
                ThrottlePolicy(
                    window=timings.login_failure_window,
                    free_failures=timings.login_free_failures,
                    first_delay=timings.login_first_delay,
                    max_delay=timings.login_max_delay,
                ),
                self.clock.monotonic,
            ),
            page_texts=page_texts,
            stream_title=stream_title,
            ffmpeg=FfmpegSettings(config),
            simulcast=simulcast,
            notifications=notifications,
            replays=replays,
            clips=clips,
            indieauth=IndieAuthClient(
                config=config,
                http=self._outbound,
                chat=chat,
                pending=pending_sign_ins,
                clock=self.clock,
                allow_private=settings.allow_private_addresses,
                timeout=timings.webfinger_timeout,
            ),
            fediverse_codes=FediverseCodes(
                config=config,
                webfinger=webfinger,
                actors=remote_actors,
                delivery=delivery,
                chat=chat,
                pending=pending_sign_ins,
                clock=self.clock,
            ),
            indieauth_provider=IndieAuthProvider(config, pending_sign_ins, self.clock),
            media_forward=MediaForwarder(settings.media_url) if web_only and settings.media_url else None,
            schedule=schedule,
            schedule_fediverse=schedule_fediverse,
        )
        if not web_only:  # the forwarders and their statuses are the media process's
            self.services.metrics.registry.register(RestreamCollector(simulcast))
        self.backups = DatabaseBackups(
            settings.database_url,
            settings.backup_path,
            self.clock.now,
            interval=timings.backup_interval,
            retention=timings.backup_retention,
        )
        self.services.metrics.start()
        stats.start()
        viewer_history.start()
        playback.start()
        await hardware.start()
        if not web_only:  # one directory listing per site, from the process with the stream
            await self._directory.start()
        await webfinger.start()
        await chat.start()
        if self.cluster is not None:
            await self.cluster.start_presence()
            await self.cluster.share_stream_state(web_only)
        if self.services.media_forward is not None:
            await self.services.media_forward.start()
        notifications.start()
        if not web_only:  # reminders, missed-event notices and webhooks: once, from the media process
            schedule.start()
        self._webhook_dispatcher.start()
        for part in self._federation_parts:
            part.start()
        self.backups.start()
        simulcast.start()
        if self._retention is not None:
            self._retention.start()

        if not web_only:
            await self._start_rtmp(lifecycle)
        await self._start_web()

    async def _start_rtmp(self, lifecycle: StreamLifecycle) -> None:
        settings, timings, current = self.settings, self.settings.timings, self._current_config()
        rtmp_host = self._listen.rtmp_host or settings.rtmp_ip
        rtmp_port = self._listen.rtmp_port if self._listen.rtmp_port is not None else current.rtmp_server_port
        self._rtmp = RtmpServer(
            lifecycle,
            rtmp_host,
            rtmp_port,
            read_timeout=timings.rtmp_read_timeout,
            publish_deadline=timings.rtmp_publish_deadline,
            cap=ConnectionCap("RTMP", settings.max_connections_per_address),
        )
        try:
            await self._rtmp.start()
        except OSError as error:
            self._rtmp = None
            raise bind_error("RTMP", rtmp_host, rtmp_port, error) from None
        self.rtmp_port = self._rtmp.port
        log.info("RTMP ingest listening on rtmp://%s:%d/live", rtmp_host, self.rtmp_port)

    def _current_config(self) -> RuntimeConfig:
        assert self.services is not None
        return self.services.config.current

    async def _start_web(self) -> None:
        assert self.services is not None
        settings, timings, current = self.settings, self.settings.timings, self._current_config()
        web_host = self._listen.web_host or current.web_server_ip
        web_port = self._listen.web_port if self._listen.web_port is not None else current.web_server_port
        self._runner = web.AppRunner(
            create_web_app(self.services),
            access_log=logging.getLogger(ACCESS_LOGGER),
            access_log_class=access_observer(
                self.services.metrics,
                log_lines=settings.access_log or settings.log_level == "debug",
                proxies=TrustedProxies(settings.trusted_proxies),
            ),
            shutdown_timeout=5.0,
            keepalive_timeout=timings.http_keepalive_timeout,
        )
        await self._runner.setup()
        guard = HttpGuard(
            header_timeout=timings.http_header_timeout,
            cap=ConnectionCap(
                "HTTP", 0 if self._listen.web_uncapped else settings.max_connections_per_address
            ),
        )
        site: GuardedSocketSite | GuardedTCPSite
        if settings.listen_fd is not None:  # a worker: the parent bound the port
            try:
                inherited = socket.socket(fileno=settings.listen_fd)
            except OSError as error:
                raise StartupError(
                    f"the listening socket handed down ({LISTEN_FD_ENV}) is unusable: {error}"
                ) from None
            site = GuardedSocketSite(self._runner, inherited, guard)
            await site.start()
        else:
            site = GuardedTCPSite(self._runner, web_host, web_port, guard)
            try:
                await site.start()
            except OSError as error:
                raise bind_error("HTTP", web_host, web_port, error) from None
        self.web_port = site.port
        role = "" if settings.role == "all" else f" ({settings.role} process, slot {settings.process_slot})"
        log.info("web server listening on %s%s", site.name, role)

    async def stop(self) -> None:
        """Ordered shutdown: stop ingest, let ffmpeg finish, stop the web server, save stats, close the DB."""
        if self._rtmp is not None:
            await self._rtmp.stop()
        if self.backups is not None:
            await self.backups.stop()
        if self.services is not None:
            self.services.config.unfollow()
            self.services.metrics.stop()
            await self.services.simulcast.stop()  # no more starts or retries; the stream's end stops them
            await self.services.lifecycle.stop()
        if self._recorder is not None:
            await self._recorder.close()
        if self._retention is not None:
            await self._retention.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._directory is not None:
            await self._directory.stop()
        if self.services is not None:
            await self.services.webfinger.stop()
            await self.services.hardware.stop()
            await self.services.viewer_history.stop()
            await self.services.playback.stop()
            await self.services.chat.stop()
            await self.services.notifications.stop()
            await self.services.schedule.stop()
            await self.services.stats.stop()
        if self._federation_parts is not None:
            for part in reversed(self._federation_parts):
                await part.stop()
        if self.services is not None and self.services.media_forward is not None:
            await self.services.media_forward.close()
        if self.cluster is not None:
            await self.cluster.stop()
        await self.bus.drain()
        if self._webhook_dispatcher is not None:
            await self._webhook_dispatcher.stop()
        await self._outbound.close()
        if self._engine is not None:
            await self._engine.dispose()
        if self._lock is not None:
            self._lock.release()
        if self._started:
            log.info("stopped")


def _chat_notice(chat: ChatService) -> Callable[[str], Awaitable[None]]:
    async def send(text: str) -> None:
        await chat.send_system_message(text)

    return send


async def _summary_html(page_texts: RenderedPageTexts) -> str:
    return (await page_texts.current()).summary
