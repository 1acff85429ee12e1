import os
from pathlib import Path

import pytest

from ownstream.errors import Invalid
from ownstream.transcode.ffmpeg_binary import (
    bundled_ffmpeg_path,
    ffmpeg_path_problem,
    resolve_ffmpeg_path,
    validate_ffmpeg_path,
)


@pytest.fixture
def fake_ffmpeg(tmp_path: Path) -> Path:
    path = tmp_path / "ffmpeg"
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_bundled_binary_exists() -> None:
    assert os.access(bundled_ffmpeg_path(), os.X_OK)


def test_empty_configured_path_means_bundled() -> None:
    assert resolve_ffmpeg_path("") == bundled_ffmpeg_path()


def test_configured_path_wins_when_usable(fake_ffmpeg: Path) -> None:
    assert resolve_ffmpeg_path(str(fake_ffmpeg)) == str(fake_ffmpeg)


def test_unusable_configured_path_falls_back_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert resolve_ffmpeg_path(str(tmp_path / "missing")) == bundled_ffmpeg_path()
    assert "ffmpeg path does not exist" in caplog.text


def test_owncast_messages(tmp_path: Path, fake_ffmpeg: Path) -> None:
    not_executable = tmp_path / "plain"
    not_executable.write_text("")
    not_executable.chmod(0o644)
    assert ffmpeg_path_problem(str(tmp_path / "missing")) == "ffmpeg path does not exist"
    assert ffmpeg_path_problem(str(tmp_path)) == "ffmpeg path can not be a folder"
    assert ffmpeg_path_problem(str(not_executable)) == "ffmpeg path is not executable"
    assert ffmpeg_path_problem(str(fake_ffmpeg)) is None
    assert ffmpeg_path_problem("") is None


def test_validate_raises_invalid(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="ffmpeg path can not be a folder"):
        validate_ffmpeg_path(str(tmp_path))
