"""The viewer page's weight and its time to first frame.

1. **Weight**: the JavaScript the viewer page (`/`) loads up front, raw and gzipped (level 9), read from
   the built `static/index.html` (its module script and every `modulepreload`, then their static imports
   as esbuild wrote them). Chunks loaded on demand (the emoji picker) are not counted; the stylesheet is
   reported beside it.
2. **Time to first frame**: a real Ownstream on loopback (one passthrough variant), ffmpeg pushing a small
   pre-encoded clip (`-re -c copy`), and headless chromium opening `/` in a fresh context for each run.
   The clock is the page's own: `performance.now()` (0 = navigation start) when the `<video>` presents its
   first frame (`requestVideoFrameCallback`), recorded by a script Playwright adds before the page's own.
   The median of the runs is reported.

    .venv/bin/python bench/viewer_page.py [--runs 10] [--static DIR] [--skip-frames]

`--static DIR` measures another build of the front end (e.g. one kept from before a change): the weight
is read from it and the server is started with its pages (`OWNSTREAM_STATIC_DIR` is not a setting, so
the files are copied over the checkout's build for the run and put back afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
from common import (
    REPO,
    ClipSpec,
    ensure_clip,
    get_status,
    ownstream_server,
    publish_file,
    save_result,
    stop_process,
)
from playwright.async_api import async_playwright

CHROMIUM = "/usr/bin/chromium"
STATIC = REPO / "src" / "ownstream" / "web" / "static"
CLIP = ClipSpec(width=640, height=360, fps=30, kbps=800, seconds=20)
FIRST_FRAME_PROBE = """
(() => {
  const watch = (video) => {
    if (video.__ttffWatched) return;
    video.__ttffWatched = true;
    const done = () => { if (window.__firstFrame === undefined) window.__firstFrame = performance.now(); };
    if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(done);
    else video.addEventListener('playing', done, { once: true });
  };
  new MutationObserver(() => document.querySelectorAll('video').forEach(watch))
    .observe(document, { childList: true, subtree: true });
})();
"""
_SCRIPT_SRC = re.compile(r'<script type="module" src="/static/([^"]+)"')
_PRELOAD = re.compile(r'<link rel="modulepreload" href="/static/([^"]+)"')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="/static/([^"]+)"')
_STATIC_IMPORT = re.compile(r'(?:^|[;}\s])import\s*(?:[\w${}\s,*]+from\s*)?"\./([\w.-]+\.js)"')


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def page_weight(static: Path) -> dict[str, Any]:
    """What `/` loads up front: scripts (entry, preloads, their static imports) and the stylesheet."""
    html = (static / "index.html").read_text(encoding="utf-8")
    assets = static / "assets"
    queue = _SCRIPT_SRC.findall(html) + _PRELOAD.findall(html)
    scripts: set[str] = set()
    while queue:
        name = queue.pop()
        if name in scripts:
            continue
        scripts.add(name)
        queue.extend(_STATIC_IMPORT.findall((assets / name).read_text(encoding="utf-8")))
    js = [(assets / name).read_bytes() for name in sorted(scripts)]
    css = [(assets / name).read_bytes() for name in _STYLESHEET.findall(html)]
    return {
        "scripts": sorted(scripts),
        "js_raw": sum(len(b) for b in js),
        "js_gzip": sum(_gzip_size(b) for b in js),
        "css_raw": sum(len(b) for b in css),
        "css_gzip": sum(_gzip_size(b) for b in css),
    }


@contextmanager
def static_build(other: Path | None) -> Iterator[None]:
    """Serve `other` as the front end for the duration (the checkout's build is put back afterwards)."""
    if other is None or other.resolve() == STATIC.resolve():
        yield
        return
    with tempfile.TemporaryDirectory(prefix="ownstream-static-") as tmp:
        kept = Path(tmp) / "static"
        shutil.move(str(STATIC), kept)
        try:
            shutil.copytree(other, STATIC)
            yield
        finally:
            shutil.rmtree(STATIC, ignore_errors=True)
            shutil.move(str(kept), STATIC)


async def first_frames(runs: int) -> list[float]:
    clip = await ensure_clip(CLIP)
    timings: list[float] = []
    async with ownstream_server(passthrough=True) as server:
        publisher = await publish_file(clip, server.rtmp_url)
        try:
            async with aiohttp.ClientSession() as http:
                deadline = time.monotonic() + 60
                while not (await get_status(http, server))["online"]:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the stream did not come online within 60 s")
                    await asyncio.sleep(0.2)
            await asyncio.sleep(2)  # a few segments in the playlist, as a viewer arriving later sees
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                try:
                    for _ in range(runs):
                        context = await browser.new_context(viewport={"width": 1366, "height": 800})
                        await context.add_init_script(FIRST_FRAME_PROBE)
                        page = await context.new_page()
                        await page.goto(server.base_url + "/", wait_until="commit")
                        await page.wait_for_function(
                            "() => window.__firstFrame !== undefined", polling=50, timeout=30_000
                        )
                        timings.append(float(await page.evaluate("window.__firstFrame")))
                        await context.close()
                finally:
                    await browser.close()
        finally:
            await stop_process(publisher)
    return timings


async def measure(runs: int, static: Path | None, frames: bool) -> dict[str, Any]:
    source = static if static is not None else STATIC
    result: dict[str, Any] = {"static": str(source), "weight": page_weight(source)}
    if frames:
        with static_build(static):
            timings = await first_frames(runs)
        result["first_frame_ms"] = {
            "runs": runs,
            "median": statistics.median(timings),
            "min": min(timings),
            "max": max(timings),
            "all": timings,
        }
    result["load_average"] = os.getloadavg()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--static", type=Path, default=None, help="another build of the front end")
    parser.add_argument("--skip-frames", action="store_true", help="only the weight (no server, no browser)")
    parser.add_argument("--name", default="viewer_page", help="result file name in bench/results/")
    args = parser.parse_args()
    result = asyncio.run(measure(args.runs, args.static, not args.skip_frames))
    weight = result["weight"]
    print(f"viewer page (/) from {result['static']}")
    kib = {key: weight[key] / 1024 for key in ("js_raw", "js_gzip", "css_raw", "css_gzip")}
    print(
        f"  JavaScript up front  {kib['js_raw']:7.1f} KiB raw  {kib['js_gzip']:6.1f} KiB gzipped"
        f"  ({len(weight['scripts'])} files)"
    )
    print(f"  stylesheet           {kib['css_raw']:7.1f} KiB raw  {kib['css_gzip']:6.1f} KiB gzipped")
    if "first_frame_ms" in result:
        ff = result["first_frame_ms"]
        print(
            f"  time to first frame  median {ff['median']:.0f} ms  min {ff['min']:.0f}  max {ff['max']:.0f}"
            f"  ({ff['runs']} runs, fresh context each)"
        )
    print(f"  load average {result['load_average']}")
    save_result(args.name, result)


if __name__ == "__main__":
    main()
