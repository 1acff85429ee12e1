"""Chat fan-out: N WebSocket clients, one message broadcast 20 times a second for 20 s.

For each N: a fresh server (`python -m ownstream`, chat enabled, no stream) pinned to core 0; an access
token with `CAN_SEND_SYSTEM_MESSAGES` (admin Basic auth); a pool of registered chat users
(`POST /api/chat/register`), whose tokens the clients reuse round-robin; then bench/chat_fanout_clients.py,
a separate process pinned to core 1, opens N sockets with bounded concurrency and waits for each one's
`CONNECTED_USER_INFO`. This process (also on core 1) then posts `bench <seq> <time_ns>` to
`/api/integrations/chat/system` on a fixed 20 Hz schedule without waiting for replies (the timestamp is
taken at the scheduled moment), so every socket should get every `SYSTEM` event; receivers compute
delivery latency against the same clock.

Reported per N: deliveries/s (bench events received ÷ (last receipt − first send)), expected vs received,
latency p50/p90/p99/max, server CPU (% of one core over the 20 s send window, plus the busiest 1 s, and µs
of server CPU per delivery) and RSS, the client process's and this process's CPU, other processes' load on
each core (the machine is shared), events per frame, sockets the server closed (dropped as too slow), the
hub size before/after (`/api/integrations/clients`) and exception lines from the server's log.
Numbers go to bench/results/chat_fanout.json; docs/benchmarks.md ("Chat fan-out") holds and reads them.

    .venv/bin/python bench/chat_fanout.py [--clients 1000 4000 10000] [--rate 20] [--seconds 20]
        [--gc-stats]                  # diagnosis: the server's garbage collections in the window
        [--profile-server /tmp/fo]    # diagnosis: the server under cProfile → /tmp/fo.<N>.prof
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import json
import os
import platform
import re
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from common import PYTHON, STREAM_KEY, Server, fmt, ownstream_server, save_result, spawn, stop_process

CLIENTS = Path(__file__).with_name("chat_fanout_clients.py")
ADMIN = {"Authorization": "Basic " + base64.b64encode(f"admin:{STREAM_KEY}".encode()).decode()}
LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d [\d:,.]+\s+")
GC_WRAPPER = """
import atexit, gc, json, os, runpy, sys, time
events = []
started = [0.0]
def watch(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        events.append((time.time(), info["generation"], time.perf_counter() - started[0]))
gc.callbacks.append(watch)
def dump():
    with open(os.environ["FANOUT_GC_STATS"], "w") as out:
        json.dump(events, out)
atexit.register(dump)
sys.argv = ["ownstream", *sys.argv[1:]]
runpy.run_module("ownstream", run_name="__main__", alter_sys=True)
"""
"""`python -c` program that runs `python -m ownstream` unchanged but records each garbage collection
(wall time, generation, duration) and writes them to $FANOUT_GC_STATS at exit (`--gc-stats`)."""
CAP_MS = 60_000.0
"""The clients' latency histogram ends at 60 s."""
TARGETS = {4000: 150.0, 10000: 250.0}
"""N → p99 target in ms (plus: every message delivered, no socket dropped)."""


def checkout_state() -> str:
    """HEAD plus a hash of uncommitted chat/API changes: ties a number to the code it measured."""
    repo = Path(__file__).resolve().parents[1]

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=repo, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    diff = git("diff", "HEAD", "--", "src/ownstream/chat", "src/ownstream/api")
    dirty = f" + uncommitted src/ownstream/{{chat,api}} diff {hashlib.sha1(diff.encode()).hexdigest()[:10]}"
    return git("rev-parse", "--short", "HEAD") + (dirty if diff else "")


def raise_open_file_limit(pid: int | None = None) -> tuple[int, int]:
    """Soft RLIMIT_NOFILE up to the hard limit, for this process or (prlimit) another one."""
    if pid is None:
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return resource.getrlimit(resource.RLIMIT_NOFILE)
    process = psutil.Process(pid)
    _soft, hard = process.rlimit(psutil.RLIMIT_NOFILE)
    process.rlimit(psutil.RLIMIT_NOFILE, (hard, hard))
    limits: tuple[int, int] = process.rlimit(psutil.RLIMIT_NOFILE)
    return limits


# ------------------------------------------------------------------------------------------- server API


async def create_token(http: aiohttp.ClientSession, server: Server) -> str:
    body = {"name": "fanout-bench", "scopes": ["CAN_SEND_SYSTEM_MESSAGES", "HAS_ADMIN_ACCESS"]}
    async with http.post(
        f"{server.base_url}/api/admin/accesstokens/create", json=body, headers=ADMIN
    ) as response:
        response.raise_for_status()
        token: str = (await response.json())["accessToken"]
        return token


async def register_users(
    http: aiohttp.ClientSession, server: Server, count: int, parallel: int = 8
) -> tuple[list[str], float]:
    """Register `count` chat users; returns their tokens and the seconds it took."""
    tokens: list[str] = []
    queue = list(range(count))

    async def worker() -> None:
        while queue:
            index = queue.pop()
            async with http.post(
                f"{server.base_url}/api/chat/register", json={"displayName": f"bench-{index}"}
            ) as response:
                response.raise_for_status()
                tokens.append((await response.json())["accessToken"])

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(parallel)))
    return tokens, time.monotonic() - started


async def hub_size(http: aiohttp.ClientSession, server: Server, token: str) -> int:
    """Sockets in the server's chat hub, from the integration API (outside the measured window)."""
    async with http.get(
        f"{server.base_url}/api/integrations/clients",
        headers={"Authorization": f"Bearer {token}"},
        timeout=aiohttp.ClientTimeout(total=60),
    ) as response:
        response.raise_for_status()
        return len(await response.json())


# ---------------------------------------------------------------------------------------- client process


class ClientProcess:
    """bench/chat_fanout_clients.py, spoken to over line-JSON on its stdin/stdout."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    async def read(self, timeout: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"client process exited ({self.process.returncode})")
        document: dict[str, Any] = json.loads(line)
        return document

    async def ask(self, command: str, timeout: float = 30.0) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command.encode() + b"\n")
        await self.process.stdin.drain()
        return await self.read(timeout)


# --------------------------------------------------------------------------------------------- measuring


def cpu_seconds(process: psutil.Process) -> tuple[float, float]:
    """(user, system) CPU seconds of the process itself."""
    times = process.cpu_times()
    return float(times.user), float(times.system)


def core_busy_seconds() -> list[float]:
    return [
        float(t.user + t.nice + t.system + t.irq + t.softirq + t.steal) for t in psutil.cpu_times(percpu=True)
    ]


@dataclass
class CpuSnapshot:
    wall: float
    server: tuple[float, float]
    client: tuple[float, float]
    me: tuple[float, float]
    cores: list[float]

    @classmethod
    def take(cls, server: psutil.Process, client: psutil.Process, me: psutil.Process) -> CpuSnapshot:
        return cls(
            time.monotonic(), cpu_seconds(server), cpu_seconds(client), cpu_seconds(me), core_busy_seconds()
        )


def cpu_between(a: CpuSnapshot, b: CpuSnapshot) -> dict[str, Any]:
    """% of one core between two snapshots; `*_system` is the kernel share (socket work)."""
    wall = b.wall - a.wall
    result: dict[str, Any] = {}
    for name in ("server", "client", "me"):
        (user_a, sys_a), (user_b, sys_b) = getattr(a, name), getattr(b, name)
        key = "sender" if name == "me" else name
        result[key] = 100 * (user_b - user_a + sys_b - sys_a) / wall
        result[f"{key}_system"] = 100 * (sys_b - sys_a) / wall
    result["cores"] = [100 * (y - x) / wall for x, y in zip(a.cores, b.cores, strict=True)]
    result["seconds"] = wall
    return result


def other_load(cpu: dict[str, Any], args: argparse.Namespace) -> list[float]:
    """CPU % used on the server's and the clients' core by processes that are not ours (shared machine)."""
    cores = cpu["cores"]
    return [
        max(0.0, cores[args.server_core] - cpu["server"]),
        max(0.0, cores[args.client_core] - cpu["client"] - cpu["sender"]),
    ]


async def sample_every_second(
    server: psutil.Process, client: psutil.Process, me: psutil.Process, out: list[dict[str, Any]]
) -> None:
    previous = CpuSnapshot.take(server, client, me)
    while True:
        await asyncio.sleep(1.0)
        current = CpuSnapshot.take(server, client, me)
        out.append({**cpu_between(previous, current), "server_rss_mb": server.memory_info().rss / 2**20})
        previous = current


def gc_in_window(path: Path, sent: dict[str, Any]) -> dict[str, Any] | None:
    """The server's garbage collections during the send window, per generation (`--gc-stats`)."""
    try:
        events = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    finally:
        path.unlink(missing_ok=True)
    start, end = sent["first_send_ns"] / 1e9, sent["last_send_ns"] / 1e9
    inside = [(gen, seconds) for stamp, gen, seconds in events if start <= stamp <= end]
    return {
        f"gen{gen}": {
            "count": sum(1 for g, _ in inside if g == gen),
            "seconds": sum(d for g, d in inside if g == gen),
            "max_ms": 1000 * max((d for g, d in inside if g == gen), default=0.0),
        }
        for gen in (0, 1, 2)
    }


def error_lines(log_path: Path) -> dict[str, int]:
    """Distinct exception lines in the server's log (warning level), with counts."""
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return {}
    found: dict[str, int] = {}
    for line in text.splitlines():
        if line[:1].isspace() or not ("Error" in line or "Exception" in line or "ERROR" in line):
            continue
        key = LOG_PREFIX.sub("", line)[:200]
        found[key] = found.get(key, 0) + 1
    return found


def ms(value: float) -> str:
    """A latency for the tables; the histogram's last bucket means "60 s or more"."""
    return f"≥ {CAP_MS:,.0f}" if value >= CAP_MS else fmt(value, 1)


def percentile(hist: dict[int, int], bucket_ns: int, fraction: float) -> float:
    """Upper edge (ms) of the histogram bucket holding the `fraction` quantile."""
    total = sum(hist.values())
    if not total:
        return float("nan")
    rank = fraction * total
    seen = 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen >= rank:
            return (bucket + 1) * bucket_ns / 1e6
    return (max(hist) + 1) * bucket_ns / 1e6


# --------------------------------------------------------------------------------------------- one run


async def send_messages(
    http: aiohttp.ClientSession, server: Server, token: str, rate: float, count: int
) -> dict[str, Any]:
    """POST `count` system messages on a fixed schedule; never waits for a reply before the next send."""
    url = f"{server.base_url}/api/integrations/chat/system"
    headers = {"Authorization": f"Bearer {token}"}
    round_trips: list[float] = []
    failures: list[str] = []

    async def post(body: str) -> None:
        started = time.monotonic()
        try:
            async with http.post(url, json={"body": body}, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    failures.append(f"HTTP {response.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            failures.append(repr(exc))
        round_trips.append(time.monotonic() - started)

    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    first_ns = 0
    late = 0.0
    posts: list[asyncio.Task[None]] = []
    for seq in range(count):
        due = start + seq / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        late = max(late, loop.time() - due)
        now_ns = time.time_ns()
        first_ns = first_ns or now_ns
        posts.append(asyncio.create_task(post(f"bench {seq} {now_ns}")))
    last_ns = time.time_ns()
    await asyncio.wait(posts, timeout=30)
    round_trips.sort()
    return {
        "first_send_ns": first_ns,
        "last_send_ns": last_ns,
        "max_schedule_lateness_ms": late * 1000,
        "post_failures": failures[:5],
        "post_failure_count": len(failures),
        "post_ms_p50": round_trips[len(round_trips) // 2] * 1000 if round_trips else float("nan"),
        "post_ms_max": round_trips[-1] * 1000 if round_trips else float("nan"),
    }


async def drain(clients: ClientProcess, expected: int, quiet: float, limit: float) -> float:
    """Wait until every expected event arrived, or nothing new came for `quiet` s, or `limit` s passed."""
    started = time.monotonic()
    last_count, last_change = -1, started
    while time.monotonic() - started < limit:
        status = await clients.ask("status")
        if status["bench_events"] >= expected:
            break
        if status["bench_events"] != last_count:
            last_count, last_change = status["bench_events"], time.monotonic()
        elif time.monotonic() - last_change > quiet:
            break
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def measure(n: int, args: argparse.Namespace) -> dict[str, Any]:
    messages = int(args.rate * args.seconds)
    me = psutil.Process()
    command: list[str] | None = None
    env: dict[str, str] | None = None
    gc_file = Path(tempfile.gettempdir()) / f"ownstream-fanout-gc-{os.getpid()}-{n}.json"
    if args.profile_server:
        # Diagnosis only (cProfile roughly halves the server's speed): where the server's time goes.
        command = [PYTHON, "-m", "cProfile", "-o", f"{args.profile_server}.{n}.prof", "-m", "ownstream"]
    elif args.gc_stats:
        command = [PYTHON, "-c", GC_WRAPPER]
        env = {**os.environ, "FANOUT_GC_STATS": str(gc_file)}
    async with ownstream_server(loglevel="warning", command=command, env=env) as server:
        os.sched_setaffinity(server.pid, {args.server_core})
        server_limits = raise_open_file_limit(server.pid)
        server_proc = psutil.Process(server.pid)
        connector = aiohttp.TCPConnector(limit=64)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=60)
        ) as http:
            token = await create_token(http, server)
            users, register_seconds = await register_users(http, server, min(n, args.users))
            idle_rss = server_proc.memory_info().rss / 2**20
            with tempfile.TemporaryDirectory(prefix="ownstream-fanout-") as tmp:
                tokens_file = Path(tmp) / "tokens.txt"
                result_file = Path(tmp) / "result.json"
                tokens_file.write_text("\n".join(users) + "\n")
                process = await spawn(
                    PYTHON, CLIENTS, "--port", str(server.web_port), "--tokens-file", tokens_file,
                    "--result-file", result_file,
                    "--count", str(n), "--messages", str(messages), "--core", str(args.client_core),
                    "--concurrency", str(args.connect_concurrency),
                    "--connect-deadline", str(args.connect_deadline),
                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=None,
                )  # fmt: skip
                clients = ClientProcess(process)
                try:
                    ready = await clients.read(timeout=args.connect_deadline + 30)
                    client_proc = psutil.Process(clients.pid)
                    hub_before = await hub_size(http, server, token)
                    connected_rss = server_proc.memory_info().rss / 2**20
                    await asyncio.sleep(args.settle)
                    samples: list[dict[str, Any]] = []
                    sampler = asyncio.create_task(sample_every_second(server_proc, client_proc, me, samples))
                    before = CpuSnapshot.take(server_proc, client_proc, me)
                    sent = await send_messages(http, server, token, args.rate, messages)
                    after_send = CpuSnapshot.take(server_proc, client_proc, me)
                    send_samples = list(samples)
                    # The window ends at the last send; posts still in flight are awaited above (≤ 30 s).
                    expected = ready["ready"] * messages
                    drain_seconds = await drain(clients, expected, quiet=args.quiet, limit=args.drain)
                    after_drain = CpuSnapshot.take(server_proc, client_proc, me)
                    sampler.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sampler
                    peak_rss = max(
                        [s["server_rss_mb"] for s in samples] + [server_proc.memory_info().rss / 2**20]
                    )
                    hub_after = await hub_size(http, server, token)
                    server_errors = error_lines(server.log_path)
                    await clients.ask("stop", timeout=60)
                    result = json.loads(result_file.read_text())
                finally:
                    await stop_process(process, grace=5)
    gc_window = gc_in_window(gc_file, sent) if args.gc_stats else None
    return summarize(
        n, args, messages, ready, result, sent, samples, send_samples,
        cpu_between(before, after_send), cpu_between(before, after_drain),
        extra={
            "users_registered": len(users),
            "register_seconds": register_seconds,
            "server_nofile": list(server_limits),
            "hub_before": hub_before,
            "hub_after": hub_after,
            "server_log_errors": server_errors,
            "drain_seconds": drain_seconds,
            "server_rss_idle_mb": idle_rss,
            "server_rss_connected_mb": connected_rss,
            "server_rss_peak_mb": peak_rss,
            "server_gc_in_send_window": gc_window,
        },
    )  # fmt: skip


def summarize(
    n: int,
    args: argparse.Namespace,
    messages: int,
    ready: dict[str, Any],
    result: dict[str, Any],
    sent: dict[str, Any],
    samples: list[dict[str, Any]],
    window: list[dict[str, Any]],
    window_cpu: dict[str, Any],
    drain_cpu: dict[str, Any],
    extra: dict[str, Any],
) -> dict[str, Any]:
    hist = {int(k): v for k, v in result["hist"].items()}
    bucket_ns = result["bucket_ns"]
    connected = ready["ready"]
    expected = connected * messages
    received = result["bench_events"]
    span_s = (result["last_ns"] - sent["first_send_ns"]) / 1e9 if received else float("nan")
    dropped = sum(result["closed_after_ready"].values())
    per_message = result["per_message"]
    row = {
        "clients": n,
        "connected": connected,
        "connect_failures": ready["failures"],
        "connect_seconds": ready["seconds"],
        "messages": messages,
        "rate_per_s": args.rate,
        "expected": expected,
        "received": received,
        "all_delivered": received == expected and dropped == 0,
        "messages_short": sum(1 for count in per_message if count < connected),
        "deliveries_per_s": received / span_s if span_s == span_s and span_s > 0 else float("nan"),
        "asked_per_s": connected * args.rate,
        "span_s": span_s,
        "after_last_send_ms": (result["last_ns"] - sent["last_send_ns"]) / 1e6 if received else float("nan"),
        "latency_ms": {
            "p50": percentile(hist, bucket_ns, 0.50),
            "p90": percentile(hist, bucket_ns, 0.90),
            "p99": percentile(hist, bucket_ns, 0.99),
            "p999": percentile(hist, bucket_ns, 0.999),
            "max": (max(hist) + 1) * bucket_ns / 1e6 if hist else float("nan"),
        },
        "dropped_sockets": dropped,
        "dropped_reasons": result["closed_after_ready"],
        "per_socket_min": result["per_socket_min"],
        "per_socket_max": result["per_socket_max"],
        "other_events": result["other_events"],
        "frames": result["frames"],
        "events_per_frame": (received + result["other_events"]) / result["frames"] if result["frames"] else 0,
        "bytes": result["bytes"],
        "cpu_send_window": window_cpu,
        "cpu_send_plus_drain": drain_cpu,
        "other_load_server_core_client_core": other_load(window_cpu, args),
        "server_cpu_us_per_delivery": (
            drain_cpu["server"] / 100 * drain_cpu["seconds"] / received * 1e6 if received else float("nan")
        ),
        "server_cpu_peak_1s": max((s["server"] for s in window), default=float("nan")),
        "client_cpu_peak_1s": max((s["client"] for s in window), default=float("nan")),
        "cpu_per_second": [
            {k: ([round(c, 1) for c in v] if isinstance(v, list) else round(v, 1)) for k, v in s.items()}
            for s in samples
        ],
        "sender": sent,
        "loadavg_before": None,
        **extra,
    }
    target = TARGETS.get(n)
    if target is not None:
        row["target_p99_ms"] = target
        row["target_met"] = bool(row["all_delivered"] and row["latency_ms"]["p99"] <= target)
    return row


# ------------------------------------------------------------------------------------------------ output


def print_row(row: dict[str, Any]) -> None:
    lat = row["latency_ms"]
    cpu = row["cpu_send_window"]
    others = row["other_load_server_core_client_core"]
    lines = [
        f"N = {row['clients']:,}  (connected {row['connected']:,} in {row['connect_seconds']:.1f} s; "
        f"{row['users_registered']} users registered in {row['register_seconds']:.1f} s; "
        f"hub {row['hub_before']:,} → {row['hub_after']:,} after the run)",
        f"  delivered        {row['received']:,} / {row['expected']:,} expected "
        f"({'all' if row['all_delivered'] else 'NOT all'}; messages short: {row['messages_short']}; "
        f"per socket {row['per_socket_min']}–{row['per_socket_max']} of {row['messages']})",
        f"  deliveries/s     {row['deliveries_per_s']:,.0f} (asked {row['asked_per_s']:,.0f}; span "
        f"{row['span_s']:.2f} s; last receipt {row['after_last_send_ms']:.0f} ms after last send)",
        f"  latency ms       p50 {ms(lat['p50'])} · p90 {ms(lat['p90'])} · p99 {ms(lat['p99'])} · "
        f"p99.9 {ms(lat['p999'])} · max {ms(lat['max'])}",
        f"  server CPU       {cpu['server']:.0f} % of a core over the send window "
        f"({cpu['server_system']:.0f} % of it in the kernel) "
        f"(busiest second {row['server_cpu_peak_1s']:.0f} %); RSS idle {row['server_rss_idle_mb']:.0f} MB, "
        f"connected {row['server_rss_connected_mb']:.0f} MB, peak {row['server_rss_peak_mb']:.0f} MB",
        f"  server cost      {row['server_cpu_us_per_delivery']:.1f} µs of server CPU per delivery "
        f"(window + drain) → one full core ≈ {1e6 / row['server_cpu_us_per_delivery']:,.0f} deliveries/s",
        f"  client CPU       {cpu['client']:.0f} % ({cpu['client_system']:.0f} % kernel; "
        f"busiest second {row['client_cpu_peak_1s']:.0f} %); "
        f"sender {cpu['sender']:.0f} %",
        f"  other processes  {others[0]:.0f} % of the server's core, {others[1]:.0f} % of the clients' core "
        "(not ours: shared machine)",
        f"  frames           {row['frames']:,} ({row['events_per_frame']:.2f} events/frame)",
        f"  dropped sockets  {row['dropped_sockets']} {row['dropped_reasons'] or ''}",
        f"  sender           POST p50 {fmt(row['sender']['post_ms_p50'], 1)} ms, max "
        f"{fmt(row['sender']['post_ms_max'], 1)} ms; failures {row['sender']['post_failure_count']}; "
        f"schedule lateness max {row['sender']['max_schedule_lateness_ms']:.1f} ms",
    ]
    gc_stats = row.get("server_gc_in_send_window")
    if gc_stats:
        lines.append(
            "  server GC        in the send window: "
            + "; ".join(
                f"{gen} {v['count']}× {v['seconds']:.2f} s (max {v['max_ms']:.0f} ms)"
                for gen, v in gc_stats.items()
            )
        )
    for line, count in list(row["server_log_errors"].items())[:6]:
        lines.append(f"  server log       {count}× {line}")
    if "target_met" in row:
        lines.append(
            f"  target           all delivered & p99 ≤ {row['target_p99_ms']:.0f} ms → "
            f"{'MET' if row['target_met'] else 'MISSED'}"
        )
    print("\n".join(lines), flush=True)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    header = (
        "| N | delivered / expected | dropped sockets | deliveries/s (asked) | p50 ms | p99 ms | max ms "
        "| server CPU % (peak 1 s) | server RSS MB | clients CPU % "
        "| other load % (server core / clients core) | server µs/delivery | events/frame | target |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [header]
    for row in rows:
        lat, cpu = row["latency_ms"], row["cpu_send_window"]
        others = row["other_load_server_core_client_core"]
        target = "—"
        if "target_met" in row:
            target = f"p99 ≤ {row['target_p99_ms']:.0f}: {'met' if row['target_met'] else '**missed**'}"
        lines.append(
            f"| {row['clients']:,} | {row['received']:,} / {row['expected']:,} | {row['dropped_sockets']} "
            f"| {row['deliveries_per_s']:,.0f} ({row['asked_per_s']:,.0f}) | {ms(lat['p50'])} "
            f"| {ms(lat['p99'])} | {ms(lat['max'])} "
            f"| {cpu['server']:.0f} ({row['server_cpu_peak_1s']:.0f}) | {row['server_rss_peak_mb']:.0f} "
            f"| {cpu['client']:.0f} | {others[0]:.0f} / {others[1]:.0f} "
            f"| {row['server_cpu_us_per_delivery']:.1f} | {row['events_per_frame']:.2f} "
            f"| {target} |"
        )
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n in args.clients:
        loadavg = [round(v, 2) for v in os.getloadavg()]
        started = time.monotonic()
        row = await asyncio.wait_for(measure(n, args), timeout=args.per_n_timeout)
        row["loadavg_before"] = loadavg
        row["wall_seconds"] = time.monotonic() - started
        rows.append(row)
        print_row(row)
        print(f"  (run took {row['wall_seconds']:.0f} s; load average before {loadavg})", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[1000, 4000, 10000])
    parser.add_argument("--rate", type=float, default=20.0, help="broadcasts per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to broadcast")
    parser.add_argument("--users", type=int, default=100, help="chat users to register (tokens reused)")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--connect-deadline", type=float, default=120.0)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds between connect and send")
    parser.add_argument("--drain", type=float, default=20.0, help="max seconds to wait after the last send")
    parser.add_argument("--quiet", type=float, default=3.0, help="stop draining after this long w/o progress")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument(
        "--profile-server", metavar="PATH", help="run the server under cProfile, stats to PATH.<N>.prof"
    )
    parser.add_argument(
        "--gc-stats", action="store_true", help="record the server's garbage collections (diagnosis)"
    )
    parser.add_argument("--per-n-timeout", type=float, default=290.0)
    args = parser.parse_args()
    cores = os.cpu_count() or 0
    if max(args.server_core, args.client_core) >= cores:
        parser.error(f"this machine has {cores} cores")
    os.sched_setaffinity(0, {args.client_core})
    soft, hard = raise_open_file_limit()
    needed = max(args.clients)
    print(
        f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')} · {platform.node()} · {cores} cores "
        f"({platform.processor() or platform.machine()}) · Python {platform.python_version()} · "
        f"aiohttp {aiohttp.__version__}",
        flush=True,
    )
    print(
        f"RLIMIT_NOFILE soft/hard {soft}/{hard}: server allows {int(hard * 0.7):,} chat sockets "
        f"(70 % of hard){'' if hard * 0.7 >= needed else f' — NOT enough for {needed:,}'}; "
        f"server on core {args.server_core}, clients + sender on core {args.client_core}",
        flush=True,
    )
    code = checkout_state()
    print(f"code: {code}", flush=True)
    rows = asyncio.run(run(args))
    print()
    print(markdown_table(rows), flush=True)
    save_result("chat_fanout", {"args": vars(args), "nofile": [soft, hard], "code": code, "rows": rows})


if __name__ == "__main__":
    main()
