"""The webhook registry over a real database: validation, the in-memory copy, and what survives a reopen."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownstream.database.db import open_database
from ownstream.database.repos.webhooks import WebhookRepository
from ownstream.errors import Invalid
from ownstream.webhooks.registry import INVALID_EVENTS, WebhookRegistry


async def test_create_use_delete_and_reload(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    engine = await open_database(url)
    registry = WebhookRegistry(WebhookRepository(engine))
    await registry.load()
    created = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    chat = await registry.create("https://a.example/hook", ["CHAT", "USER_JOINED"], created)
    stream = await registry.create("http://127.0.0.1:9/x", ["STREAM_STARTED"], created)
    assert [hook.id for hook in registry.subscribers("CHAT")] == [chat.id]
    assert registry.subscribers("NAME_CHANGE") == []

    used = datetime(2024, 5, 1, 13, 0, tzinfo=UTC)
    await registry.mark_used(chat.id, used)
    assert registry.all()[0].last_used == used
    await registry.delete(stream.id)
    with pytest.raises(Invalid):
        await registry.delete(stream.id)
    await registry.mark_used(stream.id, used)  # a delivery finishing after a delete changes nothing
    await engine.dispose()

    engine = await open_database(url)
    reloaded = WebhookRegistry(WebhookRepository(engine))
    await reloaded.load()
    [hook] = reloaded.all()
    assert (hook.id, hook.url, hook.events) == (chat.id, "https://a.example/hook", ("CHAT", "USER_JOINED"))
    assert hook.timestamp == created and hook.last_used == used
    again = await reloaded.create("https://b.example", ["CHAT"], created)
    assert again.id > stream.id  # ids are never reused
    await engine.dispose()


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("https://a.example", ["CHAT", "STREAM_ENDED"]),
        ("https://a.example", ["USER_LEFT"]),
        ("javascript:alert(1)", ["CHAT"]),
        ("https://", ["CHAT"]),
        ("https://a.example/with space", ["CHAT"]),
    ],
)
async def test_refusals_store_nothing(tmp_path: Path, url: str, events: list[str]) -> None:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    registry = WebhookRegistry(WebhookRepository(engine))
    with pytest.raises(Invalid) as caught:
        await registry.create(url, events, datetime.now(UTC))
    if events != ["CHAT"]:
        assert caught.value.message == INVALID_EVENTS
    assert registry.all() == [] and await WebhookRepository(engine).all() == []
    await engine.dispose()
