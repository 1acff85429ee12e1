"""The HLS output's own decisions (the transcoder itself runs in tests/e2e)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ownstream.config.model import RuntimeConfig
from ownstream.disk_full import DiskFullReporter
from ownstream.events import EventBus
from ownstream.ingest.flv import metadata_tag
from ownstream.outputs.hls import HlsOutput, has_audio
from ownstream.outputs.protocol import StreamContext
from ownstream.settings import Timings
from tests.outputs.fakes import opening, video


def test_audio_is_mapped_unless_the_metadata_names_no_audio_codec() -> None:
    assert has_audio([video(0)])  # no metadata: no telling, most streams have audio
    assert has_audio(opening())
    assert not has_audio([metadata_tag({"videocodecid": 7.0}), video(0)])
    assert has_audio([metadata_tag({"videocodecid": 7.0}), metadata_tag({"audiocodecid": 10.0})])
    assert has_audio([metadata_tag({})])


async def test_a_stream_that_sent_no_media_starts_no_transcoder_and_leaves_no_master(tmp_path: Path) -> None:
    hls_dir = tmp_path / "hls"
    (hls_dir / "0").mkdir(parents=True)
    (hls_dir / "0" / "old.ts").write_bytes(b"left by an earlier run")
    output = HlsOutput(hls_dir, EventBus(), Timings(), DiskFullReporter())
    stream = StreamContext(stream_id="s1", started_at=datetime.now(UTC), config=RuntimeConfig())
    await output.start(stream)
    assert list(hls_dir.iterdir()) == []  # its folder is its own: wiped at each start
    assert output.segment_storage is not None and not output.playable
    assert output.health().detail == "waiting for media"
    (hls_dir / "stream.m3u8").write_text("#EXTM3U\n")
    await output.stop()
    assert not (hls_dir / "stream.m3u8").exists()
    assert output.starts == 0 and output.segment_storage is None
    await output.stop()  # twice is harmless
