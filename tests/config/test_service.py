import sqlite3
from pathlib import Path

import pytest

from ownstream.config.model import RuntimeConfig
from ownstream.config.service import ConfigService
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.errors import Invalid
from ownstream.events import ConfigChanged, EventBus
from ownstream.settings import RuntimeOverrides
from ownstream.transcode.variants import StreamVariant


async def _service(path: Path, overrides: RuntimeOverrides | None = None) -> tuple[ConfigService, EventBus]:
    engine = await open_database(f"sqlite+aiosqlite:///{path}")
    bus = EventBus()
    service = ConfigService(ConfigRepository(engine), bus)
    await service.load(overrides)
    service._engine = engine  # type: ignore[attr-defined]  # closed by _close
    return service, bus


async def _close(service: ConfigService) -> None:
    await service._engine.dispose()  # type: ignore[attr-defined]


async def test_first_start_writes_owncast_defaults(tmp_path: Path) -> None:
    service, _ = await _service(tmp_path / "db.sqlite")
    current = service.current
    assert current.stream_key == "abc123"
    assert (current.web_server_port, current.rtmp_server_port) == (8080, 1935)
    assert current.video_latency_level == 2
    assert current.video_variants[0].display_name == "1.2Mbps@24fps"
    assert current.federation_username == "streamer"
    assert current.tags == ("owncast", "streaming")
    assert current.server_init_date is not None
    await _close(service)
    with sqlite3.connect(tmp_path / "db.sqlite") as conn:
        keys = {row[0] for row in conn.execute("SELECT key FROM config")}
    assert set(RuntimeConfig.model_fields) <= keys


async def test_restart_keeps_everything(tmp_path: Path) -> None:
    service, bus = await _service(tmp_path / "db.sqlite")
    changed: list[str] = []
    bus.subscribe(ConfigChanged, lambda event: changed.extend(event.keys))
    variants = (StreamVariant(video_passthrough=True), StreamVariant(video_bitrate=800, scaled_height=360))
    await service.update(stream_title="Hello", video_variants=variants, tags=("a", "b"), nsfw=True)
    assert sorted(changed) == ["nsfw", "stream_title", "tags", "video_variants"]
    before = service.current
    init_date = before.server_init_date
    await _close(service)

    again, _ = await _service(tmp_path / "db.sqlite")
    assert again.current == before
    assert again.current.server_init_date == init_date
    await _close(again)


async def test_rejected_update_changes_nothing(tmp_path: Path) -> None:
    service, _ = await _service(tmp_path / "db.sqlite")
    before = service.current
    with pytest.raises(Invalid):
        await service.update(video_latency_level=-1)
    with pytest.raises(Invalid):
        await service.update(web_server_port="8080")
    with pytest.raises(Invalid):
        await service.update(not_a_setting=1)
    assert service.current == before
    await _close(service)
    again, _ = await _service(tmp_path / "db.sqlite")
    assert again.current == before
    await _close(again)


async def test_cli_overrides_are_persisted(tmp_path: Path) -> None:
    overrides = RuntimeOverrides(
        stream_key="s3cret", web_server_port=9090, rtmp_port=1999, web_server_ip="::1"
    )
    service, _ = await _service(tmp_path / "db.sqlite", overrides)
    assert service.current.stream_key == "s3cret"
    await _close(service)
    again, _ = await _service(tmp_path / "db.sqlite")
    assert (again.current.stream_key, again.current.web_server_port) == ("s3cret", 9090)
    assert (again.current.rtmp_server_port, again.current.web_server_ip) == (1999, "::1")
    await _close(again)


async def test_corrupt_stored_value_falls_back_to_default(tmp_path: Path) -> None:
    service, _ = await _service(tmp_path / "db.sqlite")
    await _close(service)
    with sqlite3.connect(tmp_path / "db.sqlite") as conn:
        conn.execute("UPDATE config SET value = '\"not a number\"' WHERE key = 'video_latency_level'")
        conn.execute("UPDATE config SET value = '\"renamed\"' WHERE key = 'server_name'")
    again, _ = await _service(tmp_path / "db.sqlite")
    assert again.current.video_latency_level == 2
    assert again.current.server_name == "renamed"
    await _close(again)


async def test_one_event_per_change_naming_the_settings_never_their_values(tmp_path: Path) -> None:
    service, bus = await _service(tmp_path / "db.sqlite")
    events: list[ConfigChanged] = []
    bus.subscribe(ConfigChanged, events.append)
    await service.update(stream_key="a-new-secret-key", stream_title="Hello")
    assert events == [ConfigChanged(keys=("stream_key", "stream_title"), origin=service.origin)]
    assert "a-new-secret-key" not in repr(events)
    await _close(service)


async def test_a_change_stored_by_another_service_is_reloaded(tmp_path: Path) -> None:
    """Two processes sharing the database and the bus (each has its own ConfigService)."""
    writer, bus = await _service(tmp_path / "db.sqlite")
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    follower = ConfigService(ConfigRepository(engine), bus)
    await follower.load()
    follower.follow()
    await writer.update(stream_title="Changed elsewhere", nsfw=True)
    await bus.drain()
    assert follower.current.stream_title == "Changed elsewhere" and follower.current.nsfw
    follower.unfollow()
    await writer.update(stream_title="Not followed")
    await bus.drain()
    assert follower.current.stream_title == "Changed elsewhere"
    await engine.dispose()
    await _close(writer)
