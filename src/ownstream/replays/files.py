"""The recordings' folder: `<datadir>/recordings/<replay id>/` holds a replay's init and media segments
under the packager's own names. Blocking calls; the recorder runs them in a worker thread.

A segment is kept by a hard link to the packager's file (no copy, no CPU: the packager later removes its
own name, the data stays), or by a copy when the two folders are on different file systems.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path
from typing import Final

MIN_DISK_BUDGET: Final = 2 * 1024**3
DISK_BUDGET_SHARE: Final = 0.20
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\.(?:m4s|mp4|jpg)")
_REPLAY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def default_disk_budget(folder: Path) -> int:
    """20 % of the disk holding `folder` (its nearest existing parent), at least 2 GiB."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    total = shutil.disk_usage(probe).total
    return max(MIN_DISK_BUDGET, int(total * DISK_BUDGET_SHARE))


def valid_name(name: str) -> bool:
    """A file name a replay folder can hold (nothing that climbs out of it)."""
    return _NAME.fullmatch(name) is not None


def valid_replay_id(replay_id: str) -> bool:
    return _REPLAY_ID.fullmatch(replay_id) is not None


class RecordingFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, replay_id: str) -> Path:
        if not valid_replay_id(replay_id):
            raise ValueError(f"not a replay id: {replay_id!r}")
        return self.root / replay_id

    def path(self, replay_id: str, name: str) -> Path:
        if not valid_name(name):
            raise ValueError(f"not a replay file name: {name!r}")
        return self.folder(replay_id) / name

    def keep(self, replay_id: str, source: Path, name: str) -> None:
        """Keep `source` as `name` in the replay's folder (a hard link, or a copy across file systems).
        Keeping a name already kept does nothing."""
        target = self.path(replay_id, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            return
        try:
            os.link(source, target)
        except OSError as error:
            if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                raise
            temporary = target.with_name(f".{name}.tmp")
            shutil.copyfile(source, temporary)
            temporary.replace(target)

    def remove(self, replay_id: str) -> None:
        shutil.rmtree(self.folder(replay_id), ignore_errors=True)

    def exists(self, replay_id: str, name: str) -> bool:
        return self.path(replay_id, name).is_file()
