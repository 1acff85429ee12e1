"""Tests that call `configure_logging` change process-wide logging; this puts it back afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from ownstream.logsetup import ACCESS_LOGGER, LIBRARY_INFO_NOISE, OWN_LOGGERS, TRANSCODER_LOGGER

TOUCHED = (OWN_LOGGERS, ACCESS_LOGGER, TRANSCODER_LOGGER, "aiosqlite", *LIBRARY_INFO_NOISE)


@contextmanager
def own_logging() -> Iterator[None]:
    """Hands `configure_logging` a root logger without pytest's handlers, then restores everything."""
    root = logging.getLogger()
    saved_root = (list(root.handlers), root.level)
    saved = {name: _state(logging.getLogger(name)) for name in TOUCHED}
    for handler in saved_root[0]:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for logger in (root, *(logging.getLogger(name) for name in TOUCHED)):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
                handler.close()
        for handler in saved_root[0]:
            root.addHandler(handler)
        root.setLevel(saved_root[1])
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            for handler in handlers:
                logger.addHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


def _state(logger: logging.Logger) -> tuple[list[logging.Handler], int, bool]:
    return list(logger.handlers), logger.level, logger.propagate


def flush_all() -> None:
    for logger in (logging.getLogger(), *(logging.getLogger(name) for name in TOUCHED)):
        for handler in logger.handlers:
            handler.flush()
