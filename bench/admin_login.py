"""Time from pressing **Log in** on the admin login page to a rendered Home page, in headless chromium
against a real Ownstream on loopback (median of several runs, each in a fresh browser context).

The clock starts at the click and stops when Home shows its first card with the settings loaded
(`#page-title` is "Home" and the "Connect your broadcasting software" card is there). The login page
preloads the app's script and stylesheet, as a returning admin's browser would have them.

    .venv/bin/python bench/admin_login.py [--runs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from common import STREAM_KEY, ownstream_server, save_result
from playwright.async_api import async_playwright

CHROMIUM = "/usr/bin/chromium"
HOME_RENDERED = (
    "() => document.querySelector('#page-title')?.textContent === 'Home'"
    " && document.querySelector('#connect-heading') !== null"
)


async def measure(runs: int) -> dict[str, object]:
    timings: list[float] = []
    async with ownstream_server() as server, async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for _ in range(runs):
                context = await browser.new_context(viewport={"width": 1366, "height": 900})
                page = await context.new_page()
                await page.goto(server.base_url + "/admin/", wait_until="load")
                await page.fill('input[autocomplete="current-password"]', STREAM_KEY)
                started = time.perf_counter()
                await page.click("button:text-is('Log in')")
                await page.wait_for_function(HOME_RENDERED, polling="raf", timeout=30_000)
                timings.append((time.perf_counter() - started) * 1000)
                await context.close()
        finally:
            await browser.close()
    return {
        "runs": runs,
        "median_ms": statistics.median(timings),
        "min_ms": min(timings),
        "max_ms": max(timings),
        "timings_ms": timings,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    result = asyncio.run(measure(args.runs))
    print(f"login → rendered Home, {result['runs']} runs, fresh context each")
    median, low, high = result["median_ms"], result["min_ms"], result["max_ms"]
    print(f"  median {median:.0f} ms   min {low:.0f} ms   max {high:.0f} ms")
    print(f"  load average {result['load_average']}")
    save_result("admin_login", result)


if __name__ == "__main__":
    main()
