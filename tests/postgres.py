"""A throwaway PostgreSQL server for the tests, from Debian's packages: a cluster in a temporary folder,
listening on a free loopback port only, trust authentication, no durability (fsync off: the data dies
with the test run anyway).

As root (CI, this machine) the server runs as the `postgres` user, which `initdb` requires; the folder is
handed to that user. Each test that asks gets a database of its own (`fresh_database_url`).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

POSTGRES_URL_ENV = "OWNSTREAM_TEST_POSTGRES_URL"
"""The administrative URL of a running test server (`postgresql+asyncpg://postgres@127.0.0.1:PORT/postgres`):
set by the conftest that started one, inherited by the xdist workers; set it by hand to use another server."""
SERVER_USER = "postgres"


def postgres_bin_dir() -> Path | None:
    """Debian's newest installed PostgreSQL (`/usr/lib/postgresql/<major>/bin`), or one on PATH."""
    versions = sorted(
        (path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").exists()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster started for a test run and stopped (its folder removed) at the end."""

    def __init__(self, bin_dir: Path) -> None:
        self._bin = bin_dir
        self._root = Path(tempfile.mkdtemp(prefix="ownstream-pg-"))
        self._data = self._root / "data"
        self.port = _free_port()
        self._as_other_user = os.geteuid() == 0

    @property
    def admin_url(self) -> str:
        return f"postgresql+asyncpg://{SERVER_USER}@127.0.0.1:{self.port}/postgres"

    def _run(self, argv: Sequence[str]) -> None:
        command = list(argv)
        if self._as_other_user:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        if self._as_other_user:
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(self._root, entry.pw_uid, entry.pw_gid)
        self._run(
            [
                str(self._bin / "initdb"),
                "-D",
                str(self._data),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "-E",
                "UTF8",
            ]
        )
        options = " ".join(
            (
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self._root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=300",
            )
        )
        log = self._root / "server.log"
        self._run(
            [str(self._bin / "pg_ctl"), "-D", str(self._data), "-l", str(log), "-o", options, "-w", "start"]
        )

    def stop(self) -> None:
        try:
            self._run([str(self._bin / "pg_ctl"), "-D", str(self._data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self._root, ignore_errors=True)


MIGRATED_TEMPLATE = "ownstream_migrated"
"""A database the run migrates once (`prepare_migrated_template`): the test servers' databases are copies
of it, so each server's start finds its schema current instead of migrating again (a copy is much faster
than the migrations). The migrations themselves are tested on empty databases (tests/database)."""


def _url_of(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _in_a_thread(work: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
    """Run `work` on its own loop in a short-lived thread: the callers sit inside tests on a running
    loop and outside them, and must not care which."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(work())
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    thread = threading.Thread(target=run, name=name)
    thread.start()
    thread.join(120)
    if failure:
        raise failure[0]


def prepare_migrated_template(admin_url: str) -> None:
    from ownstream.database.db import migrate

    async def create() -> None:
        await _create_database(admin_url, MIGRATED_TEMPLATE, template=None)

    _in_a_thread(create, "create-template-database")
    migrate(_url_of(admin_url, MIGRATED_TEMPLATE))


def database_url_for(admin_url: str, data_dir: Path, *, empty: bool = False) -> str:
    """The URL of the database that belongs to `data_dir` on the server of `admin_url`, created the first
    time (a copy of the migrated template where the run made one, else empty): a server started again on
    the same data dir (a restart test) finds its data again, as it would in its SQLite file. `empty`: never
    a copy, for the tests of the migrations."""
    name = "ownstream_" + hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:24]

    async def create() -> None:
        await _create_database(admin_url, name, template=None if empty else MIGRATED_TEMPLATE)

    _in_a_thread(create, "create-test-database")
    return _url_of(admin_url, name)


async def _create_database(admin_url: str, name: str, *, template: str | None) -> None:
    import asyncpg

    dsn = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return
        if template is not None and await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", template
        ):
            await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
