from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from ownstream.config.model import S3Config
from ownstream.events import EventBus
from ownstream.hls_storage.local import LocalStorage
from ownstream.hls_storage.publisher import SegmentPublisher
from ownstream.hls_storage.stream_storage import open_stream_storage
from ownstream.settings import Timings
from tests.hls_storage.moto_s3 import MotoS3


async def test_s3_off_serves_everything_locally(tmp_path: Path) -> None:
    storage = await open_stream_storage(S3Config(), tmp_path, 1, EventBus(), Timings())
    assert isinstance(storage, LocalStorage)
    assert storage.serves_locally(PurePosixPath("0/stream-1.ts"))
    await storage.stop()


async def test_s3_on_starts_a_publisher(s3: MotoS3, tmp_path: Path) -> None:
    storage = await open_stream_storage(s3.config("any-bucket"), tmp_path, 2, EventBus(), Timings())
    try:
        assert isinstance(storage, SegmentPublisher)
        assert not storage.serves_locally(PurePosixPath("0/stream.m3u8"))
    finally:
        await storage.stop()


async def test_an_unusable_s3_setting_falls_back_to_local(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = S3Config(enabled=True, endpoint="not a url", bucket="b", region="r", accessKey="k", secret="s")
    storage = await open_stream_storage(broken, tmp_path, 1, EventBus(), Timings())
    assert isinstance(storage, LocalStorage)
    assert "serving this stream from local disk" in caplog.text
