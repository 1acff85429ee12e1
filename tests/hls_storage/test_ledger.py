from __future__ import annotations

import pytest

from ownstream.hls_storage.ledger import VariantLedger, is_plain_file_name, publishable_playlist

HEADER = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:{sequence}\n"


def playlist(first: int, count: int, *, ended: bool = False) -> str:
    text = HEADER.format(sequence=first)
    for n in range(first, first + count):
        text += f"#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:{n:02d}.000+0000\n#EXTINF:1.000000,\nseg-{n}.ts\n"
    return text + ("#EXT-X-ENDLIST\n" if ended else "")


def names(first: int, count: int) -> set[str]:
    return {f"seg-{n}.ts" for n in range(first, first + count)}


def test_complete_playlist_is_published_unchanged() -> None:
    text = playlist(0, 3, ended=True)
    assert publishable_playlist(text, names(0, 3)) == text


def test_playlist_is_cut_before_the_first_segment_not_uploaded() -> None:
    cut = publishable_playlist(playlist(0, 3, ended=True), {"seg-0.ts", "seg-2.ts"})
    assert cut == playlist(0, 1)
    assert cut is not None and "seg-2.ts" not in cut and "#EXT-X-ENDLIST" not in cut


def test_nothing_to_publish_when_the_first_segment_is_missing() -> None:
    assert publishable_playlist(playlist(5, 2), {"seg-6.ts"}) is None


def test_cut_playlist_ends_with_a_newline_even_without_one_in_the_source() -> None:
    text = playlist(0, 2).rstrip("\n")
    assert publishable_playlist(text, {"seg-0.ts"}) == playlist(0, 1)


@pytest.mark.parametrize(
    ("uri", "plain"),
    [
        ("stream-a-1.ts", True),
        ("../secret.ts", False),
        ("a/b.ts", False),
        ("/abs.ts", False),
        ("https://cdn.example/x.ts", False),
        ("..", False),
        ("", False),
        ("back\\slash.ts", False),
    ],
)
def test_only_plain_file_names_are_copied(uri: str, plain: bool) -> None:
    assert is_plain_file_name(uri) is plain


def test_ledger_publishes_each_playlist_state_once() -> None:
    ledger = VariantLedger(keep_expired=2)
    ledger.relist(playlist(0, 2))
    assert ledger.publishable() is None
    ledger.uploaded.add("seg-0.ts")
    first = ledger.publishable()
    assert first == playlist(0, 1)
    ledger.published = first
    assert ledger.publishable() is None
    ledger.uploaded.add("seg-1.ts")
    assert ledger.publishable() == playlist(0, 2)


def test_missing_lists_segments_neither_uploaded_nor_pending() -> None:
    ledger = VariantLedger(keep_expired=2)
    ledger.relist(playlist(0, 4))
    ledger.uploaded.add("seg-0.ts")
    ledger.pending.add("seg-1.ts")
    assert ledger.missing() == [("seg-2.ts", 1.0), ("seg-3.ts", 1.0)]


def test_segments_out_of_the_playlist_are_deleted_after_the_kept_margin() -> None:
    ledger = VariantLedger(keep_expired=2)
    ledger.relist(playlist(0, 3))
    ledger.uploaded.update(names(0, 3))
    ledger.relist(playlist(2, 3))  # seg-0, seg-1 left the playlist: within the margin
    assert ledger.take_deletable() == []
    ledger.uploaded.update(names(3, 2))
    ledger.relist(playlist(4, 3))  # seg-2, seg-3 left too: the two oldest go
    assert ledger.take_deletable() == ["seg-0.ts", "seg-1.ts"]
    assert ledger.take_deletable() == []
    assert "seg-0.ts" not in ledger.uploaded


def test_deletable_segments_put_back_are_offered_again() -> None:
    ledger = VariantLedger(keep_expired=0)
    ledger.relist(playlist(0, 2))
    ledger.uploaded.update(names(0, 3))
    ledger.relist(playlist(2, 1))
    taken = ledger.take_deletable()
    assert taken == ["seg-0.ts", "seg-1.ts"]
    ledger.put_back_deletable(taken)
    assert ledger.take_deletable() == taken


def test_expired_segments_never_uploaded_are_not_deleted_and_not_wanted() -> None:
    ledger = VariantLedger(keep_expired=0)
    ledger.relist(playlist(0, 2))
    ledger.relist(playlist(1, 2))
    assert not ledger.wants("seg-0.ts")
    assert ledger.take_deletable() == []


def test_a_segment_still_uploading_is_deleted_only_after_its_upload() -> None:
    ledger = VariantLedger(keep_expired=0)
    ledger.relist(playlist(0, 2))
    ledger.pending.add("seg-0.ts")
    ledger.relist(playlist(1, 2))
    assert ledger.take_deletable() == []
    ledger.pending.discard("seg-0.ts")
    ledger.uploaded.add("seg-0.ts")
    assert ledger.take_deletable() == ["seg-0.ts"]
