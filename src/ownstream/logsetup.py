"""Logging is configured once, here, by the CLI (or a test harness); modules only call getLogger.

Where lines go:
- the console and `<logdir>/ownstream.log` (rotated), and the in-memory buffer behind `/api/admin/logs`;
- `ownstream.access` (one line per HTTP request, when switched on): the console and `<logdir>/access.log`;
- `ownstream.transcoder` (everything ffmpeg writes to stderr): `<logdir>/transcoder.log` only.
Every handler redacts secrets and shortens client-caused errors to one line (`logfilters`).
"""

from __future__ import annotations

import logging
import logging.handlers
from dataclasses import dataclass
from pathlib import Path

from ownstream.logbuffer import LogBuffer
from ownstream.logfilters import SafeRecordFilter
from ownstream.logformat import make_formatter
from ownstream.settings import Settings

ACCESS_LOGGER = "ownstream.access"
AUDIT_LOGGER = "ownstream.audit"
TRANSCODER_LOGGER = "ownstream.transcoder"
OWN_LOGGERS = "ownstream"
LIBRARY_INFO_NOISE = ("aiohttp.access", "alembic.runtime.migration", "asyncio")
"""Libraries whose info lines are noise too (alembic lists every migration step at each start)."""
MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 3


@dataclass(frozen=True)
class LogOptions:
    level: str = "info"
    log_dir: Path | None = None
    log_format: str = "text"
    debug_libraries: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> LogOptions:
        return cls(
            level=settings.log_level,
            log_dir=settings.logs_path,
            log_format=settings.log_format,
            debug_libraries=settings.debug_libraries,
        )


@dataclass(frozen=True)
class LoggingSetup:
    buffer: LogBuffer
    safety: SafeRecordFilter
    """The redaction filter on every handler; the server tells it where the current secrets are."""


def _rotating(path: Path, formatter: logging.Formatter, safety: SafeRecordFilter) -> logging.Handler:
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(formatter)
    handler.addFilter(safety)
    return handler


def _reset(logger: logging.Logger) -> None:
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def configure_logging(options: LogOptions) -> LoggingSetup:
    """Console + rotating files (when a log dir is given) + the in-memory buffer.

    Raises OSError when the log dir cannot be created or a log file cannot be opened."""
    numeric = getattr(logging, options.level.upper(), logging.INFO)
    libraries_quiet = numeric == logging.DEBUG and not options.debug_libraries
    root = logging.getLogger()
    _reset(root)
    # At debug, our own loggers say everything; the libraries (aiosqlite statements, markdown-it rules,
    # botocore, asyncio…) stay at info unless asked for.
    root.setLevel(logging.INFO if libraries_quiet else numeric)
    logging.getLogger(OWN_LOGGERS).setLevel(numeric)
    for noisy in LIBRARY_INFO_NOISE:
        quiet = max(numeric, logging.WARNING)
        logging.getLogger(noisy).setLevel(logging.NOTSET if options.debug_libraries else quiet)

    formatter = make_formatter(options.log_format)
    safety = SafeRecordFilter()
    console = logging.StreamHandler()
    console.setFormatter(formatter)
    console.addFilter(safety)
    root.addHandler(console)

    if options.log_dir is not None:
        options.log_dir.mkdir(parents=True, exist_ok=True)
        root.addHandler(_rotating(options.log_dir / "ownstream.log", formatter, safety))

    buffer = LogBuffer()
    buffer.setLevel(numeric)
    buffer.addFilter(safety)
    root.addHandler(buffer)

    access = logging.getLogger(ACCESS_LOGGER)
    _reset(access)
    access.propagate = False
    access.setLevel(logging.INFO)
    access.addHandler(console)
    if options.log_dir is not None:
        access.addHandler(_rotating(options.log_dir / "access.log", formatter, safety))

    transcoder = logging.getLogger(TRANSCODER_LOGGER)
    _reset(transcoder)
    transcoder.propagate = False
    transcoder.setLevel(logging.INFO)
    if options.log_dir is not None:
        transcoder.addHandler(_rotating(options.log_dir / "transcoder.log", formatter, safety))
    else:
        transcoder.addHandler(logging.NullHandler())
    return LoggingSetup(buffer=buffer, safety=safety)
