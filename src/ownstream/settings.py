"""Bootstrap settings: defaults → `OWNSTREAM_*` environment → CLI flags, frozen for the run.

Runtime configuration (stream key, ports, everything the admin API edits) lives in the database; the
flags here that name such values (`--streamkey`, ports, listen IP) override it *and* are written to it,
as Owncast's flags do (DESIGN.md, "Configuration: who wins").
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ownstream.domain.ids import MAX_PROCESS_SLOT
from ownstream.net.client_address import IPNetwork, parse_networks

ENV_PREFIX = "OWNSTREAM_"
LOG_LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("text", "json")
HLS_FORMATS = ("fmp4", "mpegts")
"""`fmp4`: the CMAF packager (low latency at levels 0-1); `mpegts`: ffmpeg's HLS muxer, for old players."""
DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 200
MAX_WORKERS = 64
PRIVATE_ADDRESSES_ENV = ENV_PREFIX + "FEDERATION_ALLOW_PRIVATE_ADDRESSES"
METRICS_TOKEN_ENV = ENV_PREFIX + "METRICS_TOKEN"
LISTEN_FD_ENV = ENV_PREFIX + "LISTEN_FD"
"""Set by `--workers` for its web processes: the listening HTTP socket they inherit from it."""
ENVIRONMENT_ONLY = (METRICS_TOKEN_ENV, LISTEN_FD_ENV)
"""Variables read from the environment only, with no flag."""
ENVIRONMENT_ALIASES = {"allow_private_addresses": (PRIVATE_ADDRESSES_ENV,)}
"""Variables a flag answers to besides its own (by the flag's argparse `dest`)."""
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")
DATABASE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
"""What a URL looks like (`postgresql+asyncpg://…`, `sqlite+aiosqlite:///…`): `--database` takes a file, not
this."""
DEFAULT_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}
"""A URL without a driver gets the asyncio driver Ownstream ships with (`postgresql://…` → asyncpg)."""
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
ROLES = ("all", "media", "web")
"""`all`: one process does everything; `media`: the process with the stream (RTMP ingest, ffmpeg, HLS,
recording, simulcast); `web`: API, pages and chat, the stream's state heard from the media process."""


@dataclass(frozen=True)
class Timings:
    """Every interval the server waits on, so tests can shrink them instead of waiting minutes."""

    rtmp_read_timeout: float = 10.0
    viewer_expiry: float = 15.0
    viewer_prune_interval: float = 5.0
    stats_save_interval: float = 60.0
    thumbnail_interval: float = 20.0
    replay_retention_interval: float = 3600.0
    """How often the replay retention looks for replays past their days (also after each change)."""
    hls_poll_interval: float = 0.2
    offline_cleanup_delay: float = 300.0
    ffmpeg_stop_timeout: float = 10.0
    output_stall_timeout: float = 5.0
    """How long ingest waits for a full lossless output (the transcoder) that takes nothing before that
    output starts losing media to the next keyframe; also how long the outputs get for the end of the
    stream's media at its end."""
    online_grace: float | None = None
    """Override of Owncast's max(3 × segment seconds, 7 s); None keeps Owncast's rule."""
    viewer_sample_interval: float = 120.0
    """How often the viewer count is sampled for `/api/admin/viewersOverTime`."""
    hardware_sample_interval: float = 60.0
    """How often CPU, memory and disk use are sampled for `/api/admin/hardwarestats`."""
    hardware_warning_cooldown: float = 300.0
    """At most one high-usage warning per kind (CPU, memory, disk) in this many seconds."""
    directory_ping_interval: float = 240.0
    """Directory (YP) pings: the first this long after connect, then at this interval."""
    directory_request_timeout: float = 10.0
    webfinger_timeout: float = 5.0
    """Remote-follow lookups give up after this many seconds."""
    federation_go_live_delay: float = 120.0
    """The go-live post goes out this long after a stream starts, if it is still live."""
    federation_go_live_interval: float = 600.0
    """At most one go-live post in this many seconds."""
    federation_profile_update_delay: float = 5.0
    """Profile changes made within this many seconds of each other go out as one Update."""
    federation_retry_delay: float = 10.0
    """First back-off before a failed delivery to an inbox is retried; it doubles, for up to a day."""
    federation_request_timeout: float = 10.0
    """Each delivery attempt and each fetch of a remote actor or key gives up after this long."""
    chat_retention: float = 5 * 3600.0
    """Stored chat messages older than this many seconds are deleted."""
    chat_prune_interval: float = 300.0
    welcome_delay: float = 7.0
    join_suppression: float = 300.0
    part_delay: float = 10.0
    playback_metrics_interval: float = 120.0
    """How often players' playback reports are folded into the stream-health series (Owncast: 2 min)."""
    """USER_PARTED goes out this long after a user's last socket closed, unless they came back."""
    established_user_age: float = 900.0
    """Established-user mode: how old a chat user must be to take part (newer Owncast: 15 min)."""
    """No second USER_JOINED for a user who joined or chatted within this many seconds."""
    chat_offline_grace: float = 300.0
    """While offline, chat is accepted only this long after the last disconnect."""
    banned_close_delay: float = 2.0
    chat_heartbeat: float = 54.0
    webhook_timeout: float = 10.0
    webhook_retry_delay: float = 1.0
    """First back-off before a failed webhook delivery is retried; it doubles on each retry."""
    storage_retry_delay: float = 0.5
    """First back-off before a failed S3 upload is retried; it doubles on each retry (4 tries in all)."""
    storage_flush_timeout: float = 15.0
    go_live_notification_delay: float = 120.0
    """Go-live notifications (Web Push, Discord) go out this long after a stream connects (Owncast: 2 min)."""
    go_live_notification_interval: float = 600.0
    """No second round of go-live notifications within this many seconds of the last (Owncast: 10 min)."""
    """At stream end, how long queued uploads and the final playlists may take before they are dropped."""
    schedule_interval: float = 60.0
    """How often scheduled series are expanded and reminders checked (Owncast: every minute)."""
    backup_interval: float = 3600.0
    """How often the SQLite database is copied into `<datadir>/backup/` (Owncast 0.0.11 dumps hourly)."""
    backup_retention: float = 7 * 86400.0
    """Backups older than this many seconds are deleted."""
    rtmp_publish_deadline: float = 10.0
    """An RTMP connection must reach `publish` this long after connecting, however busy it keeps the line."""
    http_header_timeout: float = 10.0
    """An HTTP request's header must be complete this long after its first byte."""
    http_keepalive_timeout: float = 75.0
    """An idle keep-alive HTTP connection is closed after this long."""
    login_failure_window: float = 600.0
    """Wrong admin credentials are counted per client address over this many seconds."""
    login_free_failures: int = 10
    """This many wrong credentials in the window cost nothing; every further attempt waits."""
    login_first_delay: float = 1.0
    """The wait of the first throttled attempt; it doubles with each further attempt."""
    login_max_delay: float = 30.0
    """The longest wait of a throttled attempt."""
    simulcast_first_retry: float = 2.0
    """A simulcast destination that failed is tried again after this long, doubling up to the next."""
    simulcast_max_retry: float = 60.0
    simulcast_stall_timeout: float = 20.0
    """A forwarder whose output has not grown for this long (connecting or live) is killed and retried."""
    simulcast_healthy_after: float = 30.0
    """A destination live this long has its back-off start again from the first delay when it drops."""
    simulcast_stop_timeout: float = 5.0
    """At a stream's end a forwarder gets this long to send what it has before it is terminated."""
    presence_interval: float = 1.0
    """With Redis: how often a process publishes its chat sockets and viewers and reads the others'."""


@dataclass(frozen=True)
class Remotes:
    """Where outbound requests go. Tests point these at stubs on loopback."""

    directory_url: str = "https://directory.owncast.online"
    """Base URL of the Owncast directory (YP) that pings are sent to."""
    webfinger_scheme: str = "https"
    """Scheme of remote WebFinger lookups; only tests use `http`."""


@dataclass(frozen=True)
class RuntimeOverrides:
    """Flags that override and persist runtime configuration (None = not given)."""

    stream_key: str | None = None
    admin_password: str | None = None
    """Stored hashed (auth/admin_password.py): resets a forgotten admin password."""
    web_server_port: int | None = None
    web_server_ip: str | None = None
    rtmp_port: int | None = None


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database: Path | None = None
    """The SQLite database file (`--database PATH`); None: `<datadir>/ownstream.db`."""
    database_server: str | None = field(default=None, repr=False)
    """The database's SQLAlchemy URL given by `--database-url` (PostgreSQL, or SQLite named by URL) instead
    of a file (it may hold a password: kept out of `repr`)."""
    log_dir: Path | None = None
    log_level: str = "info"
    trusted_proxies: tuple[IPNetwork, ...] = ()
    """Reverse proxies whose `X-Forwarded-For`/`-Proto` are believed (net/client_address.py)."""
    max_connections_per_address: int = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS
    """Open connections one address may hold on each port; 0 = no cap."""
    allow_private_addresses: bool = False
    """Let remote-follow lookups and federation (deliveries, actor and key fetches) reach loopback, LAN
    and other non-public hosts."""
    process_slot: int = 0
    """This process's number among the processes serving one site (0 … 1023); chat client ids carry it
    in their high bits (domain/ids.py), so they are unique across processes."""
    redis_url: str | None = field(default=None, repr=False)
    """`--redis-url`: the Redis that carries chat, moderation, configuration changes, stream state and
    presence between the processes serving one site (cluster/); None: one process, everything in memory.
    It may hold a password: kept out of `repr`."""
    role: str = "all"
    workers: int = 0
    """`--workers N` (N ≥ 2): this process is the media process and supervises N web processes that
    share its HTTP port (cluster/workers.py); 0 or 1: no workers."""
    media_url: str | None = None
    """A web process's way to the media process (`http://host:port`): `/hls/` requests are forwarded
    there."""
    listen_fd: int | None = None
    """A worker's inherited listening HTTP socket (`OWNSTREAM_LISTEN_FD`, set by the parent)."""
    max_chat_sockets: int = 0
    """`--max-chat-sockets`: chat sockets the site holds at most (across processes with `--redis-url`);
    0: only each process's own limit (70 % of its open-file limit)."""
    overrides: RuntimeOverrides = field(default_factory=RuntimeOverrides)
    # Operation: listen address of RTMP, logs, metrics (bootstrap only, never stored)
    rtmp_ip: str = "0.0.0.0"
    access_log: bool = False
    debug_libraries: bool = False
    log_format: str = "text"
    hls_format: str = "fmp4"
    """HLS segments: `fmp4` (the CMAF packager, low latency at levels 0-1) or `mpegts` (old players)."""
    replay_disk_budget: int | None = None
    """Bytes the recordings may take (`--replay-disk-budget`); None: 20 % of the data disk, at least
    2 GiB (replays/files.py)."""
    metrics_token: str | None = field(default=None, repr=False)
    """Bearer token for `/metrics` (environment only); None keeps `/metrics` switched off."""
    timings: Timings = field(default_factory=Timings)
    remotes: Remotes = field(default_factory=Remotes)

    @property
    def database_path(self) -> Path:
        return self.database if self.database is not None else self.data_dir / "ownstream.db"

    @property
    def logs_path(self) -> Path:
        return self.log_dir if self.log_dir is not None else self.data_dir / "logs"

    @property
    def hls_path(self) -> Path:
        return self.data_dir / "hls"

    @property
    def backup_path(self) -> Path:
        return self.data_dir / "backup"

    @property
    def database_url(self) -> str:
        """The one place the database is named: everything that opens, locks, backs up or restores it
        starts from this URL."""
        if self.database_server is not None:
            return self.database_server
        return f"sqlite+aiosqlite:///{self.database_path}"


def flag_variable(dest: str) -> str:
    """The environment variable of the flag whose argparse `dest` is `dest`: `--access-log` (dest
    `access_log`) is `OWNSTREAM_ACCESS_LOG`."""
    return ENV_PREFIX + dest.upper()


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("port must be between 1 and 65535")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ownstream",
        description="Self-hosted live video and chat server (Owncast API compatible).",
        epilog=f"Every flag can also be given as an environment variable {ENV_PREFIX}<FLAG>, "
        f"e.g. {ENV_PREFIX}DATADIR=/srv/ownstream or {ENV_PREFIX}ACCESS_LOG=1 (dashes become underscores). "
        f"{ENV_PREFIX}METRICS_TOKEN (environment only) serves /metrics to that Bearer token. "
        "`ownstream restore FILE` restores a database backup (see `ownstream restore --help`).",
    )
    parser.add_argument("--datadir", type=Path, help="data directory (default ./data)")
    parser.add_argument("--database", help="SQLite database file (default <datadir>/ownstream.db)")
    parser.add_argument(
        "--database-url",
        help="the database as a URL instead of a file: postgresql+asyncpg://user:password@host:port/name "
        "(PostgreSQL, for several processes or boxes) or sqlite+aiosqlite:///path",
    )
    parser.add_argument("--logdir", type=Path, help="log directory (default <datadir>/logs)")
    parser.add_argument("--loglevel", choices=LOG_LEVELS, help="log level (default info)")
    parser.add_argument(
        "--streamkey", help="set and persist the stream key (also the admin password until one is set)"
    )
    parser.add_argument("--adminpassword", help="set and persist the admin password (stored hashed)")
    parser.add_argument("--webserverport", type=_port, help="set and persist the HTTP port")
    parser.add_argument("--webserverip", help="set and persist the HTTP listen address")
    parser.add_argument("--rtmpport", type=_port, help="set and persist the RTMP port")
    # Operation (not stored): RTMP listen address, logs
    parser.add_argument("--rtmpip", help="RTMP listen address (default 0.0.0.0; not stored)")
    parser.add_argument(
        "--access-log", action="store_true", default=None, help="log one line per HTTP request"
    )
    parser.add_argument(
        "--debug-libraries",
        action="store_true",
        default=None,
        help="with --loglevel debug, also log the libraries' debug messages",
    )
    parser.add_argument("--log-format", choices=LOG_FORMATS, help="log line format (default text)")
    parser.add_argument(
        "--hls-format",
        choices=HLS_FORMATS,
        help="HLS segments: fmp4 (low-latency HLS at latency levels 0-1) or mpegts for old players "
        "(standard HLS at every level; default fmp4)",
    )
    parser.add_argument(
        "--trusted-proxies",
        help="comma-separated addresses and CIDR networks of reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed (default none)",
    )
    parser.add_argument(
        "--max-connections-per-address",
        help=f"open connections one client address may hold on each port; 0 = no cap "
        f"(default {DEFAULT_MAX_CONNECTIONS_PER_ADDRESS})",
    )
    parser.add_argument(
        "--allow-private-addresses",
        action="store_const",
        const="1",
        help="let remote-follow lookups, Web Push endpoints and federation reach loopback, private and "
        "link-local addresses (default off)",
    )
    parser.add_argument(
        "--process-slot",
        help=f"this process's number (0-{MAX_PROCESS_SLOT}) when several processes serve one site; "
        "chat client ids carry it (default 0)",
    )
    parser.add_argument(
        "--replay-disk-budget",
        help="bytes the recorded replays may take, with an optional K, M, G or T suffix (binary units); "
        "the oldest finished replays are removed to stay within it (default 20%% of the data disk, "
        "at least 2G)",
    )
    parser.add_argument(
        "--redis-url",
        help="redis://[:password@]host:port/db: share chat, moderation, settings changes, stream state and "
        "viewer presence with the other processes serving this site (default: none, one process)",
    )
    parser.add_argument(
        "--role",
        choices=ROLES,
        help="all (default): one process does everything; media: RTMP ingest, ffmpeg, HLS, recording and "
        "simulcast; web: API, pages and chat, forwarding /hls/ to --media-url",
    )
    parser.add_argument(
        "--media-url",
        help="for --role web: the media process's HTTP address (http://host:port), where /hls/ requests "
        "are forwarded",
    )
    parser.add_argument(
        "--workers",
        help="run N web processes (N >= 2) sharing this process's HTTP port, restarted when they die; "
        "this process is the media process (needs --redis-url and --database-url)",
    )
    parser.add_argument(
        "--max-chat-sockets",
        help="chat sockets the whole site holds at most, counted across processes with --redis-url; "
        "0 = each process's own limit only (default 0)",
    )
    return parser


_SIZE = re.compile(r"\s*([0-9]{1,20})\s*([KMGT]?)i?B?\s*", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def parse_size(text: str) -> int:
    """`5G`, `500M`, `1048576`: a positive number of bytes (ValueError otherwise)."""
    match = _SIZE.fullmatch(text)
    if match is None or int(match.group(1)) <= 0:
        raise ValueError(text)
    return int(match.group(1)) * _SIZE_UNITS[match.group(2).upper()]


def _flag(parser: argparse.ArgumentParser, name: str, text: str | None) -> bool:
    if text is None:
        return False
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    parser.error(f"{ENV_PREFIX}{name}: expected one of {', '.join(TRUE_WORDS + FALSE_WORDS[:-1])}")


def _with_driver(parser: argparse.ArgumentParser, url: str) -> str:
    scheme, separator, rest = url.partition("://")
    if not separator or not DATABASE_URL.match(url):
        parser.error(
            f"--database-url / {ENV_PREFIX}DATABASE_URL: expected a URL such as "
            "postgresql+asyncpg://user:password@host/name"
        )
    return f"{DEFAULT_DRIVERS.get(scheme.lower(), scheme)}://{rest}"


def _workers(
    parser: argparse.ArgumentParser, text: str | None, redis_url: str | None, database: str | None, role: str
) -> int:
    if text is None:
        return 0
    setting = f"--workers / {ENV_PREFIX}WORKERS"
    try:
        workers = int(text)
    except ValueError:
        workers = -1
    if not 0 <= workers <= MAX_WORKERS:
        parser.error(f"{setting}: must be a whole number from 0 to {MAX_WORKERS}")
    if workers > 1:
        if redis_url is None:
            parser.error(
                f"{setting} above 1 needs --redis-url / {ENV_PREFIX}REDIS_URL: the workers share chat, "
                "settings and the stream's state through Redis"
            )
        if database is None or database.startswith("sqlite"):
            parser.error(
                f"{setting} above 1 needs --database-url / {ENV_PREFIX}DATABASE_URL with PostgreSQL: "
                "an SQLite file serves one process"
            )
        if role != "all":
            parser.error(f"{setting}: the parent is the media process; leave --role out")
    return workers


def _listen_fd(parser: argparse.ArgumentParser, text: str | None) -> int | None:
    if not text:
        return None
    try:
        descriptor = int(text)
    except ValueError:
        descriptor = -1
    if descriptor < 0:
        parser.error(f"{LISTEN_FD_ENV}: must be a file descriptor number")
    return descriptor


def _max_chat_sockets(parser: argparse.ArgumentParser, text: str | None) -> int:
    if text is None:
        return 0
    try:
        limit = int(text)
    except ValueError:
        limit = -1
    if limit < 0:
        parser.error(
            f"--max-chat-sockets / {ENV_PREFIX}MAX_CHAT_SOCKETS: "
            "must be a whole number, 0 for no site-wide limit"
        )
    return limit


def load_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then environment, then flags."""
    env = os.environ if environ is None else environ
    parser = build_parser()
    args = parser.parse_args(argv)

    def pick(flag: str) -> str | None:
        value = getattr(args, flag)
        if value is not None:
            return str(value)
        return env.get(flag_variable(flag)) or None

    def pick_switch(flag: str) -> bool:
        if getattr(args, flag):
            return True
        return _flag(parser, flag.upper(), env.get(flag_variable(flag)))

    def pick_port(flag: str) -> int | None:
        text = pick(flag)
        if text is None:
            return None
        try:
            return _port(text)
        except (ValueError, argparse.ArgumentTypeError):
            parser.error(f"{ENV_PREFIX}{flag.upper()}: port must be a number between 1 and 65535")

    trusted_text = pick("trusted_proxies") or ""
    try:
        trusted_proxies = parse_networks(trusted_text)
    except ValueError as error:
        parser.error(f"--trusted-proxies / {ENV_PREFIX}TRUSTED_PROXIES: {error}")
    cap_text = pick("max_connections_per_address")
    max_connections = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS
    if cap_text is not None:
        try:
            max_connections = int(cap_text)
        except ValueError:
            max_connections = -1
        if max_connections < 0:
            parser.error(
                f"--max-connections-per-address / {ENV_PREFIX}MAX_CONNECTIONS_PER_ADDRESS: "
                "must be a whole number, 0 for no cap"
            )
    # The federation issue names the variable OWNSTREAM_FEDERATION_ALLOW_PRIVATE_ADDRESSES; the flag's
    # own OWNSTREAM_ALLOW_PRIVATE_ADDRESSES works too.
    private_text = (pick("allow_private_addresses") or env.get(PRIVATE_ADDRESSES_ENV) or "").strip().lower()
    if private_text not in TRUE_WORDS + FALSE_WORDS:
        parser.error(f"{PRIVATE_ADDRESSES_ENV} must be 1 or 0")

    slot_text = pick("process_slot")
    process_slot = 0
    if slot_text is not None:
        try:
            process_slot = int(slot_text)
        except ValueError:
            process_slot = -1
        if not 0 <= process_slot <= MAX_PROCESS_SLOT:
            parser.error(
                f"--process-slot / {ENV_PREFIX}PROCESS_SLOT: "
                f"must be a whole number from 0 to {MAX_PROCESS_SLOT}"
            )

    log_level = (pick("loglevel") or "info").lower()
    if log_level not in LOG_LEVELS:
        parser.error(f"log level must be one of {', '.join(LOG_LEVELS)}")
    log_format = (pick("log_format") or "text").lower()
    if log_format not in LOG_FORMATS:
        parser.error(f"log format must be one of {', '.join(LOG_FORMATS)}")
    hls_format = (pick("hls_format") or "fmp4").lower()
    if hls_format not in HLS_FORMATS:
        parser.error(f"HLS format must be one of {', '.join(HLS_FORMATS)}")
    budget_text = pick("replay_disk_budget")
    replay_disk_budget: int | None = None
    if budget_text is not None:
        try:
            replay_disk_budget = parse_size(budget_text)
        except ValueError:
            parser.error(
                f"--replay-disk-budget / {ENV_PREFIX}REPLAY_DISK_BUDGET: a positive number of bytes, "
                "optionally with K, M, G or T"
            )
    data_dir = Path(pick("datadir") or "data")
    database = pick("database")
    database_server = pick("database_url")
    if database and database_server:
        parser.error(
            f"--database / {ENV_PREFIX}DATABASE and --database-url / {ENV_PREFIX}DATABASE_URL both name "
            "the database: give one"
        )
    if database and DATABASE_URL.match(database):
        parser.error(f"--database / {ENV_PREFIX}DATABASE takes a file: give a URL as --database-url")
    if database_server is not None:
        database_server = _with_driver(parser, database_server)
    log_dir = pick("logdir")
    redis_url = pick("redis_url")
    if redis_url is not None and not redis_url.lower().startswith(REDIS_SCHEMES):
        parser.error(
            f"--redis-url / {ENV_PREFIX}REDIS_URL: expected a URL such as redis://127.0.0.1:6379/0 "
            "(or rediss:// or unix://)"
        )
    role = pick("role") or "all"
    if role not in ROLES:
        parser.error(f"{ENV_PREFIX}ROLE: must be one of {', '.join(ROLES)}")
    media_url = pick("media_url")
    if media_url is not None and not media_url.lower().startswith(("http://", "https://")):
        parser.error(f"--media-url / {ENV_PREFIX}MEDIA_URL: expected a URL such as http://10.0.0.5:8080")
    if role == "web" and media_url is None:
        parser.error(
            f"--role web needs --media-url / {ENV_PREFIX}MEDIA_URL: where the media process serves /hls/"
        )
    if role == "web" and redis_url is None:
        parser.error(
            f"--role web needs --redis-url / {ENV_PREFIX}REDIS_URL: the stream's state and chat come from "
            "the other processes through Redis"
        )
    workers = _workers(parser, pick("workers"), redis_url, database_server, role)
    if workers > 1 and process_slot + workers > MAX_PROCESS_SLOT:
        parser.error(
            f"--workers / {ENV_PREFIX}WORKERS: the workers take the process slots after --process-slot "
            f"({process_slot}), which end at {MAX_PROCESS_SLOT}"
        )
    listen_fd = _listen_fd(parser, env.get(LISTEN_FD_ENV))
    max_chat_sockets = _max_chat_sockets(parser, pick("max_chat_sockets"))
    return Settings(
        data_dir=data_dir,
        database=Path(database) if database else None,
        database_server=database_server,
        log_dir=Path(log_dir) if log_dir else None,
        log_level=log_level,
        trusted_proxies=trusted_proxies,
        max_connections_per_address=max_connections,
        allow_private_addresses=private_text in TRUE_WORDS,
        process_slot=process_slot,
        redis_url=redis_url,
        role=role,
        workers=workers,
        media_url=media_url.rstrip("/") if media_url is not None else None,
        listen_fd=listen_fd,
        max_chat_sockets=max_chat_sockets,
        overrides=RuntimeOverrides(
            stream_key=pick("streamkey"),
            admin_password=pick("adminpassword"),
            web_server_port=pick_port("webserverport"),
            web_server_ip=pick("webserverip"),
            rtmp_port=pick_port("rtmpport"),
        ),
        rtmp_ip=pick("rtmpip") or "0.0.0.0",
        access_log=pick_switch("access_log"),
        debug_libraries=pick_switch("debug_libraries"),
        log_format=log_format,
        hls_format=hls_format,
        replay_disk_budget=replay_disk_budget,
        metrics_token=env.get(METRICS_TOKEN_ENV) or None,
    )
