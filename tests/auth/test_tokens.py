"""Bearer parsing and the integration token service over a real database (reference §2.4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ownstream.auth.tokens import IntegrationTokens, bearer_token, may_use
from ownstream.database.db import open_database
from ownstream.database.repos.users import UsersRepository
from ownstream.domain.scopes import INTEGRATION_SCOPES, valid_integration_scopes
from ownstream.errors import Invalid


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc=", "abc="),
        ("abc=", "abc="),
        ("Bearer Bearer abc=", "abc="),
        ("  Bearer abc=  ", "abc="),
        # Newer Owncast (0.1.2) matches the scheme in any case; 0.0.11 removed exactly `Bearer `.
        ("bearer abc=", "abc="),
        ("BEARER abc=", "abc="),
        ("bEaReR  abc=", "abc="),
        ("", ""),
        (None, ""),
    ],
)
def test_bearer_token(header: str | None, token: str) -> None:
    assert bearer_token(header) == token


def test_scopes() -> None:
    assert {"CAN_SEND_MESSAGES", "CAN_SEND_SYSTEM_MESSAGES", "HAS_ADMIN_ACCESS"} == INTEGRATION_SCOPES
    assert valid_integration_scopes(["HAS_ADMIN_ACCESS", "CAN_SEND_MESSAGES"])
    assert not valid_integration_scopes([])
    assert not valid_integration_scopes(["MODERATOR"])


@pytest.fixture
async def users(tmp_path: Path) -> AsyncIterator[UsersRepository]:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    yield UsersRepository(engine)
    await engine.dispose()


async def test_authorise_checks_type_scope_and_deletion(users: UsersRepository) -> None:
    tokens = IntegrationTokens(users)
    user, token = await tokens.create(" bot ", ["CAN_SEND_MESSAGES", "CAN_SEND_MESSAGES"])
    assert user.display_name == "bot" and user.scopes == ("CAN_SEND_MESSAGES",)
    assert await tokens.authorise(f"Bearer {token}", "HAS_ADMIN_ACCESS") is None
    allowed = await tokens.authorise(f"Bearer {token}", "CAN_SEND_MESSAGES")
    assert allowed is not None and allowed.id == user.id
    refreshed = await users.by_id(user.id)
    assert refreshed is not None and refreshed.last_used is not None

    chatter, chat_token = await users.create("viewer", ["CAN_SEND_MESSAGES"])
    assert not may_use(chatter, "CAN_SEND_MESSAGES")  # a chat user is not an integration
    assert await tokens.authorise(chat_token, "CAN_SEND_MESSAGES") is None

    await tokens.delete(token)
    assert await tokens.authorise(token, "CAN_SEND_MESSAGES") is None
    assert await tokens.all() == []
    with pytest.raises(Invalid):
        await tokens.delete(token)


@pytest.mark.parametrize(
    ("name", "scopes", "message"),
    [
        ("bot", [], "one or more invalid scopes provided"),
        ("bot", ["HAS_ADMIN_ACCESS", 3], "one or more invalid scopes provided"),
        ("", ["HAS_ADMIN_ACCESS"], "a name for the access token is required"),
    ],
)
async def test_create_refusals(users: UsersRepository, name: str, scopes: list[object], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        await IntegrationTokens(users).create(name, scopes)
    assert await users.api_users() == []
