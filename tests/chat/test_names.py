"""Name rules for renames (stricter than 0.0.11, as the reference recommends) and registration names."""

import random

import pytest

from ownstream.chat.names import MAX_NAME_LENGTH, generated_name, registration_name, rename_allowed
from ownstream.config.model import DEFAULT_FORBIDDEN_USERNAMES


@pytest.mark.parametrize(
    "name",
    [
        "admin",
        "Admin",
        "ADMIN",
        " admin ",
        "adm",
        "a",
        "admin123",
        "the-Operator",
        "SYSTEMS",
        "xowncastx",
        "",
        "   ",
    ],
)
def test_refused(name: str) -> None:
    assert not rename_allowed(name, DEFAULT_FORBIDDEN_USERNAMES)


@pytest.mark.parametrize("name", ["bob", "pizza-cat", "Ünïcode ✨", "x" * MAX_NAME_LENGTH])
def test_allowed(name: str) -> None:
    assert rename_allowed(name, DEFAULT_FORBIDDEN_USERNAMES)


def test_length_cap() -> None:
    assert not rename_allowed("x" * (MAX_NAME_LENGTH + 1), ())


def test_forbidden_entries_are_trimmed_and_case_folded_and_empty_ones_ignored() -> None:
    assert not rename_allowed("bob", ["  BOB "])
    assert rename_allowed("bob", ["", "  "])


def test_registration_name_order() -> None:
    rng = random.Random(1)
    suggested = [f"name{i}" for i in range(10)]
    assert registration_name("alice", "proxy-user", suggested, rng) == "alice"
    assert registration_name("  ", "proxy-user", suggested, rng) == "proxy-user"
    assert registration_name(None, None, suggested, rng) in suggested
    assert registration_name(None, None, suggested[:9], rng) not in suggested
    assert len(registration_name("y" * 500, None, (), rng)) == MAX_NAME_LENGTH


def test_generated_names_are_adjective_noun() -> None:
    rng = random.Random(7)
    names = {generated_name(rng) for _ in range(50)}
    assert len(names) > 30
    assert all(len(name.split("-")) == 2 for name in names)
