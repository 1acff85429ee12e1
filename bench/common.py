"""Shared benchmark plumbing: a real `python -m ownstream` on free loopback ports with a temp data dir,
publishers, CPU sampling, and cleanup that never leaves a server or an ffmpeg running.

Every process a benchmark starts goes through `spawn()`: it gets its own process group, and
`stop_process()` (called from `finally`) ends the process, its group and any descendants it started
in other groups. An `atexit` hook kills whatever is still registered if a script dies unexpectedly.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import imageio_ffmpeg
import psutil

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
PYTHON = sys.executable
FFMPEG: str = imageio_ffmpeg.get_ffmpeg_exe()
STREAM_KEY = "abc123"

_started: dict[int, psutil.Process] = {}
"""Processes this benchmark started and has not stopped yet (pid → handle), for the atexit safety net."""


def _kill_leftovers() -> None:
    for process in list(_started.values()):
        _kill_tree(process)
    _started.clear()


atexit.register(_kill_leftovers)


def _kill_tree(process: psutil.Process) -> None:
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        family = [process]
    for member in family:
        with contextlib.suppress(psutil.Error):
            member.kill()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------------- processes


async def spawn(
    *args: str | Path,
    stdin: int | None = asyncio.subprocess.DEVNULL,
    stdout: int | None = asyncio.subprocess.DEVNULL,
    stderr: int | None = asyncio.subprocess.DEVNULL,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> asyncio.subprocess.Process:
    """Start a process in a new session (its own process group) and register it for cleanup."""
    process = await asyncio.create_subprocess_exec(
        *(str(a) for a in args),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    with contextlib.suppress(psutil.NoSuchProcess):
        _started[process.pid] = psutil.Process(process.pid)
    return process


async def stop_process(process: asyncio.subprocess.Process, grace: float = 10.0) -> None:
    """SIGTERM (a graceful stop for the server), then SIGKILL to the whole group and every descendant."""
    handle = _started.pop(process.pid, None)
    descendants: list[psutil.Process] = []
    if handle is not None:
        with contextlib.suppress(psutil.Error):
            descendants = handle.children(recursive=True)
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    for child in descendants:
        with contextlib.suppress(psutil.Error):
            child.kill()
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------------------------------------- server


async def configure(datadir: Path, **changes: Any) -> None:
    """Write runtime settings into a data dir's database with the project's own code (before start)."""
    from ownstream.config.service import ConfigService
    from ownstream.database.db import open_database
    from ownstream.database.repos.config import ConfigRepository
    from ownstream.events import EventBus

    engine = await open_database(f"sqlite+aiosqlite:///{datadir / 'ownstream.db'}")
    try:
        service = ConfigService(ConfigRepository(engine), EventBus())
        await service.load()
        await service.update(**changes)
    finally:
        await engine.dispose()


def passthrough_variants() -> tuple[Any, ...]:
    from ownstream.transcode.variants import StreamVariant

    return (StreamVariant(videoPassthrough=True, audioPassthrough=True),)


@dataclass
class Server:
    process: asyncio.subprocess.Process
    datadir: Path
    web_port: int
    rtmp_port: int
    started_at: float
    log_path: Path
    key: str = STREAM_KEY
    host: str = "127.0.0.1"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    @property
    def rtmp_url(self) -> str:
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/{self.key}"

    def variant_playlist_url(self, index: int = 0) -> str:
        return f"{self.base_url}/hls/{index}/stream.m3u8"

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class ServerFailed(RuntimeError):
    pass


@contextlib.asynccontextmanager
async def ownstream_server(
    *,
    passthrough: bool = False,
    latency_level: int | None = None,
    loglevel: str = "warning",
    ready_timeout: float = 60.0,
    command: Sequence[str | Path] | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    settings: dict[str, Any] | None = None,
    host: str = "127.0.0.1",
) -> AsyncIterator[Server]:
    """Run an Ownstream (by default `python -m ownstream` from this checkout) until the block ends;
    `settings` are runtime configuration fields written before it starts; `host` is the HTTP listen
    address (another loopback address, e.g. 127.0.0.2, stands for a second box)."""
    with tempfile.TemporaryDirectory(prefix="ownstream-bench-") as tmp:
        datadir = Path(tmp) / "data"
        datadir.mkdir()
        changes: dict[str, Any] = dict(settings or {})
        if passthrough:
            changes["video_variants"] = passthrough_variants()
        if latency_level is not None:
            changes["video_latency_level"] = latency_level
        if changes:
            await configure(datadir, **changes)
        web_port, rtmp_port = free_port(), free_port()
        base = list(command) if command is not None else [PYTHON, "-m", "ownstream"]
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log_file:
            process = await spawn(
                *base,
                "--datadir",
                datadir,
                "--webserverport",
                str(web_port),
                "--rtmpport",
                str(rtmp_port),
                "--streamkey",
                STREAM_KEY,
                "--webserverip",
                host,
                "--loglevel",
                loglevel,
                # Benchmarks open thousands of sockets from one address: the per-address cap is off.
                "--max-connections-per-address",
                "0",
                stdout=log_file.fileno(),
                stderr=log_file.fileno(),
                env=env,
                cwd=cwd,
            )
        server = Server(process, datadir, web_port, rtmp_port, time.monotonic(), log_path, host=host)
        try:
            await wait_ready(server, ready_timeout)
            yield server
        finally:
            await stop_process(process)


async def wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if server.process.returncode is not None:
                raise ServerFailed(f"server exited with {server.process.returncode}:\n{server.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.get(f"{server.base_url}/api/status", timeout=_timeout(2)) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise ServerFailed(f"/api/status did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def _timeout(seconds: float) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(total=seconds)


async def get_status(http: aiohttp.ClientSession, server: Server) -> dict[str, Any]:
    async with http.get(f"{server.base_url}/api/status", timeout=_timeout(3)) as response:
        response.raise_for_status()
        data: dict[str, Any] = await response.json()
        return data


async def wait_online(
    http: aiohttp.ClientSession, server: Server, timeout: float, poll: float = 0.1
) -> float:
    """Wait until `/api/status` says online; returns the monotonic time it was first seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.returncode is not None:
            raise ServerFailed(f"server exited with {server.process.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(aiohttp.ClientError, TimeoutError, ValueError):
            if (await get_status(http, server)).get("online"):
                return time.monotonic()
        await asyncio.sleep(poll)
    raise ServerFailed(f"stream not online within {timeout:.0f} s:\n{server.log_tail()}")


async def fetch_text(http: aiohttp.ClientSession, url: str) -> str | None:
    """GET a text resource; None on 404 or connection trouble."""
    try:
        async with http.get(url, timeout=_timeout(3)) as response:
            if response.status != 200:
                return None
            return await response.text()
    except (aiohttp.ClientError, TimeoutError):
        return None


# --------------------------------------------------------------------------------------------- playlists


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float


def playlist_segments(text: str) -> list[Segment]:
    """The media segments of an HLS media playlist, in order."""
    segments: list[Segment] = []
    duration = 0.0
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#"):
            segments.append(Segment(line, duration))
    return segments


# -------------------------------------------------------------------------------------------- publishers


@dataclass(frozen=True)
class ClipSpec:
    """A pre-encoded H.264/AAC FLV clip, keyframes every second, encoded once into bench/.cache/."""

    width: int
    height: int
    fps: int
    kbps: int
    seconds: int
    noise: int = 0
    """Temporal noise strength: makes the picture hard to compress so x264 really spends the bitrate."""

    @property
    def path(self) -> Path:
        name = f"clip-{self.width}x{self.height}-{self.fps}fps-{self.kbps}k-{self.seconds}s-n{self.noise}.flv"
        return CACHE / name


async def ensure_clip(spec: ClipSpec) -> Path:
    if spec.path.exists():
        return spec.path
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / ".gitignore").write_text("# encoded test clips: rebuilt on demand, never committed\n*\n")
    partial = spec.path.with_suffix(".part.flv")
    video_filter = f"noise=alls={spec.noise}:allf=t" if spec.noise else "null"
    rate = f"{spec.kbps}k"
    print(f"encoding {spec.path.name} (once) …", file=sys.stderr, flush=True)
    process = await spawn(
        FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={spec.width}x{spec.height}:rate={spec.fps}",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-t", str(spec.seconds), "-vf", video_filter,
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-g", str(spec.fps), "-keyint_min", str(spec.fps), "-sc_threshold", "0",
        "-b:v", rate, "-minrate", rate, "-maxrate", rate, "-bufsize", f"{spec.kbps}k",
        "-c:a", "aac", "-b:a", "128k", "-ac", "2",
        "-f", "flv", partial,
        stderr=None,
    )  # fmt: skip
    try:
        if await process.wait() != 0:
            raise RuntimeError(f"ffmpeg could not encode {spec.path.name}")
    finally:
        await stop_process(process)
    partial.rename(spec.path)
    return spec.path


def measured_kbps(path: Path) -> float:
    """Average total bitrate of a media file (all streams), from its size and duration (PyAV)."""
    import av

    with av.open(str(path), mode="r") as container:
        seconds = float(container.duration or 0) / 1_000_000
    return path.stat().st_size * 8 / 1000 / seconds if seconds else 0.0


async def publish_file(clip: Path, url: str, *, output_format: str = "flv") -> asyncio.subprocess.Process:
    """ffmpeg pushing a clip in real time, looped, `-c copy` (what a cheap broadcaster looks like)."""
    return await spawn(
        FFMPEG, "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
        "-i", clip, "-c", "copy", "-f", output_format, url,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------- measuring


def own_cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds of this process itself (all threads), children excluded."""
    times = process.cpu_times()
    return float(times.user + times.system)


def tree_cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds of a process's current descendants (e.g. the server's ffmpeg)."""
    total = 0.0
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += own_cpu_seconds(child)
    return total


@dataclass
class CpuWindows:
    """Per-window CPU use in % of one core."""

    own: list[float] = field(default_factory=list)
    children: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)


async def sample_cpu(pid: int, *, windows: int, seconds: float) -> CpuWindows:
    process = psutil.Process(pid)
    result = CpuWindows()
    own = own_cpu_seconds(process)
    kids = tree_cpu_seconds(process)
    wall = time.monotonic()
    for _ in range(windows):
        await asyncio.sleep(seconds)
        now_own, now_kids, now = own_cpu_seconds(process), tree_cpu_seconds(process), time.monotonic()
        elapsed = now - wall
        result.own.append(100 * (now_own - own) / elapsed)
        result.children.append(100 * max(0.0, now_kids - kids) / elapsed)
        result.rss_mb.append(process.memory_info().rss / 2**20)
        own, kids, wall = now_own, now_kids, now
    return result


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt(value: float, digits: int = 2) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}"


def save_result(name: str, data: dict[str, Any]) -> Path:
    """Also keep the numbers as JSON in bench/results/ (git-ignored) for run_all's summary."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {
        "benchmark": name,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cpus": os.cpu_count(),
        "loadavg_1_5_15": [round(v, 2) for v in os.getloadavg()],
        **data,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path
