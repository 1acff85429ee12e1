"""`ownstream` / `python -m ownstream`: parse settings, set up logging once, run until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Sequence

from ownstream.app import Ownstream
from ownstream.logsetup import configure_logging
from ownstream.settings import Settings, load_settings

log = logging.getLogger("ownstream")


def tune_garbage_collector() -> None:
    """Fewer, cheaper collections: with thousands of chat sockets a full collection of the default
    schedule paused the loop for 0.15–2 s (bench/chat_fanout.py --gc-stats). What exists after start-up
    lives for the whole run, so it is moved out of the collector's way."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


async def serve(settings: Settings) -> None:
    buffer = configure_logging(settings.log_level, settings.logs_path)
    server = Ownstream(settings, log_buffer=buffer)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await server.start()
    except OSError as exc:
        log.error("could not start: %s", exc)
        await server.stop()
        raise SystemExit(1) from None
    tune_garbage_collector()
    await stop.wait()
    log.info("shutting down")
    await server.stop()


def main(argv: Sequence[str] | None = None) -> None:
    settings = load_settings(argv)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
