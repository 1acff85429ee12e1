"""The ffmpeg settings, asked of real binaries: the bundled ffmpeg, and programs that are not ffmpeg."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ownstream.config.ffmpeg_settings import NOT_FFMPEG, FfmpegSettings
from ownstream.config.service import ConfigService
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.errors import Invalid
from ownstream.events import EventBus
from ownstream.transcode.ffmpeg_binary import PATH_DOES_NOT_EXIST, PATH_IS_FOLDER, bundled_ffmpeg_path


@pytest.fixture
async def config(tmp_path: Path) -> AsyncIterator[ConfigService]:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    service = ConfigService(ConfigRepository(engine), EventBus())
    await service.load(None)
    yield service
    await engine.dispose()


async def test_the_bundled_binary_is_in_use_and_offers_x264(config: ConfigService) -> None:
    in_use = await FfmpegSettings(config).in_use()
    assert in_use.path == bundled_ffmpeg_path()
    assert in_use.supported_codecs[0] == "libx264"


async def test_a_configured_path_that_went_away_falls_back_to_the_bundled_one(
    config: ConfigService, tmp_path: Path
) -> None:
    ffmpeg = FfmpegSettings(config)
    copy = tmp_path / "ffmpeg"
    copy.symlink_to(bundled_ffmpeg_path())
    await ffmpeg.set_path(str(copy))
    assert (await ffmpeg.in_use()).path == str(copy)
    copy.unlink()
    assert (await ffmpeg.in_use()).path == bundled_ffmpeg_path()


@pytest.mark.parametrize(
    ("path", "message"),
    [("/bin/true", NOT_FFMPEG), ("/no/such/ffmpeg", PATH_DOES_NOT_EXIST), ("/tmp", PATH_IS_FOLDER)],
)
async def test_a_path_that_is_not_ffmpeg_is_refused(config: ConfigService, path: str, message: str) -> None:
    with pytest.raises(Invalid, match=re.escape(message)):
        await FfmpegSettings(config).set_path(path)
    assert config.current.ffmpeg_path == ""


async def test_the_codec_must_be_one_this_ffmpeg_has(config: ConfigService) -> None:
    ffmpeg = FfmpegSettings(config)
    await ffmpeg.set_video_codec("libx264")
    assert config.current.video_codec == "libx264"
    for wrong in ("h264_not_a_codec", 7):
        with pytest.raises(Invalid):
            await ffmpeg.set_video_codec(wrong)
    assert config.current.video_codec == "libx264"
