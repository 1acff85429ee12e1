"""What a `--workers` parent hands its web processes: its own flags, less those it decides for them."""

from __future__ import annotations

from pathlib import Path

from ownstream.cluster.workers import worker_arguments, worker_environment


def test_the_parent_keeps_the_operators_flags_and_decides_role_slot_media_url_and_logs() -> None:
    arguments = [
        "--datadir", "/srv/own", "--workers", "4", "--redis-url", "redis://r/0", "--role=all",
        "--process-slot", "2", "--logdir=/var/log/own", "--media-url", "http://x", "--loglevel", "debug",
    ]  # fmt: skip
    assert worker_arguments(arguments) == [
        "--datadir", "/srv/own", "--redis-url", "redis://r/0", "--loglevel", "debug",
    ]  # fmt: skip
    environment = worker_environment(
        {"OWNSTREAM_WORKERS": "4", "PATH": "/bin"},
        slot=3,
        media_url="http://127.0.0.1:4100",
        listen_fd=9,
        log_dir=Path("/var/log/own/worker-3"),
    )
    assert environment == {
        "PATH": "/bin",
        "OWNSTREAM_WORKERS": "0",
        "OWNSTREAM_ROLE": "web",
        "OWNSTREAM_PROCESS_SLOT": "3",
        "OWNSTREAM_MEDIA_URL": "http://127.0.0.1:4100",
        "OWNSTREAM_LOGDIR": "/var/log/own/worker-3",
        "OWNSTREAM_LISTEN_FD": "9",
    }
