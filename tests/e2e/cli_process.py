"""The real `ownstream` command as a subprocess, its console output kept in a file (a pipe nobody reads
would fill up and stall the server)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.e2e.waiting import wait_until


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class CliServer:
    process: asyncio.subprocess.Process
    web_port: int
    rtmp_port: int
    console: Path
    data_dir: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def rtmp_url(self, key: str, app: str = "live") -> str:
        return f"rtmp://127.0.0.1:{self.rtmp_port}/{app}/{key}"

    def log_text(self, name: str = "ownstream.log") -> str:
        return (self.data_dir / "logs" / name).read_text()

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 20)

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the box loses power or the OOM killer strikes."""
        if self.process.returncode is None:
            os.kill(self.process.pid, signal.SIGKILL)
        await self.process.wait()


async def run_cli(*args: str, env: Mapping[str, str] | None = None, timeout: float = 30) -> tuple[int, str]:
    """Run `python -m ownstream ARGS` to its end: (exit status, everything it printed)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ownstream", *args,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, output.decode("utf-8", "replace")


@asynccontextmanager
async def cli_server(
    data_dir: Path, *flags: str, env: Mapping[str, str] | None = None
) -> AsyncIterator[CliServer]:
    web_port, rtmp_port = free_port(), free_port()
    console = data_dir.parent / f"{data_dir.name}-console.txt"
    with console.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "ownstream",
            "--datadir", str(data_dir),
            "--webserverport", str(web_port), "--rtmpport", str(rtmp_port), "--webserverip", "127.0.0.1",
            *flags,
            env={**os.environ, **(env or {})}, stdout=output, stderr=output,
        )  # fmt: skip
    running = CliServer(process, web_port, rtmp_port, console, data_dir)
    try:
        async with aiohttp.ClientSession() as http:

            async def up() -> bool:
                if process.returncode is not None:
                    raise AssertionError(f"the server exited: {console.read_text()}")
                try:
                    async with http.get(f"{running.base_url}/api/status") as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            await wait_until(up, 30, "the server to answer")
        yield running
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
