"""A short soak: `bench/soak.py` for 20 s, and the server's memory, fds and tasks stay flat.

The benchmark runs for 10 minutes (docs/benchmarks.md, "Soak"); this is its short form with a chat
socket reconnecting every 2 s, so a per-connection leak of a task or a descriptor shows within the run.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from tests.media import Clip

pytestmark = pytest.mark.e2e

SOAK = Path(__file__).resolve().parents[2] / "bench" / "soak.py"
RSS_GROWTH_MB = 25.0
"""Generous: the 10-minute soak grows by about 1 MB; a leak per request or message would blow through it."""
DRIFT = 3
"""Sockets opening or closing at the moment of a sample move fds and tasks by a few."""


async def test_a_short_soak_leaves_memory_fds_and_tasks_flat(tmp_path: Path, clip: Clip) -> None:
    result_path = tmp_path / "soak.json"
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(SOAK),
        "--seconds", "20", "--interval", "4", "--chatters", "3", "--viewers", "3",
        "--reconnect-every", "2", "--latency-level", "0",
        "--clip", str(clip.path), "--json", str(result_path),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 150)
    assert process.returncode == 0, output.decode(errors="replace")
    result = json.loads(result_path.read_text())
    summary, traffic = result["summary"], result["traffic"]

    # The load really ran.
    assert len(result["samples"]) >= 6
    assert traffic["chat_received"] > 30
    assert traffic["chat_reconnects"] >= 5
    assert traffic["segments"] > 5
    assert result["client_errors"] == []
    assert result["server_error_lines"] == []

    rss = summary["rss_mb"]
    assert rss["end"] - rss["start"] < RSS_GROWTH_MB, summary
    for series in ("fds", "tasks"):
        values = summary[series]
        assert values["start"] > 0, summary
        assert values["end"] - values["start"] <= DRIFT, (series, result["samples"])
        # A leak is growth: the count may dip below where it started (a sample taken between a chat
        # reconnect's close and its open) without anything being held on to.
        assert values["max"] - values["start"] <= 2 * DRIFT, (series, result["samples"])
