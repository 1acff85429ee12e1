"""Custom emoji: image files in `<datadir>/emoji/`, listed by `/api/emoji` and served at `/img/emoji/…`.

A few default emoji of our own are copied in the first time the folder is created. The listing is
cached until the folder's modification time changes.
"""

from __future__ import annotations

import asyncio
import shutil
from importlib import resources
from pathlib import Path

URL_PREFIX = "/img/emoji/"


def _is_listable(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".")


class EmojiCatalog:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cached_mtime: int | None = None
        self._cached: list[dict[str, str]] = []

    def ensure_defaults(self) -> None:
        """Create the folder with our default emoji, unless it already exists (blocking; at startup)."""
        if self.folder.exists():
            return
        self.folder.mkdir(parents=True)
        defaults = resources.files("ownstream.chat").joinpath("default_emoji")
        for item in defaults.iterdir():
            if item.name.endswith(".svg"):
                with resources.as_file(item) as source:
                    shutil.copyfile(source, self.folder / item.name)

    def _scan(self) -> tuple[int | None, list[dict[str, str]]]:
        try:
            mtime = self.folder.stat().st_mtime_ns
        except OSError:
            return None, []
        if mtime == self._cached_mtime:
            return mtime, self._cached
        entries = sorted((path for path in self.folder.iterdir() if _is_listable(path)), key=lambda p: p.name)
        return mtime, [{"name": path.stem, "emoji": URL_PREFIX + path.name} for path in entries]

    async def listing(self) -> list[dict[str, str]]:
        """`[{name, emoji}]` for every file in the folder."""
        mtime, entries = await asyncio.to_thread(self._scan)
        self._cached_mtime, self._cached = mtime, entries
        return entries

    def file_for(self, name: str) -> Path | None:
        """The file behind `/img/emoji/<name>`, or None. Only plain files directly in the folder."""
        if not name or "/" in name or "\\" in name or "\x00" in name or name.startswith("."):
            return None
        path = self.folder / name
        try:
            if path.resolve().parent != self.folder.resolve() or not path.is_file():
                return None
        except OSError:
            return None
        return path
