"""Start-up failures of the real command: one line naming the setting to change, no traceback, status 1.
And `--rtmpip`, the RTMP listen address."""

from __future__ import annotations

import contextlib
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.e2e.cli_process import cli_server, free_port, run_cli

pytestmark = pytest.mark.e2e


def assert_one_clear_line(code: int, output: str, expected: str) -> None:
    assert code == 1, output
    assert "Traceback" not in output, output
    problem_lines = [line for line in output.splitlines() if "could not start" in line]
    assert len(problem_lines) == 1, output
    assert expected in problem_lines[0], output


@contextlib.contextmanager
def occupied_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def ports(web: int | None = None, rtmp: int | None = None) -> list[str]:
    return ["--webserverport", str(web or free_port()), "--rtmpport", str(rtmp or free_port())]


async def test_web_port_in_use(tmp_path: Path) -> None:
    with occupied_port() as port:
        code, output = await run_cli("--datadir", str(tmp_path / "data"), *ports(web=port))
    assert_one_clear_line(
        code, output, f"HTTP port {port} is in use: set --webserverport / OWNSTREAM_WEBSERVERPORT"
    )


async def test_rtmp_port_in_use(tmp_path: Path) -> None:
    with occupied_port() as port:
        code, output = await run_cli("--datadir", str(tmp_path / "data"), *ports(rtmp=port))
    assert_one_clear_line(code, output, f"RTMP port {port} is in use: set --rtmpport / OWNSTREAM_RTMPPORT")


async def test_data_dir_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    code, output = await run_cli("--datadir", str(target), *ports())
    assert_one_clear_line(code, output, f"data dir {target} is a file, not a folder: set --datadir")


async def test_data_dir_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "data"
    code, output = await run_cli("--datadir", str(target), *ports())
    assert_one_clear_line(code, output, f"data dir {target} cannot be created")
    assert "OWNSTREAM_DATADIR" in output


async def test_database_cannot_be_opened(tmp_path: Path) -> None:
    database = tmp_path / "a-folder.db"
    database.mkdir()
    code, output = await run_cli("--datadir", str(tmp_path / "data"), "--database", str(database), *ports())
    assert_one_clear_line(
        code, output, f"database {database} cannot be opened for writing (unable to open database file)"
    )
    assert "--database / OWNSTREAM_DATABASE" in output


async def test_a_database_url_whose_driver_is_missing(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ownstream:s3cret@127.0.0.1:1/ownstream"
    code, output = await run_cli("--datadir", str(tmp_path / "data"), "--database-url", url, *ports())
    assert_one_clear_line(
        code,
        output,
        "database postgresql+psycopg://ownstream:***@127.0.0.1:1/ownstream needs the Python package",
    )
    assert "s3cret" not in output


async def test_a_database_server_that_cannot_be_reached(tmp_path: Path) -> None:
    url = "postgresql://ownstream:s3cret@127.0.0.1:1/ownstream"
    code, output = await run_cli("--datadir", str(tmp_path / "data"), "--database-url", url, *ports())
    assert_one_clear_line(
        code, output, "database postgresql+asyncpg://ownstream:***@127.0.0.1:1/ownstream cannot be used ("
    )
    assert "--database-url / OWNSTREAM_DATABASE_URL" in output
    assert "s3cret" not in output


async def test_second_server_on_the_same_database(tmp_path: Path) -> None:
    async with cli_server(tmp_path / "data") as first:
        code, output = await run_cli("--datadir", str(first.data_dir), *ports())
        assert await first.stop() == 0
    assert_one_clear_line(code, output, f"database {first.data_dir / 'ownstream.db'} is in use")


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A read-only tmpfs: the tests run as root, for whom permission bits do not stop a write."""
    mount = tmp_path / "ro"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        (mount / "existing").mkdir()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, capture_output=True)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


async def test_data_dir_that_cannot_be_created(read_only_mount: Path) -> None:
    target = read_only_mount / "data"
    code, output = await run_cli("--datadir", str(target), *ports())
    assert_one_clear_line(
        code, output, f"data dir {target} cannot be created (Read-only file system): set --datadir"
    )


async def test_data_dir_that_is_not_writable(read_only_mount: Path) -> None:
    target = read_only_mount / "existing"
    code, output = await run_cli("--datadir", str(target), *ports())
    assert_one_clear_line(
        code, output, f"data dir {target} is not writable (Read-only file system): set --datadir"
    )


async def test_database_on_a_read_only_disk(tmp_path: Path, read_only_mount: Path) -> None:
    database = read_only_mount / "existing" / "ownstream.db"
    code, output = await run_cli("--datadir", str(tmp_path / "data"), "--database", str(database), *ports())
    assert_one_clear_line(code, output, f"database {database} cannot be opened for writing")


async def test_rtmpip_sets_the_rtmp_listen_address(tmp_path: Path) -> None:
    async with cli_server(tmp_path / "data", "--rtmpip", "127.0.0.1") as server:
        listening = {
            connection.laddr.ip
            for connection in psutil.Process(server.process.pid).net_connections(kind="tcp")
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == server.rtmp_port
        }
        assert await server.stop() == 0
    assert listening == {"127.0.0.1"}
    assert f"RTMP ingest listening on rtmp://127.0.0.1:{server.rtmp_port}/live" in server.log_text()


async def test_rtmpip_from_the_environment(tmp_path: Path) -> None:
    async with cli_server(tmp_path / "data", env={"OWNSTREAM_RTMPIP": "127.0.0.1"}) as server:
        assert await server.stop() == 0
    assert f"RTMP ingest listening on rtmp://127.0.0.1:{server.rtmp_port}/live" in server.log_text()
