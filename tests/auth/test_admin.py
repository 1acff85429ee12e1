import base64

import pytest

from ownstream.auth.admin import credentials_valid, is_admin_path


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_valid_credentials() -> None:
    assert credentials_valid(basic("admin", "abc123"), "abc123")
    assert credentials_valid(basic("admin", "p:with:colons"), "p:with:colons")
    assert credentials_valid("basic " + basic("admin", "k")[6:], "k")


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
def test_invalid_credentials(header: str | None) -> None:
    assert not credentials_valid(header, "abc123")


def test_empty_stream_key_never_authorises() -> None:
    assert not credentials_valid(basic("admin", ""), "")


def test_admin_paths() -> None:
    assert is_admin_path("/api/admin/status")
    # Under the default-deny too; the dashboard's pages declare a requirement of their own (a login page
    # instead of a Basic challenge).
    assert is_admin_path("/admin/")
    assert not is_admin_path("/api/status")
