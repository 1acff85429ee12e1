"""`ownstream` / `python -m ownstream`: parse settings, set up logging once, run until SIGINT/SIGTERM.

`ownstream restore FILE` restores a database backup instead (the server must be stopped). Anything else
on the command line is the server's flags, exactly as before the subcommand existed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from ownstream.app import Ownstream
from ownstream.database.restore import RestoreError, restore_into
from ownstream.logsetup import LoggingSetup, LogOptions, configure_logging
from ownstream.owncast_import.importer import ImportFailed, import_owncast
from ownstream.serve_workers import serve_with_workers
from ownstream.settings import ENV_PREFIX, Settings, load_settings
from ownstream.startup import DATADIR_SETTING, LOGDIR_SETTING, StartupError, prepare_directory

log = logging.getLogger("ownstream")

RESTORE_COMMAND = "restore"
IMPORT_COMMAND = "import-owncast"


def tune_garbage_collector() -> None:
    """Fewer, cheaper collections: with thousands of chat sockets a full collection of the default
    schedule paused the loop for 0.15–2 s (bench/chat_fanout.py --gc-stats). What exists after start-up
    lives for the whole run, so it is moved out of the collector's way."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


async def serve(settings: Settings, logs: LoggingSetup) -> int:
    server = Ownstream(settings, log_buffer=logs.buffer, log_safety=logs.safety)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await server.start()  # stops whatever it started when it fails
    except (StartupError, OSError) as error:
        log.error("could not start: %s", error)
        return 1
    tune_garbage_collector()
    await stop.wait()
    log.info("shutting down")
    await server.stop()
    return 0


def prepare_logging(settings: Settings) -> LoggingSetup:
    """The data and log folders first: a log file cannot tell that its own folder is missing."""
    prepare_directory(settings.data_dir, "data dir", DATADIR_SETTING)
    prepare_directory(settings.logs_path, "log dir", LOGDIR_SETTING)
    try:
        return configure_logging(LogOptions.from_settings(settings))
    except OSError as error:
        reason = error.strerror or str(error)
        raise StartupError(
            f"log files in {settings.logs_path} cannot be opened ({reason}): set {LOGDIR_SETTING}"
        ) from None


def build_restore_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ownstream restore",
        description="Restore a database backup (e.g. <datadir>/backup/ownstream-…db.gz) into the configured "
        "database, keeping the replaced one as <database>.before-restore. Stop the server first.",
        epilog=f"{ENV_PREFIX}DATADIR and {ENV_PREFIX}DATABASE are read as by the server.",
    )
    parser.add_argument("file", type=Path, help="the backup: gzipped (as the hourly backups) or plain SQLite")
    parser.add_argument("--datadir", help="data directory (default ./data)")
    parser.add_argument(
        "--database", help="SQLite database file (default <datadir>/ownstream.db); a database URL is refused"
    )
    return parser


def restore(argv: Sequence[str]) -> int:
    args = build_restore_parser().parse_args(argv)
    flags = [
        item
        for name in ("datadir", "database")
        if (value := getattr(args, name)) is not None
        for item in (f"--{name}", value)
    ]
    database_url = load_settings(flags).database_url
    try:
        restored = restore_into(args.file, database_url)
    except RestoreError as error:
        print(f"ownstream restore: nothing restored: {error}", file=sys.stderr)
        return 1
    kept = f"; the replaced database is kept as {restored.previous}" if restored.previous else ""
    print(f"restored {args.file} (schema {restored.revision}) into {restored.database}{kept}")
    return 0


def build_import_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"ownstream {IMPORT_COMMAND}",
        description="Import an Owncast server's data (configuration, stream keys, users and their tokens, "
        "chat, webhooks, followers and the federation key, logo and emoji) into the configured database. "
        "Stop the server first.",
        epilog=f"{ENV_PREFIX}DATADIR and {ENV_PREFIX}DATABASE are read as by the server.",
    )
    parser.add_argument(
        "source", type=Path, help="Owncast's owncast.db, its data dir, or the folder it ran in"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an Ownstream database that already holds data (kept as <database>.before-import)",
    )
    parser.add_argument("--datadir", help="data directory (default ./data)")
    parser.add_argument("--database", help="database file or URL (default <datadir>/ownstream.db)")
    return parser


def import_command(argv: Sequence[str]) -> int:
    args = build_import_parser().parse_args(argv)
    flags = [
        item
        for name in ("datadir", "database")
        if (value := getattr(args, name)) is not None
        for item in (f"--{name}", value)
    ]
    settings = load_settings(flags)
    try:
        report = import_owncast(args.source, settings.database_url, settings.data_dir, force=args.force)
    except ImportFailed as error:
        print(f"ownstream {IMPORT_COMMAND}: nothing imported: {error}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == [RESTORE_COMMAND]:
        raise SystemExit(restore(arguments[1:]))
    if arguments[:1] == [IMPORT_COMMAND]:
        raise SystemExit(import_command(arguments[1:]))
    settings = load_settings(arguments)
    try:
        logs = prepare_logging(settings)
    except StartupError as error:
        print(f"ownstream: could not start: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    if settings.workers > 1:
        code = asyncio.run(serve_with_workers(settings, logs, arguments))
    else:
        code = asyncio.run(serve(settings, logs))
    if code:
        raise SystemExit(code)


if __name__ == "__main__":
    main()
