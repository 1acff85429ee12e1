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
from collections.abc import Sequence
from pathlib import Path

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


def database_url_for(admin_url: str, data_dir: Path) -> str:
    """The URL of the database that belongs to `data_dir` on the server of `admin_url`, created empty
    the first time: a server started again on the same data dir (a restart test) finds its data again,
    as it would in its SQLite file. Synchronous (a `make_settings` call sits inside tests on a running
    loop and outside them), so the creation runs on its own loop in a short-lived thread."""
    name = "ownstream_" + hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:24]
    failure: list[BaseException] = []

    def create() -> None:
        try:
            asyncio.run(_create_database(admin_url, name))
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    thread = threading.Thread(target=create, name="create-test-database")
    thread.start()
    thread.join(60)
    if failure:
        raise failure[0]
    return admin_url.rsplit("/", 1)[0] + "/" + name


async def _create_database(admin_url: str, name: str) -> None:
    import asyncpg

    dsn = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
