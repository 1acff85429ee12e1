"""The built front end (`web/` → `static/`) and the built-in images the pages need.

`static/` is build output (git-ignored; `cd web && npm ci && npm run build` writes it, and the wheel ships
it). `assets/` holds source files that are committed, such as the default logo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

_PACKAGE_DIR: Final = Path(__file__).resolve().parent

STATIC_DIR: Final = _PACKAGE_DIR / "static"
"""Where `npm run build` puts the pages: `index.html`, `embed-video.html`, `embed-chat.html` and `assets/`."""

DEFAULT_LOGO: Final = _PACKAGE_DIR / "assets" / "logo.svg"
"""Our own logo, served at `/logo` until the streamer uploads one."""

PLATFORM_LOGOS: Final = "platformlogos"
"""`static/platformlogos/<id>.svg`: the brand icons of the social platforms (build.mjs, from npm)."""
PAGE_FILES: Final = ("index.html", "embed-video.html", "embed-chat.html", "replay.html", "clip.html")
ADMIN_PAGE_FILES: Final = ("admin.html", "admin-login.html")
ADMIN_ASSETS: Final = "admin-assets"

_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def static_dir() -> Path:
    """The directory holding the built front end (see `STATIC_DIR`)."""
    return STATIC_DIR


class FrontEndNotBuilt(RuntimeError):
    """The viewer page bundle is missing: the server cannot serve `/`."""

    def __init__(self, root: Path, missing: str) -> None:
        super().__init__(
            f"The web front end has not been built: {missing} not found in {root}. "
            "Build it with `npm ci && npm run build` in the `web/` folder of the source tree "
            "(needs Node.js 20+), or install Ownstream from a wheel, which includes it."
        )
        self.root = root


@dataclass(frozen=True)
class Bundle:
    """The built pages (read once at start) and an index of the asset files next to them."""

    root: Path
    pages: dict[str, str]
    assets: dict[str, Path]
    platform_logos: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Bundle:
        """Reads the bundle at `root`; raises `FrontEndNotBuilt` when any part is missing."""
        pages: dict[str, str] = {}
        for name in PAGE_FILES:
            path = root / name
            if not path.is_file():
                raise FrontEndNotBuilt(root, name)
            pages[name] = path.read_text(encoding="utf-8")
        assets = _index_assets(root, "assets")
        logos = _index_files(root, PLATFORM_LOGOS, ".svg")
        return cls(root=root, pages=pages, assets=assets, platform_logos=logos)

    @classmethod
    def load_admin(cls, root: Path) -> Bundle:
        """The admin dashboard's shell, login page and `admin-assets/` (served at `/admin/assets/`)."""
        pages: dict[str, str] = {}
        for name in ADMIN_PAGE_FILES:
            path = root / name
            if not path.is_file():
                raise FrontEndNotBuilt(root, name)
            pages[name] = path.read_text(encoding="utf-8")
        return cls(root=root, pages=pages, assets=_index_assets(root, ADMIN_ASSETS))


def _index_assets(root: Path, folder: str) -> dict[str, Path]:
    return _index_files(root, folder, ".js")


def _index_files(root: Path, folder: str, required_suffix: str) -> dict[str, Path]:
    """The files of `root/folder` by name; at least one must end in `required_suffix`."""
    asset_dir = root / folder
    if not asset_dir.is_dir():
        raise FrontEndNotBuilt(root, f"{folder}/")
    assets = {p.name: p for p in sorted(asset_dir.iterdir()) if p.is_file() and _ASSET_NAME.match(p.name)}
    if not any(name.endswith(required_suffix) for name in assets):
        raise FrontEndNotBuilt(root, f"{folder}/*{required_suffix}")
    return assets
