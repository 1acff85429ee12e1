"""A real, small file system to fill up: a tmpfs mounted for one test (the tests run as root here).

Where a tmpfs cannot be mounted (no privileges, no `mount`), the test is skipped with the reason.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def mounted_tmpfs(mount_point: Path, *, size_mb: int) -> Iterator[Path]:
    mount_point.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    if mount is None:
        pytest.skip("no `mount` command: a full disk is simulated on a small tmpfs, which cannot be mounted")
    result = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here ({result.stderr.strip()}): it is needed to fill a disk")
    try:
        yield mount_point
    finally:
        # Lazy: a process that still holds a file open there must not make the test fail here.
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def fill(mount_point: Path, *, database: Path | None = None) -> Path:
    """Fill the file system to the last byte; returns the filler file (unlink it to free the space).

    With `database`, SQLite's write-ahead log is first checkpointed and truncated, so the next write
    to the database needs new space (otherwise it may reuse log pages it already has).
    """
    if database is not None:
        with contextlib.closing(sqlite3.connect(database)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    filler = mount_point / "filler"
    with filler.open("wb", buffering=0) as handle:
        for block in (1 << 20, 1 << 16, 1 << 12, 1):
            data = bytes(block)
            while True:
                try:
                    handle.write(data)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    return filler
