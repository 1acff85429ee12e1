"""Time of `ownstream import-owncast` for an Owncast database with 100k chat messages and 10k users.

The Owncast data folder is built as the importer tests build theirs (0.0.11 or newer schema, gob-encoded
settings, a logo and emoji). Each run imports into a fresh data dir in a subprocess (`python -m
ownstream import-owncast`, the real command) and reports wall time and CPU time of that process. Reference
measured in the same run: copying the same users and messages with plain `sqlite3` `executemany` into
a fresh file (what any import has to pay at least), so the ratio stays meaningful on a noisy machine.

    .venv/bin/python bench/owncast_import.py [--messages 100000] [--users 10000] [--runs 3] [--newer]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the Owncast-shaped database builder lives with the tests

from tests.owncast_import.owncast_db import build_owncast  # noqa: E402


def run_import(source: Path, data_dir: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ownstream", "import-owncast", str(source), "--datadir", str(data_dir)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def reference_copy(source: Path, target: Path) -> float:
    started = time.perf_counter()
    with sqlite3.connect(source) as old, sqlite3.connect(target) as new:
        for table in ("users", "messages"):
            columns = [row[1] for row in old.execute(f"PRAGMA table_info({table})")]
            new.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
            rows = old.execute(f"SELECT * FROM {table}").fetchall()
            marks = ", ".join("?" for _ in columns)
            new.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--newer", action="store_true", help="newer Owncast schema instead of 0.0.11's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        folder = Path(scratch) / "owncast"
        built = time.perf_counter()
        owncast = build_owncast(folder, newer=args.newer, messages=args.messages, users=args.users)
        print(
            f"built {owncast.database} ({owncast.database.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - built:.1f} s"
        )
        walls, cpus, references = [], [], []
        for run in range(args.runs):
            wall, cpu = run_import(owncast.folder, Path(scratch) / f"ours{run}")
            references.append(reference_copy(owncast.database, Path(scratch) / f"reference{run}.db"))
            walls.append(wall)
            cpus.append(cpu)
            print(
                f"run {run + 1}: import {wall:.2f} s wall, {cpu:.2f} s CPU; "
                f"reference copy {references[-1]:.2f} s"
            )
    result = {
        "messages": args.messages,
        "users": args.users,
        "schema": "newer" if args.newer else "0.0.11",
        "import_wall_s_median": round(statistics.median(walls), 2),
        "import_cpu_s_median": round(statistics.median(cpus), 2),
        "reference_copy_s_median": round(statistics.median(references), 2),
        "ratio": round(statistics.median(walls) / statistics.median(references), 1),
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "owncast_import.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
