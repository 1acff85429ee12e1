"""Starting a real Ownstream on loopback ephemeral ports for tests, with short timers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ownstream.app import ListenOverride, Ownstream
from ownstream.settings import RuntimeOverrides, Settings, Timings
from tests.postgres import POSTGRES_URL_ENV, database_url_for

FAST_TIMINGS = Timings(
    rtmp_read_timeout=10.0,
    viewer_expiry=15.0,
    viewer_prune_interval=0.5,
    stats_save_interval=1.0,
    thumbnail_interval=2.0,
    hls_poll_interval=0.1,
    offline_cleanup_delay=300.0,
    ffmpeg_stop_timeout=10.0,
    online_grace=1.0,
    # Wrong-password tests must not wait seconds once an address is throttled (tests/auth set their own).
    login_first_delay=0.01,
    login_max_delay=0.02,
)


@dataclass
class RunningServer:
    server: Ownstream
    data_dir: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.web_port}"

    def rtmp_url(self, key: str = "abc123", app: str = "live") -> str:
        return f"rtmp://127.0.0.1:{self.server.rtmp_port}/{app}/{key}"


def database_url_for_tests(data_dir: Path) -> str | None:
    """The data dir's own database on the run's PostgreSQL (`pytest --database-engine postgresql`), or
    None: the server's SQLite file in its data dir."""
    admin_url = os.environ.get(POSTGRES_URL_ENV)
    return database_url_for(admin_url, data_dir) if admin_url else None


def make_settings(data_dir: Path, **timing_changes: float | None) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_server=database_url_for_tests(data_dir),
        log_level="info",
        overrides=RuntimeOverrides(),
        timings=replace(FAST_TIMINGS, **timing_changes),  # type: ignore[arg-type]
    )


@asynccontextmanager
async def running_server(data_dir: Path, settings: Settings | None = None) -> AsyncIterator[RunningServer]:
    server = Ownstream(
        settings if settings is not None else make_settings(data_dir),
        listen=ListenOverride(web_host="127.0.0.1", web_port=0, rtmp_host="127.0.0.1", rtmp_port=0),
    )
    await server.start()
    try:
        yield RunningServer(server, data_dir)
    finally:
        await server.stop()


def basic_auth(user: str, password: str) -> dict[str, str]:
    """An Authorization header for HTTP Basic (aiohttp's BasicAuth helper is deprecated)."""
    import base64

    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def admin_auth(stream_key: str = "abc123") -> dict[str, str]:
    return basic_auth("admin", stream_key)
