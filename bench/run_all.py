"""Run every benchmark one after the other (each in its own process, bounded in time), then summarize.

    .venv/bin/python bench/run_all.py [--only ingest_cpu latency …]

Each script prints its own table and writes bench/results/<name>.json; the summary below is read from
those files (only the ones written by this run).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"


@dataclass(frozen=True)
class Benchmark:
    name: str
    script: str
    args: tuple[str, ...]
    result: str
    timeout: float


BENCHMARKS = (
    Benchmark("ingest_cpu", "ingest_cpu.py", (), "ingest_cpu", 600),
    Benchmark("latency", "latency.py", ("--levels", "0", "1", "2", "3", "4"), "latency", 1500),
    Benchmark(
        "latency_passthrough",
        "latency.py",
        ("--levels", "0", "2", "--passthrough"),
        "latency-passthrough",
        700,
    ),
    Benchmark("time_to_first_segment", "time_to_first_segment.py", (), "time_to_first_segment", 600),
    Benchmark("llhls_origin", "llhls_origin.py", (), "llhls-origin", 900),
    Benchmark("wheel_packaging", "wheel_packaging.py", (), "wheel_packaging", 600),
    Benchmark("chat_fanout", "chat_fanout.py", ("--clients", "1000", "4000", "10000"), "chat_fanout", 900),
    Benchmark("admin_login", "admin_login.py", ("--runs", "10"), "admin_login", 300),
    Benchmark("federation_fanout", "federation_fanout.py", (), "federation_fanout", 300),
    Benchmark("inbox_verify", "inbox_verify.py", (), "inbox_verify", 300),
    Benchmark("simulcast_cpu", "simulcast_cpu.py", (), "simulcast_cpu", 900),
)


def run_one(bench: Benchmark) -> tuple[int | None, float]:
    """Run a benchmark script; on timeout kill its whole process group. Returns (exit code, seconds)."""
    print(f"\n=== {bench.name}: {bench.script} {' '.join(bench.args)}", flush=True)
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(BENCH / bench.script), *bench.args], start_new_session=True
    )
    try:
        code: int | None = process.wait(timeout=bench.timeout)
    except subprocess.TimeoutExpired:
        print(f"=== {bench.name}: timed out after {bench.timeout:.0f} s, stopping it", flush=True)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        code = None
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    return code, time.monotonic() - start


def load(name: str, since: float) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.exists() or path.stat().st_mtime < since:
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def num(value: Any, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) and value == value else "n/a"


def summarize_ingest(data: dict[str, Any]) -> list[str]:
    lines = []
    for row in data["rows"]:
        ours, ref = row["ours"], row["reference"]
        lines.append(
            f"ingest {row['target_kbps'] / 1000:.1f} Mbit/s passthrough: "
            f"server {num(ours['cpu_percent_median'])} % of a core vs bare relay "
            f"{num(ref['cpu_percent_median'])} % (×{num(row['ratio'])}); "
            f"RSS idle {num(ours['idle_rss_mb'], 1)} MB, live {num(ours['rss_mb_median'], 1)} MB"
        )
    lines.append("  targets: ≤ 3 % of one core at 8 Mbit/s; ≤ 120 MB RSS idle")
    return lines


def summarize_latency(data: dict[str, Any]) -> list[str]:
    lines = []
    for r in data["results"]:
        mode = "passthrough" if r["passthrough"] else "default transcode"
        if "error" in r:
            lines.append(f"latency level {r['level']} ({mode}): error {r['error'][:200]}")
            continue
        lines.append(
            f"latency level {r['level']} ({mode}): glass-to-glass {num(r['glass_to_glass_median_s'])} s "
            f"(p95 {num(r.get('glass_to_glass_p95_s', float('nan')))} s, {r.get('stalls', '?')} stalls) "
            f"(segment {num(r['segment_duration_s'], 1)} s, server {num(r['first_frame_delay_s'])}/"
            f"{num(r['last_frame_delay_s'])} s first/last frame, player {num(r['player_share_s'])} s)"
        )
    lines.append("  targets: level 0 median ≤ 2.0 s, p95 ≤ 2.5 s; level 2 ≤ 10 s")
    return lines


def summarize_ttfs(data: dict[str, Any]) -> list[str]:
    return [
        f"first segment {r['mode']} level {r['level']}: {num(r['first_segment_s'])} s "
        f"(bare relay {num(r['relay_first_segment_s'])} s, "
        f"with -fpsprobesize 0 {num(r['relay_no_fps_probe_first_segment_s'])} s), "
        f"online {num(r['online_s'])} s "
        f"(grace {r['online_grace_s']} s)"
        for r in data["rows"]
    ]


def summarize_packaging(data: dict[str, Any]) -> list[str]:
    assets = data.get("assets", {})
    ok = data.get("page_status") == 200 and assets and all(a["status"] == 200 for a in assets.values())
    return [
        f"wheel {data['wheel']} {data['wheel_bytes'] / 1024:.0f} KiB, "
        f"{len(data['static_files'])} static files; "
        f"fresh-venv install {num(data['install_s'], 1)} s; GET / and {len(assets)} assets "
        f"{'all 200' if ok else 'FAILED'}; node calls: {len(data['node_calls'])}"
    ]


def summarize_fanout(data: dict[str, Any]) -> list[str]:
    return [
        f"chat fan-out N={row['clients']}: {row['received']:,}/{row['expected']:,} delivered, "
        f"{num(row['deliveries_per_s'])} deliveries/s, p50 {num(row['latency_ms']['p50'], 1)} ms, "
        f"p99 {num(row['latency_ms']['p99'], 1)} ms, dropped sockets {row['dropped_sockets']}"
        for row in data["rows"]
    ]


def summarize_admin_login(data: dict[str, Any]) -> list[str]:
    return [
        f"admin login → rendered Home: median {num(data['median_ms'], 0)} ms over {data['runs']} runs "
        f"(min {num(data['min_ms'], 0)}, max {num(data['max_ms'], 0)})"
    ]


def summarize_federation_fanout(data: dict[str, Any]) -> list[str]:
    return [
        f"go-live fan-out: {data['delivered']}/{data['followers']} inboxes, {data['delivered_twice']} twice, "
        f"p99 {num(data['from_first_attempt_p99_s'], 1)} s after the first attempt "
        f"({num(data['from_post_p99_s'], 1)} s after the post), signing "
        f"{num(data['signing_us_per_request'], 0)} µs a request"
    ]


def summarize_inbox_verify(data: dict[str, Any]) -> list[str]:
    return [
        f"inbox: {num(data['verified_per_s'], 0)} verified activities/s "
        f"({num(data['verified_per_cpu_s'], 0)} per second of server CPU), signature check alone "
        f"{num(data['signature_check_us'], 0)} µs"
    ]


def summarize_simulcast(data: dict[str, Any]) -> list[str]:
    lines = [
        f"{row['destinations']} destination(s): Python {num(row['python_cpu_percent_median'])} % "
        f"(+{num(row['python_extra_per_destination'])} % each), each ffmpeg "
        f"{num(row['ffmpeg_cpu_percent_each_median'])} %"
        for row in data["rows"]
    ]
    lines += [
        f"recovery: live {r['back_to_live_s']} s after the destination was back "
        f"(forwarder start → live {r['connecting_to_live_s']} s)"
        for r in data["recovery"]
    ]
    return lines


def summarize_llhls_origin(data: dict[str, Any]) -> list[str]:
    lines = [
        f"LL-HLS packaging ({r['hls_format']}): server {num(r['server_cpu_percent'], 1)} % CPU, "
        f"RSS {num(r['rss_idle_mb'], 0)} → {num(r['rss_live_mb'], 0)} MB"
        for r in data["packaging"]
    ]
    lines += [
        f"LL-HLS origin, {r['viewers']} viewers: delay p99 {num(r['delay_p99_s'], 3)} s, "
        f"{r['errors']} errors, "
        f"server {num(r['server_cpu_percent'], 0)} %, client {num(r['client_cpu_percent'], 0)} %"
        + (" (client-bound)" if r["client_bound"] else "")
        for r in data["capacity"]
    ]
    lines.append("  target: 300 viewers at p99 ≤ one part target (0.2 s), zero errors, one server core")
    return lines


SUMMARIZERS = {
    "ingest_cpu": summarize_ingest,
    "latency": summarize_latency,
    "latency-passthrough": summarize_latency,
    "time_to_first_segment": summarize_ttfs,
    "llhls-origin": summarize_llhls_origin,
    "wheel_packaging": summarize_packaging,
    "chat_fanout": summarize_fanout,
    "admin_login": summarize_admin_login,
    "federation_fanout": summarize_federation_fanout,
    "inbox_verify": summarize_inbox_verify,
    "simulcast_cpu": summarize_simulcast,
}


def main() -> None:
    parser = argparse.ArgumentParser(description="Run all Ownstream benchmarks and print a summary.")
    parser.add_argument("--only", nargs="+", choices=[b.name for b in BENCHMARKS])
    args = parser.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    started = time.time()
    outcomes = []
    for bench in chosen:
        code, seconds = run_one(bench)
        outcomes.append((bench, code, seconds))
    print(f"\n=== summary ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs)")
    for bench, code, seconds in outcomes:
        status = "ok" if code == 0 else ("timed out" if code is None else f"exit {code}")
        print(f"[{bench.name}: {status}, {seconds:.0f} s]")
        data = load(bench.result, started)
        if data is None:
            print("  no result written")
            continue
        print(f"  (load average at the end: {data.get('loadavg_1_5_15')})")
        for line in SUMMARIZERS[bench.result](data):
            print(f"  {line}")
    if any(code != 0 for _, code, _ in outcomes):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
