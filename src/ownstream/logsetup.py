"""Logging is configured once, here, by the CLI (or a test harness); modules only call getLogger."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from ownstream.logbuffer import LogBuffer

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str, log_dir: Path | None) -> LogBuffer:
    """Console + rotating file (when a log dir is given) + the in-memory buffer; returns the buffer."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    numeric = getattr(logging, level.upper(), logging.INFO)
    root.setLevel(numeric)
    formatter = logging.Formatter(FORMAT)

    console = logging.StreamHandler()
    console.setFormatter(formatter)
    root.addHandler(console)

    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / "ownstream.log", maxBytes=10 * 1024 * 1024, backupCount=3, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)

    buffer = LogBuffer()
    buffer.setLevel(numeric)
    root.addHandler(buffer)
    for noisy in ("aiohttp.access", "alembic.runtime.migration", "asyncio"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
    return buffer
