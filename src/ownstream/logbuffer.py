"""In-memory log buffers that `/api/admin/logs` and `/api/admin/logs/warnings` read (reference §7)."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from ownstream.clock import rfc3339

BUFFER_SIZE = 500

_LEVEL_NAMES = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warning",
    logging.ERROR: "error",
    logging.CRITICAL: "fatal",
}


@dataclass(frozen=True)
class LogEntry:
    message: str
    level: str
    time: datetime

    def to_json(self) -> dict[str, str]:
        return {"message": self.message, "level": self.level, "time": rfc3339(self.time)}


class LogBuffer(logging.Handler):
    """Keeps the newest entries at or above the handler's level, and warnings-and-up separately."""

    def __init__(self, size: int = BUFFER_SIZE) -> None:
        super().__init__()
        self.all: deque[LogEntry] = deque(maxlen=size)
        self.warnings: deque[LogEntry] = deque(maxlen=size)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            entry = LogEntry(
                message=record.getMessage(),
                level=_LEVEL_NAMES.get(record.levelno, record.levelname.lower()),
                time=datetime.fromtimestamp(record.created).astimezone(),
            )
        except Exception:
            self.handleError(record)
            return
        self.all.append(entry)
        if record.levelno >= logging.WARNING:
            self.warnings.append(entry)
