"""Real `ownstream` processes serving one site: one PostgreSQL database and one Redis, each process with
its own data dir, HTTP port and process slot. Started with `subprocess` (not asyncio's), so they outlive
the event loop of any one test and can be shared by a module; their console output goes to a file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.cli_process import free_port, listens_on
from tests.harness import admin_auth

STREAM_KEY = "abc123"


@dataclass
class Node:
    process: subprocess.Popen[bytes]
    web_port: int
    rtmp_port: int
    data_dir: Path
    console: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_node(data_dir: Path, database_url: str, redis_url: str, slot: int, *flags: str) -> Node:
    data_dir.mkdir(parents=True, exist_ok=True)
    web_port, rtmp_port = free_port(), free_port()
    console = data_dir.parent / f"{data_dir.name}-console.txt"
    with console.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "ownstream",
                "--datadir", str(data_dir),
                "--database-url", database_url,
                "--redis-url", redis_url,
                "--process-slot", str(slot),
                "--streamkey", STREAM_KEY,
                "--webserverport", str(web_port), "--rtmpport", str(rtmp_port), "--webserverip", "127.0.0.1",
                *flags,
            ],
            stdout=output, stderr=output,
        )  # fmt: skip
    node = Node(process, web_port, rtmp_port, data_dir, console)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {console.read_text()}")
        if listens_on(process.pid, web_port) and _status_ok(node.base_url):
            return node
        if time.monotonic() > deadline:
            node.kill()
            raise AssertionError(f"the server did not answer: {console.read_text()}")
        time.sleep(0.1)


def _status_ok(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/api/status", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def admin_post(node: Node, path: str, body: Any) -> Any:
    """A POST to an admin endpoint, with the admin's credentials (the stream key until a password is
    set); the JSON answer."""
    request = urllib.request.Request(
        node.base_url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **admin_auth(STREAM_KEY)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def flag_value(node: Node, flag: str) -> str:
    """The value a node was started with for `flag`."""
    arguments = node.process.args
    assert isinstance(arguments, list)
    return str(arguments[arguments.index(flag) + 1])
