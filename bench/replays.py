"""Replays: playlist generation for a 6-hour stream, and `download.mp4` of a 1-hour replay.

1. A 6-hour replay at 2 s segments (10,800 rows) is indexed in a real SQLite file; the median time to
   read its segments and render the VOD playlist (what `GET /replay/{id}/stream.m3u8` does), and to
   render alone.
2. A 1-hour replay is made from a 10 s clip looped with `-c copy` into 2 s fMP4 segments (in the
   packager's naming), indexed in a running server's library; `GET /replay/{id}/download.mp4` is read to
   the end over loopback: time to first byte, total time, throughput, and seconds of video per second.
   Reference in the same run: reading the same segment files from disk (page cache warm).

    .venv/bin/python bench/replays.py [--hours 6] [--download-minutes 60] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from common import FFMPEG, ClipSpec, ensure_clip, save_result, spawn, stop_process

from ownstream.database.db import open_database
from ownstream.database.repos.replays import ReplayRepository, ReplaySegment
from ownstream.replays.playlist import render_replay_playlist

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test harness: a server in-process
from tests.harness import running_server

START = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def rows(count: int, seconds: float) -> list[ReplaySegment]:
    return [
        ReplaySegment(
            position=n,
            name=f"stream-abcdefgh-{n}.m4s",
            init_name="init-abcdefgh.mp4",
            program_date_time=START + timedelta(seconds=n * seconds),
            duration=seconds,
            size=750_000,
            discontinuity=False,
        )
        for n in range(count)
    ]


async def playlist_generation(hours: float, runs: int) -> dict[str, float]:
    count = int(hours * 3600 / 2)
    segments = rows(count, 2.0)
    with tempfile.TemporaryDirectory() as folder:
        engine = await open_database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        try:
            repository = ReplayRepository(engine)
            await repository.create("r", "six hours", 0, START)
            for segment in segments:  # one transaction per segment, as the recorder writes them
                await repository.add_segment("r", segment)
            await repository.finish("r", segments[-1].end)
            full, render = [], []
            text = ""
            for _ in range(runs):
                began = time.perf_counter()
                loaded = await repository.segments("r")
                text = render_replay_playlist(loaded, ended=True, media_prefix="media/")
                full.append(time.perf_counter() - began)
                began = time.perf_counter()
                render_replay_playlist(segments, ended=True, media_prefix="media/")
                render.append(time.perf_counter() - began)
        finally:
            await engine.dispose()
    return {
        "segments": count,
        "playlist_bytes": len(text.encode()),
        "read_and_render_ms": statistics.median(full) * 1000,
        "render_only_ms": statistics.median(render) * 1000,
    }


async def long_session(folder: Path, minutes: int) -> list[Path]:
    clip = await ensure_clip(ClipSpec(width=1280, height=720, fps=30, kbps=3000, seconds=10))
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    process = await spawn(
        FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", str(clip),
        "-t", str(minutes * 60), "-c", "copy",
        "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2", "-hls_list_size", "0",
        "-hls_fmp4_init_filename", "init-bench.mp4",
        "-hls_segment_filename", str(folder / "stream-bench-%d.m4s"), str(folder / "list.m3u8"),
        stderr=None,
    )  # fmt: skip
    try:
        if await process.wait() != 0:
            raise RuntimeError("ffmpeg could not cut the long session")
    finally:
        await stop_process(process)
    found = await asyncio.to_thread(lambda: list(folder.glob("stream-bench-*.m4s")))
    return sorted(found, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


async def download(minutes: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        paths = await long_session(root / "packager", minutes)
        durations = []
        for line in (root / "packager" / "list.m3u8").read_text().splitlines():
            if line.startswith("#EXTINF:"):
                durations.append(float(line.split(":")[1].rstrip(",")))
        async with running_server(root / "data") as server, aiohttp.ClientSession() as http:
            assert server.server.services is not None
            library = server.server.services.replays
            await library.create("long", "one hour", 0, START)
            at = START
            for position, (path, seconds) in enumerate(zip(paths, durations, strict=True)):
                segment = ReplaySegment(
                    position, path.name, "init-bench.mp4", at, seconds, path.stat().st_size, False
                )
                await library.add_segment("long", path, root / "packager" / "init-bench.mp4", segment)
                at += timedelta(seconds=seconds)
            await library.finish("long", at)
            video_seconds = sum(durations)
            source_bytes = sum(path.stat().st_size for path in paths)

            began = time.perf_counter()
            read = 0
            for path in paths:
                read += len(await asyncio.to_thread(path.read_bytes))
            reference = time.perf_counter() - began

            began = time.perf_counter()
            first_byte = 0.0
            received = 0
            async with http.get(f"{server.base_url}/replay/long/download.mp4") as response:
                assert response.status == 200
                async for chunk in response.content.iter_chunked(1 << 20):
                    if not received:
                        first_byte = time.perf_counter() - began
                    received += len(chunk)
            total = time.perf_counter() - began
    return {
        "video_seconds": video_seconds,
        "segments": len(paths),
        "source_mb": source_bytes / 1e6,
        "mp4_mb": received / 1e6,
        "ttfb_ms": first_byte * 1000,
        "total_s": total,
        "throughput_mb_s": received / 1e6 / total,
        "video_seconds_per_second": video_seconds / total,
        "reference_disk_read_s": reference,
        "reference_disk_mb_s": read / 1e6 / reference,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--hours", type=float, default=6)
    parser.add_argument("--download-minutes", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    playlist = await playlist_generation(args.hours, args.runs)
    size = playlist["playlist_bytes"] / 1e6
    print(
        f"playlist, {args.hours:g} h ({playlist['segments']} segments, {size:.2f} MB): "
        f"read + render {playlist['read_and_render_ms']:.0f} ms, "
        f"render alone {playlist['render_only_ms']:.0f} ms (median of {args.runs})"
    )
    mp4 = await download(args.download_minutes)
    print(
        f"download.mp4, {mp4['video_seconds'] / 60:.0f} min at 3 Mbit/s ({mp4['mp4_mb']:.0f} MB): "
        f"first byte {mp4['ttfb_ms']:.0f} ms, all in {mp4['total_s']:.1f} s "
        f"= {mp4['throughput_mb_s']:.0f} MB/s "
        f"({mp4['video_seconds_per_second']:.0f} s of video per second); reading the segments alone: "
        f"{mp4['reference_disk_read_s']:.2f} s ({mp4['reference_disk_mb_s']:.0f} MB/s)"
    )
    save_result("replays", {"playlist": playlist, "download": mp4})


if __name__ == "__main__":
    asyncio.run(main())
