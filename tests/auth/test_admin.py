import base64

import pytest

from ownstream.auth.admin import credentials_valid, is_admin_path
from ownstream.auth.admin_password import AdminPassword
from ownstream.config.model import RuntimeConfig


class Config:
    def __init__(self, stream_key: str) -> None:
        self.current = RuntimeConfig(stream_key=stream_key)


def key(stream_key: str) -> AdminPassword:
    """The admin password while none is set: the stream key (tests/api/test_stream_keys_admin_password.py
    covers a stored one)."""
    return AdminPassword(Config(stream_key))  # type: ignore[arg-type]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_valid_credentials() -> None:
    assert await credentials_valid(basic("admin", "abc123"), key("abc123"))
    assert await credentials_valid(basic("admin", "p:with:colons"), key("p:with:colons"))
    assert await credentials_valid("basic " + basic("admin", "k")[6:], key("k"))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer abc123",
        "Basic",
        "Basic !!!not-base64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        basic("Admin", "abc123"),
        basic("admin", "abc1234"),
        basic("admin", ""),
    ],
)
async def test_invalid_credentials(header: str | None) -> None:
    assert not await credentials_valid(header, key("abc123"))


async def test_empty_stream_key_never_authorises() -> None:
    assert not await credentials_valid(basic("admin", ""), key(""))


def test_admin_paths() -> None:
    assert is_admin_path("/api/admin/status")
    # Under the default-deny too; the dashboard's pages declare a requirement of their own (a login page
    # instead of a Basic challenge).
    assert is_admin_path("/admin/")
    assert not is_admin_path("/api/status")
