"""The wheel carries the built front end and runs without node: build, inspect, install fresh, serve.

Steps, each timed:
1. copy the source tree (git's tracked and untracked-but-not-ignored files under src/ and web/, plus
   pyproject.toml and README.md) into a temp dir, so the shared checkout's node_modules and static/
   are never touched;
2. `npm ci` and `npm run build` there (writes src/ownstream/web/static/);
3. `pip wheel --no-deps` of that tree; list the `ownstream/web/static/…` files in the wheel;
4. a fresh venv in /tmp, `pip install <wheel>` with `node`/`npm`/`npx` shadowed on PATH by shims that
   record any call (so "node was not used" is checked, not assumed);
5. start the installed `ownstream` on free ports with a temp data dir; GET `/` → 200 with the page and
   every `/static/…` asset the page references → 200.

    .venv/bin/python bench/wheel_packaging.py
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import aiohttp
from common import REPO, fmt, ownstream_server, save_result

TREE_PREFIXES = ("src/", "web/")
TREE_FILES = ("pyproject.toml", "README.md", "LICENSE")
STATIC_PREFIX = "ownstream/web/static/"
ASSET_REF = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")
SHIM = '#!/bin/sh\necho "$0 $*" >> "{marker}"\necho "node is not available in this benchmark" >&2\nexit 127\n'


class StepFailed(RuntimeError):
    pass


def timed_run(label: str, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.monotonic()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        raise StepFailed(f"{label} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    print(f"  {label}: {elapsed:.1f} s", flush=True)
    return elapsed


def copy_source_tree(dest: Path) -> int:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    count = 0
    for name in filter(None, listed.split("\0")):
        if not (name.startswith(TREE_PREFIXES) or name in TREE_FILES):
            continue
        source = REPO / name
        if not source.is_file():
            continue  # deleted in the work tree
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        count += 1
    return count


def wheel_contents(wheel: Path) -> dict[str, Any]:
    with zipfile.ZipFile(wheel) as archive:
        infos = archive.infolist()
    static = [info for info in infos if info.filename.startswith(STATIC_PREFIX) and not info.is_dir()]
    return {
        "files": len(infos),
        "static_files": [info.filename for info in static],
        "static_bytes": sum(info.file_size for info in static),
    }


def base_python() -> str:
    """The interpreter the project venv was made from: the fresh venv shares nothing with the project's."""
    return str(getattr(sys, "_base_executable", sys.executable))


def no_node_env(venv: Path, shims: Path, marker: Path) -> dict[str, str]:
    shims.mkdir()
    for tool in ("node", "npm", "npx"):
        shim = shims / tool
        shim.write_text(SHIM.format(marker=marker))
        shim.chmod(0o755)
    return {
        "PATH": f"{shims}:{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(venv.parent),
        "LANG": "C.UTF-8",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


async def check_served(command: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    start = time.monotonic()
    async with ownstream_server(command=command, env=env, cwd=cwd) as server:
        ready = time.monotonic() - start
        async with aiohttp.ClientSession() as http:
            async with http.get(server.base_url + "/") as response:
                page_status = response.status
                html = await response.text()
            assets: dict[str, dict[str, Any]] = {}
            for ref in sorted(set(ASSET_REF.findall(html))):
                async with http.get(server.base_url + ref) as response:
                    body = await response.read()
                    assets[ref] = {
                        "status": response.status,
                        "bytes": len(body),
                        "type": response.headers.get("Content-Type", ""),
                    }
    return {
        "server_ready_s": ready,
        "page_status": page_status,
        "page_is_viewer_html": '<div id="app">' in html and "<script" in html,
        "assets": assets,
    }


def main() -> None:
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ownstream-packaging-") as tmp:
        root = Path(tmp)
        tree, dist, venv = root / "tree", root / "dist", root / "venv"
        print("steps:", flush=True)
        result["source_files_copied"] = copy_source_tree(tree)
        web = tree / "web"
        result["npm_ci_s"] = timed_run(
            "npm ci", ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"], web
        )
        result["npm_build_s"] = timed_run("npm run build", ["npm", "run", "build"], web)
        result["wheel_build_s"] = timed_run(
            "pip wheel",
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(tree)],
            root,
        )
        wheel = next(dist.glob("ownstream-*.whl"))
        result["wheel"] = wheel.name
        result["wheel_bytes"] = wheel.stat().st_size
        result.update(wheel_contents(wheel))
        result["venv_s"] = timed_run("python -m venv", [base_python(), "-m", "venv", str(venv)], root)
        marker = root / "node-calls.log"
        env = no_node_env(venv, root / "shims", marker)
        result["install_s"] = timed_run(
            "pip install <wheel>", [str(venv / "bin" / "pip"), "install", "-q", str(wheel)], root, env
        )
        located = subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import ownstream, sys; print(ownstream.__file__)"],
            cwd=root, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        result["installed_package"] = located
        served = asyncio.run(check_served([str(venv / "bin" / "ownstream")], env, root))
        result.update(served)
        result["node_calls"] = marker.read_text().splitlines() if marker.exists() else []
    report(result)
    save_result("wheel_packaging", result)


def report(r: dict[str, Any]) -> None:
    static = r["static_files"]
    print(f"wheel {r['wheel']}: {r['wheel_bytes'] / 1024:.0f} KiB, {r['files']} files", flush=True)
    print(f"  {len(static)} files under {STATIC_PREFIX} ({r['static_bytes'] / 1024:.0f} KiB unpacked):")
    for name in static:
        print(f"    {name}")
    print(f"installed at {r['installed_package']}")
    print(f"installed server ready in {fmt(r['server_ready_s'])} s; GET / → {r['page_status']}", end="")
    print(" (viewer page)" if r["page_is_viewer_html"] else " (NOT the viewer page)")
    for ref, info in r["assets"].items():
        print(f"  GET {ref} → {info['status']} {info['bytes'] / 1024:.1f} KiB {info['type']}")
    print(f"node/npm/npx called during install and run: {r['node_calls'] or 'never'}")
    ok = (
        r["page_status"] == 200
        and r["page_is_viewer_html"]
        and any(ref.endswith(".js") for ref in r["assets"])
        and all(info["status"] == 200 for info in r["assets"].values())
        and bool(static)
        and not r["node_calls"]
    )
    print("PASS" if ok else "FAIL", flush=True)


if __name__ == "__main__":
    main()
