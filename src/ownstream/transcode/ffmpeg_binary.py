"""Which ffmpeg binary to run: the admin's `ffmpegPath` when set and usable, else the bundled one."""

from __future__ import annotations

import logging
import os
import stat

import imageio_ffmpeg

from ownstream.errors import Invalid

log = logging.getLogger(__name__)

PATH_DOES_NOT_EXIST = "ffmpeg path does not exist"
PATH_IS_FOLDER = "ffmpeg path can not be a folder"
PATH_NOT_EXECUTABLE = "ffmpeg path is not executable"


def bundled_ffmpeg_path() -> str:
    """The ffmpeg shipped in the `imageio-ffmpeg` wheel (or the one its `IMAGEIO_FFMPEG_EXE` names)."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def ffmpeg_path_problem(path: str) -> str | None:
    """Why `path` cannot be used as ffmpeg, in Owncast's words, or None when it can.

    An empty path is fine: it means "use the bundled ffmpeg".
    """
    if not path:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return PATH_DOES_NOT_EXIST
    if stat.S_ISDIR(info.st_mode):
        return PATH_IS_FOLDER
    if not os.access(path, os.X_OK):
        return PATH_NOT_EXECUTABLE
    return None


def validate_ffmpeg_path(path: str) -> None:
    """For the admin setter: raise `Invalid` with Owncast's message when `path` cannot be ffmpeg."""
    problem = ffmpeg_path_problem(path)
    if problem is not None:
        raise Invalid(problem)


def resolve_ffmpeg_path(configured: str) -> str:
    """The binary to run. A configured path that is unusable is logged and the bundled binary used instead."""
    if configured:
        problem = ffmpeg_path_problem(configured)
        if problem is None:
            return configured
        log.warning("%s: %s; using the bundled ffmpeg instead", problem, configured)
    return bundled_ffmpeg_path()
