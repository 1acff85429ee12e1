"""What route handlers can reach: the services the composition root built, under one typed app key."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from ownstream.auth.login_throttle import LoginThrottle
from ownstream.auth.session import AdminSessions
from ownstream.auth.tokens import IntegrationTokens
from ownstream.chat.service import ChatService
from ownstream.chat_auth.fediverse_codes import FediverseCodes
from ownstream.chat_auth.indieauth_client import IndieAuthClient
from ownstream.chat_auth.indieauth_provider import IndieAuthProvider
from ownstream.clips.library import ClipLibrary
from ownstream.clock import Clock
from ownstream.cluster.media_forward import MediaForwarder
from ownstream.config.ffmpeg_settings import FfmpegSettings
from ownstream.config.rendered import RenderedPageTexts
from ownstream.config.service import ConfigService
from ownstream.config.stream_title import StreamTitle
from ownstream.disk_full import DiskFullReporter
from ownstream.events import EventBus
from ownstream.federation.inbox import InboxProcessor
from ownstream.federation.remote_follow import RemoteFollow
from ownstream.federation.schedule_announcer import ScheduleAnnouncer
from ownstream.federation.service import FederationService
from ownstream.federation.verifier import InboxVerifier
from ownstream.federation.webfinger import WebfingerClient
from ownstream.health import HealthChecks
from ownstream.hls.last_good import LastGoodPlaylists
from ownstream.hls.live_store import LiveHls
from ownstream.logbuffer import LogBuffer
from ownstream.metrics.service import ServerMetrics
from ownstream.notifications.service import NotificationService
from ownstream.replays.library import ReplayLibrary
from ownstream.schedule.service import ScheduleService
from ownstream.settings import Settings
from ownstream.simulcast.service import SimulcastService
from ownstream.stream.hardware import HardwareMonitor
from ownstream.stream.history import ViewerHistory
from ownstream.stream.lifecycle import StreamLifecycle
from ownstream.stream.logo import LogoFiles
from ownstream.stream.playback import PlaybackMetrics
from ownstream.stream.stats import StreamStats
from ownstream.web.logo_images import LogoImages
from ownstream.webhooks.registry import WebhookRegistry


@dataclass(frozen=True)
class Services:
    settings: Settings
    config: ConfigService
    bus: EventBus
    clock: Clock
    stats: StreamStats
    lifecycle: StreamLifecycle
    logo: LogoFiles
    logo_images: LogoImages
    logs: LogBuffer
    viewer_history: ViewerHistory
    hardware: HardwareMonitor
    federation: FederationService
    inbox: InboxProcessor
    inbox_verifier: InboxVerifier
    webfinger: WebfingerClient
    remote_follow: RemoteFollow
    chat: ChatService
    webhooks: WebhookRegistry
    tokens: IntegrationTokens
    admin_sessions: AdminSessions
    metrics: ServerMetrics
    health: HealthChecks
    login_throttle: LoginThrottle
    page_texts: RenderedPageTexts
    stream_title: StreamTitle
    ffmpeg: FfmpegSettings
    simulcast: SimulcastService
    notifications: NotificationService
    playback: PlaybackMetrics
    """Newer Owncast's player-reported metrics and stream health."""
    replays: ReplayLibrary
    """Recorded streams (issue 13)."""
    clips: ClipLibrary
    """Stretches of the replays (issue 13)."""
    indieauth: IndieAuthClient
    """Chat authentication (newer Owncast §7): a chat user proves a website, or a fediverse account."""
    fediverse_codes: FediverseCodes
    indieauth_provider: IndieAuthProvider
    schedule: ScheduleService
    """Scheduled streams (newer Owncast's development branch, §14.1)."""
    disk_full: DiskFullReporter = field(default_factory=DiskFullReporter)
    """The process's one reporter: "the disk is full" at most once a minute."""
    playlists: LastGoodPlaylists = field(default_factory=LastGoodPlaylists)
    live_hls: LiveHls = field(default_factory=LiveHls)
    """The live stream's renditions in memory (the CMAF packager's), for `/hls/…`."""
    media_forward: MediaForwarder | None = None
    """A web process (`--role web`): where `/hls/…` is asked for (the media process has the stream)."""
    schedule_fediverse: ScheduleAnnouncer | None = None
    """Scheduled streams as fediverse `Event`s (newer §14.1 "Federation")."""


SERVICES = web.AppKey("services", Services)


def services(request: web.Request) -> Services:
    return request.app[SERVICES]
