"""The stream-title use case: stored, announced unless empty, nothing stored or announced when wrong."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ownstream.config.service import ConfigService
from ownstream.config.stream_title import StreamTitle
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.errors import Invalid
from ownstream.events import EventBus


@pytest.fixture
async def config(tmp_path: Path) -> AsyncIterator[ConfigService]:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    service = ConfigService(ConfigRepository(engine), EventBus())
    await service.load(None)
    yield service
    await engine.dispose()


async def test_a_title_is_stored_then_announced(config: ConfigService) -> None:
    announced: list[tuple[str, str]] = []

    async def announce(title: str) -> None:
        announced.append((title, config.current.stream_title))

    titles = StreamTitle(config, announce)
    assert await titles.change("Live: *testing*") == "Live: *testing*"
    assert announced == [("Live: *testing*", "Live: *testing*")]  # stored before it was announced
    assert await titles.change("") == ""
    assert await titles.change("   ") == "   "
    assert config.current.stream_title == "   "
    assert len(announced) == 1  # clearing announces nothing, as in Owncast


@pytest.mark.parametrize("value", [None, 42, ["a"], "t" * 1001])
async def test_a_wrong_title_changes_nothing(config: ConfigService, value: object) -> None:
    announced: list[str] = []

    async def announce(title: str) -> None:
        announced.append(title)

    titles = StreamTitle(config, announce)
    await titles.change("before")
    with pytest.raises(Invalid):
        await titles.change(value)
    assert config.current.stream_title == "before"
    assert announced == ["before"]
