"""Ids: short ids, access tokens, and the layout of chat client ids (process slot in the high bits)."""

import pytest

from ownstream.domain.ids import (
    CLIENT_SERIAL_BITS,
    MAX_PROCESS_SLOT,
    ClientIds,
    client_id,
    new_access_token,
    process_slot_of,
    short_id,
    token_hash,
)

JS_SAFE = 2**53
"""Numbers below this survive a JSON round trip through a JavaScript double."""


def test_the_single_process_counts_from_zero_as_owncast_did() -> None:
    ids = ClientIds()
    assert [ids.next() for _ in range(3)] == [0, 1, 2]


def test_the_slot_sits_in_the_high_bits() -> None:
    ids = ClientIds(slot=3)
    first, second = ids.next(), ids.next()
    assert first == 3 * 2**43 and second == first + 1
    assert process_slot_of(first) == process_slot_of(second) == 3
    assert ids.is_local(second) and not ids.is_local(0)


def test_every_id_of_every_slot_is_a_safe_non_negative_integer() -> None:
    top = client_id(MAX_PROCESS_SLOT, 2**CLIENT_SERIAL_BITS - 1)
    assert top == JS_SAFE - 1
    assert float(top) == top  # exact as a double
    assert client_id(0, 0) == 0


def test_ids_of_different_slots_never_collide() -> None:
    seen = {client_id(slot, serial) for slot in (0, 1, 2, MAX_PROCESS_SLOT) for serial in (0, 1, 2**40)}
    assert len(seen) == 12


def test_slots_out_of_range_are_refused() -> None:
    for slot in (-1, MAX_PROCESS_SLOT + 1):
        with pytest.raises(ValueError, match="process slot"):
            ClientIds(slot)


def test_numbers_no_process_hands_out_have_no_slot() -> None:
    assert process_slot_of(-1) is None
    assert process_slot_of(JS_SAFE) is None
    assert process_slot_of(10**30) is None


def test_the_serial_wraps_within_its_bits() -> None:
    ids = ClientIds(slot=1)
    ids._serial = 2**CLIENT_SERIAL_BITS - 1
    assert ids.next() == client_id(1, 2**CLIENT_SERIAL_BITS - 1)
    assert ids.next() == client_id(1, 0)


def test_short_ids_and_tokens() -> None:
    assert len(short_id()) == 9 and short_id() != short_id()
    token = new_access_token()
    assert len(token) == 44 and token.endswith("=")
    assert token_hash(token) == token_hash(token) != token_hash(new_access_token())
    assert len(token_hash(token)) == 64
