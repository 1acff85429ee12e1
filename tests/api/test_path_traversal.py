"""Path traversal: a generated corpus of hostile paths against every route that maps a path to a file.

Canary files are planted outside the served folders (the data dir's parent and the data dir itself, next
to the database) with names the file routes would accept (`.m3u8`, `.ts`, `.svg`, …). No response may
carry a canary, the database's header or `/etc/passwd`, and nothing may answer 5xx. The requests go out
over raw sockets so that no client normalises `..`, escapes or backslashes on the way.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import Iterator
from pathlib import Path

from tests.harness import RunningServer
from tests.rawhttp import RawHttpConnection, RawResponse

PARALLEL = 16
SQLITE_HEADER = b"SQLite format 3\x00"
PASSWD_MARKER = b"root:x:0:0"

# What a path component "go up one level" can look like after one or two rounds of decoding, or to a
# lenient decoder: plain, percent-encoded in every case mix, double-encoded, overlong UTF-8, Windows
# separators, NUL-terminated, fullwidth and other Unicode dots, and filter-evasion doubles.
UP_LEVELS: tuple[str, ...] = (
    "../",
    "..%2f",
    "..%2F",
    "%2e%2e/",
    "%2e%2e%2f",
    "%2E%2E%2F",
    "%2e%2E%2F",
    ".%2e/",
    "%2e./",
    "..%5c",
    "..%5C",
    "..\\",
    "..\\/",
    "%2e%2e%5c",
    "%252e%252e%252f",
    "..%252f",
    "%252e%252e/",
    "%25252e%25252e%25252f",
    "%c0%ae%c0%ae/",
    "%c0%ae%c0%ae%c0%af",
    "..%c0%af",
    "..%c1%9c",
    "%e0%80%ae%e0%80%ae/",
    "%f0%80%80%ae%f0%80%80%ae/",
    "..%u2215",
    "%u002e%u002e/",
    "%uff0e%uff0e/",
    "%ef%bc%8e%ef%bc%8e/",
    "%ef%bc%8e%ef%bc%8e%ef%bc%8f",
    "%e2%80%a5/",
    "%e3%80%82%e3%80%82/",
    "．．/",
    "‥/",
    "。。/",
    "..%00/",
    "%2e%2e%00/",
    "..;/",
    "....//",
    "..././",
    ".../",
    "..//",
    "./../",
    "%2e%2e%2f%2e/",
)

# Files planted where a traversal would find them (the data dir is one level above `hls/` and `emoji/`).
TARGET_NAMES: tuple[str, ...] = ("secret.txt", "secret.m3u8", "secret.ts", "ownstream.db", "etc/passwd")
UP_COUNTS = (1, 2, 5)

# Whole-path attacks: absolute paths, UNC and drive letters, URL schemes, and suffix smuggling.
ABSOLUTE_TAILS: tuple[str, ...] = (
    "/etc/passwd",
    "//etc/passwd",
    "///etc/passwd",
    "%2fetc%2fpasswd",
    "%2Fetc%2Fpasswd",
    "%252fetc%252fpasswd",
    "\\etc\\passwd",
    "%5cetc%5cpasswd",
    "C:\\Windows\\win.ini",
    "C:/Windows/win.ini",
    "c:%5cwindows%5cwin.ini",
    "C%3a%5cWindows%5cwin.ini",
    "\\\\localhost\\c$\\windows\\win.ini",
    "file:///etc/passwd",
    "file:%2f%2f%2fetc%2fpasswd",
    "%00../../secret.txt",
    "secret.txt%00.m3u8",
    "secret.txt%00.ts",
    "ownstream.db%00.svg",
    "..%2fsecret.txt%00.m3u8",
    "..%2fownstream.db;.ts",
    "..%2fsecret.txt%3f.m3u8",
    "..%2fsecret.txt%23.ts",
    "..%2fsecret.m3u8?x=1",
    "..%2fsecret.m3u8#frag",
    ".",
    "..",
    "%2e",
    "%2e%2e",
    "...",
    "~",
    "~root/.profile",
    "%7eroot%2f.profile",
)

# Page and single-file routes (`/logo`, `/embed/video`, …) take no path variable: a shorter corpus
# checks that nothing below them, or beside them, is served from disk.
SHORT_UP_LEVELS = (
    "../",
    "..%2f",
    "%2e%2e/",
    "%2e%2e%2f",
    "..\\",
    "..%5c",
    "%252e%252e%252f",
    "%c0%ae%c0%ae/",
)


def file_route_tails(data_dir: Path, suffix: str) -> Iterator[str]:
    """Every hostile tail for a route with a path variable (`suffix` follows the variable, e.g. `.svg`)."""
    for level, count, name in itertools.product(UP_LEVELS, UP_COUNTS, TARGET_NAMES):
        yield level * count + name + suffix
    # Mixed separators inside one path.
    for first, second in itertools.product(("../", "..%2f", "..\\", "%2e%2e/"), repeat=2):
        for name in ("secret.txt", "secret.m3u8", "ownstream.db"):
            yield first + second + name + suffix
    yield from (tail + suffix for tail in ABSOLUTE_TAILS)
    # The real absolute locations of the canaries, plain and encoded.
    for path in (data_dir / "secret.txt", data_dir.parent / "secret.m3u8", data_dir / "ownstream.db"):
        text = str(path)
        for variant in (text, text.lstrip("/"), text.replace("/", "%2f"), "/" + text):
            yield variant + suffix


def page_route_tails() -> Iterator[str]:
    for level, count, name in itertools.product(SHORT_UP_LEVELS, (1, 2, 5), ("secret.txt", "ownstream.db")):
        yield level * count + name
    yield from ABSOLUTE_TAILS[:15]


def corpus(server: RunningServer) -> list[bytes]:
    """Every route with a path variable gets the full corpus; page and file routes the short one."""
    data_dir = server.data_dir
    file_routes, page_routes = routes(server)
    targets: set[str] = set()
    for prefix, suffix in file_routes:
        targets.update(prefix + tail for tail in file_route_tails(data_dir, suffix))
    for prefix in page_routes:
        targets.update(prefix + tail for tail in page_route_tails())
    found = sorted(target.encode() for target in targets)
    # Raw bytes a decoder might treat as separators or dots, outside any escape.
    found += [
        b"/hls/\xc0\xae\xc0\xae/secret.m3u8",
        b"/img/emoji/\xff\xfe../secret.txt",
        b"/hls/..\x00/secret.ts",
    ]
    return found


def routes(server: RunningServer) -> tuple[list[tuple[str, str]], list[str]]:
    """From the app's router: (prefix, suffix) of every route with a path variable, and the prefixes of
    the pages and single-file routes (plus guesses such as `/admin/` and case variants)."""
    app = server.server._runner.app  # type: ignore[union-attr]
    file_routes: set[tuple[str, str]] = {("/hls/0/", "")}
    pages: set[str] = {"/", "//", "/admin/", "/HLS/", "/Img/Emoji/", "/STATIC/", "/./hls/", "/hls//"}
    for resource in app.router.resources():
        info = resource.get_info()
        if "formatter" in info:  # a route with path variables
            formatter = str(info["formatter"])
            file_routes.add((formatter.split("{", 1)[0], formatter.rsplit("}", 1)[1]))
        elif "prefix" in info:  # a static folder, should one ever be added
            file_routes.add((str(info["prefix"]).rstrip("/") + "/", ""))
        elif "path" in info and not str(info["path"]).startswith("/api/"):
            pages.add(str(info["path"]).rstrip("/") + "/")
    return sorted(file_routes), sorted(pages)


class Planted:
    def __init__(self, tmp_path: Path, data_dir: Path) -> None:
        self.canary = f"CANARY-{secrets.token_hex(12)}".encode()
        for folder in (tmp_path, data_dir):
            for name in ("secret.txt", "secret.m3u8", "secret.ts"):
                (folder / name).write_bytes(b"#EXTM3U\n" + self.canary + b"\n")
        (tmp_path / "etc").mkdir(exist_ok=True)
        (tmp_path / "etc" / "passwd").write_bytes(b"root:x:0:0:" + self.canary)
        self.legit_playlist = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
        (data_dir / "hls" / "0").mkdir(parents=True, exist_ok=True)
        (data_dir / "hls" / "0" / "stream.m3u8").write_bytes(self.legit_playlist)

    def leaks(self, body: bytes) -> list[str]:
        found = []
        if self.canary in body:
            found.append("canary")
        if SQLITE_HEADER in body:
            found.append("sqlite header")
        if PASSWD_MARKER in body:
            found.append("passwd")
        return found


async def fetch_all(port: int, targets: list[bytes]) -> list[tuple[bytes, RawResponse | str]]:
    queue = list(reversed(targets))
    results: list[tuple[bytes, RawResponse | str]] = []

    async def worker() -> None:
        connection = RawHttpConnection("127.0.0.1", port)
        try:
            while queue:
                target = queue.pop()
                try:
                    results.append((target, await connection.get(target)))
                except (ConnectionError, asyncio.IncompleteReadError, TimeoutError) as error:
                    results.append((target, f"{type(error).__name__}: {error}"))
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(PARALLEL)))
    return results


async def test_no_traversal_reaches_a_file_outside_the_served_folders(
    server: RunningServer, tmp_path: Path
) -> None:
    data_dir = server.data_dir
    planted = Planted(tmp_path, data_dir)
    port = server.server.web_port

    # The client and the routes work: legitimate files come back (so the corpus below can fail).
    legit = await fetch_all(port, [b"/hls/0/stream.m3u8", b"/img/emoji/heart.svg", b"/logo"])
    for target, response in legit:
        assert isinstance(response, RawResponse) and response.status == 200, (target, response)
    assert dict(legit)[b"/hls/0/stream.m3u8"].body == planted.legit_playlist  # type: ignore[union-attr]

    targets = corpus(server)
    assert len(targets) > 3000

    results = await fetch_all(port, targets)
    assert len(results) == len(targets)
    problems: list[str] = []
    for target, response in results:
        if isinstance(response, str):
            problems.append(f"no answer to {target!r}: {response}")
            continue
        if response.status >= 500:
            problems.append(f"{response.status} for {target!r}")
        if leaked := planted.leaks(response.body):
            problems.append(f"{', '.join(leaked)} in the {response.status} answer to {target!r}")
    assert problems == [], f"{len(problems)} problems, first: {problems[:20]}"

    # The server is still fine afterwards.
    (status,) = await fetch_all(port, [b"/api/status"])
    assert isinstance(status[1], RawResponse) and status[1].status == 200
