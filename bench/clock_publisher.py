"""A live broadcaster whose picture is the wall clock: gray frames with `time.time()` in ms as a barcode
(see clock_barcode.py), written in real time into ffmpeg (x264 ultrafast/zerolatency, one keyframe per
second, optional silent AAC) which pushes FLV to the given URL.

    python bench/clock_publisher.py rtmp://127.0.0.1:1935/live/abc123 [--fps 15] [--seconds 300]

Each frame carries the time at which it was handed to the encoder, so "now − decoded clock" anywhere
downstream is the glass-to-glass delay including encoding. Runs in its own process so that the
benchmark's event loop (browser, HTTP polling) cannot disturb the frame pacing.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import imageio_ffmpeg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clock_barcode import HEIGHT, WIDTH, render_gray_frame


def encoder_command(url: str, fps: int, *, audio: bool, output_format: str = "flv") -> list[str]:
    args = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(fps), "-i", "pipe:0",
    ]  # fmt: skip
    if audio:
        args += ["-re", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-map", "0:v", "-map", "1:a"]
    args += [
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", str(fps), "-keyint_min", str(fps), "-sc_threshold", "0", "-b:v", "400k",
    ]  # fmt: skip
    if audio:
        args += ["-c:a", "aac", "-b:a", "64k"]
    args += ["-flush_packets", "1", "-f", output_format, url]
    return args


def run(url: str, fps: int, seconds: float, *, audio: bool) -> int:
    encoder = subprocess.Popen(encoder_command(url, fps, audio=audio), stdin=subprocess.PIPE)
    assert encoder.stdin is not None
    stop = False

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    start = time.monotonic()
    frame = 0
    try:
        while not stop and time.monotonic() - start < seconds and encoder.poll() is None:
            due = start + frame / fps
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            encoder.stdin.write(render_gray_frame(int(time.time() * 1000)))
            encoder.stdin.flush()
            frame += 1
    except BrokenPipeError:
        pass
    finally:
        with contextlib.suppress(BrokenPipeError):
            encoder.stdin.close()
        try:
            encoder.wait(5)
        except subprocess.TimeoutExpired:
            encoder.kill()
            encoder.wait()
    return 0 if encoder.returncode in (0, -signal.SIGTERM, 255) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=600.0, help="stop by itself after this long")
    parser.add_argument("--no-audio", action="store_true", help="video only (default: silent AAC too)")
    args = parser.parse_args()
    raise SystemExit(run(args.url, args.fps, args.seconds, audio=not args.no_audio))


if __name__ == "__main__":
    main()
