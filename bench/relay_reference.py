"""The reference for ingest CPU: a bare relay with no RTMP at all.

Accepts one publisher's FLV over plain TCP (`ffmpeg … -f flv tcp://127.0.0.1:PORT`) and copies the bytes
into `ffmpeg -f flv -i pipe:0 -c copy -f hls …`'s stdin, pausing reads while that pipe is full. This is
the least a Python process can do to move a stream into an HLS packager; ingest_cpu.py compares the
server's own CPU (ffmpeg children excluded in both) against it.

    python bench/relay_reference.py --port 0 --outdir /tmp/x [--segment 3] [--seconds 600]

Prints `listening <port>` once bound, then runs until the publisher disconnects, SIGTERM, or --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path

import imageio_ffmpeg

READ_SIZE = 64 * 1024


def hls_command(outdir: Path, segment_seconds: int, *, fps_probe: bool = True) -> list[str]:
    """`fps_probe=False` adds `-fpsprobesize 0`: ffmpeg then stops buffering ~20 frames at start to guess
    the frame rate (which a copy to HLS does not need)."""
    probe = [] if fps_probe else ["-fpsprobesize", "0"]
    return [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", *probe,
        "-f", "flv", "-i", "pipe:0", "-c", "copy",
        "-f", "hls", "-hls_time", str(segment_seconds), "-hls_list_size", "10",
        "-hls_flags", "program_date_time+independent_segments+omit_endlist+temp_file+delete_segments",
        "-hls_segment_filename", str(outdir / "stream-%d.ts"), str(outdir / "stream.m3u8"),
    ]  # fmt: skip


async def relay(reader: asyncio.StreamReader, outdir: Path, segment_seconds: int, fps_probe: bool) -> None:
    packager = await asyncio.create_subprocess_exec(
        *hls_command(outdir, segment_seconds, fps_probe=fps_probe), stdin=asyncio.subprocess.PIPE
    )
    assert packager.stdin is not None
    try:
        while chunk := await reader.read(READ_SIZE):
            packager.stdin.write(chunk)
            await packager.stdin.drain()
    except (ConnectionError, BrokenPipeError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, BrokenPipeError):
            packager.stdin.close()
        try:
            await asyncio.wait_for(packager.wait(), 10)
        except TimeoutError:
            packager.kill()
            await packager.wait()


async def serve(port: int, outdir: Path, segment_seconds: int, seconds: float, fps_probe: bool) -> None:
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    tasks: set[asyncio.Task[None]] = set()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await relay(reader, outdir, segment_seconds, fps_probe)
        finally:
            writer.close()
            done.set()

    def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.create_task(on_connect(reader, writer), name="relay")
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    server = await asyncio.start_server(accept, "127.0.0.1", port)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), seconds)
    server.close()
    for task in list(tasks):
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Bare FLV-over-TCP → ffmpeg HLS relay (CPU reference).")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--outdir", type=Path, required=True)
    parser.add_argument("--segment", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=600.0, help="stop by itself after this long")
    parser.add_argument("--no-fps-probe", action="store_true", help="ffmpeg input with -fpsprobesize 0")
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(args.port, args.outdir, args.segment, args.seconds, not args.no_fps_probe))


if __name__ == "__main__":
    main()
