"""The server's status as newer Owncast reports it to integrations (`/api/integrations/status`, 0.2.2)
and in every webhook's `eventData.status` (0.2.4): the viewer count always, the peaks, online."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ownstream import OWNCAST_API_VERSION
from ownstream.clock import rfc3339_seconds
from ownstream.config.service import ConfigService
from ownstream.stream.stats import StreamStats


def server_status(config: ConfigService, stats: StreamStats, online: bool) -> dict[str, Any]:
    return {
        "lastConnectTime": rfc3339_seconds(stats.last_connect_time),
        "lastDisconnectTime": rfc3339_seconds(stats.last_disconnect_time),
        "versionNumber": OWNCAST_API_VERSION,
        "streamTitle": config.current.stream_title,
        "viewerCount": stats.viewer_count,
        "overallMaxViewerCount": stats.overall_peak,
        "sessionMaxViewerCount": stats.session_peak,
        "online": online,
    }


def status_source(
    config: ConfigService, stats: StreamStats, online: Callable[[], bool]
) -> Callable[[], dict[str, Any]]:
    return lambda: server_status(config, stats, online())
