"""The logo file in the data dir, the built-in default, and the offline stand-in for thumbnails."""

from __future__ import annotations

import shutil
from pathlib import Path

from ownstream.config.service import ConfigService

DEFAULT_LOGO = Path(__file__).resolve().parent.parent / "web" / "assets" / "logo.svg"

_CONTENT_TYPES = {
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


def logo_content_type(path: Path) -> str:
    """Owncast's rule: svg, gif and png by extension, anything else served as JPEG."""
    return _CONTENT_TYPES.get(path.suffix.lower(), "image/jpeg")


class LogoFiles:
    """The logo file the config names (or the built-in one), and where the thumbnail and preview go."""

    def __init__(self, data_dir: Path, config: ConfigService) -> None:
        self._data_dir = data_dir
        self._config = config

    @property
    def thumbnail_path(self) -> Path:
        return self._data_dir / "thumbnail.jpg"

    @property
    def preview_path(self) -> Path:
        return self._data_dir / "preview.gif"

    def logo_path(self) -> Path:
        """The configured logo if it exists, else the built-in one."""
        name = Path(self._config.current.logo_path).name
        candidate = self._data_dir / name
        if name and candidate.is_file():
            return candidate
        return DEFAULT_LOGO

    def ensure_default(self) -> None:
        """First start (or a deleted file): put the built-in logo where the config says the logo is."""
        name = Path(self._config.current.logo_path).name or "logo.svg"
        target = self._data_dir / name
        if not target.exists() and DEFAULT_LOGO.is_file() and target.suffix == ".svg":
            self._data_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(DEFAULT_LOGO, target)
