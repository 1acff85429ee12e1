"""A throwaway Redis for the tests, from Debian's `redis-server`: a free loopback port, its files in a
temporary folder, nothing saved to disk; stopped (the folder removed) at the end."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    def __init__(self, binary: str) -> None:
        self._binary = binary
        self._root = Path(tempfile.mkdtemp(prefix="ownstream-redis-"))
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self._root / "server.log").open("wb")
        self._process = subprocess.Popen(
            [
                self._binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self._root),
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--protected-mode", "yes",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 20
        # Ours answering, not another program's server that took the port first (then ours exits).
        while not self._ready():
            if self._process.poll() is not None or time.monotonic() > deadline:
                text = self.log()
                self.stop()
                raise RuntimeError(f"redis-server did not start: {text}")
            time.sleep(0.02)

    def _ready(self) -> bool:
        running = self._process is not None and self._process.poll() is None
        return running and _answers(self.port) and "Ready to accept" in self.log()

    def log(self) -> str:
        return (self._root / "server.log").read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM, and SIGKILL if it has not gone within 10 s; the folder stays (`remove` deletes it)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self._root, ignore_errors=True)
