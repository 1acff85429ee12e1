"""The custom emoji folder: defaults at first start, listing cached by mtime, safe file lookup."""

import os
from pathlib import Path

from ownstream.chat.emoji import EmojiCatalog


async def test_defaults_are_installed_once(tmp_path: Path) -> None:
    catalog = EmojiCatalog(tmp_path / "emoji")
    catalog.ensure_defaults()
    listing = await catalog.listing()
    assert 3 <= len(listing) <= 5
    assert all(item["emoji"] == f"/img/emoji/{item['name']}.svg" for item in listing)
    (tmp_path / "emoji" / "heart.svg").unlink()
    catalog.ensure_defaults()
    assert not (tmp_path / "emoji" / "heart.svg").exists()


async def test_listing_follows_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "emoji"
    folder.mkdir()
    catalog = EmojiCatalog(folder)
    assert await catalog.listing() == []
    (folder / "party.gif").write_bytes(b"GIF89a")
    (folder / ".hidden").write_text("x")
    (folder / "sub").mkdir()
    os.utime(folder, ns=(1, 10**18))
    assert await catalog.listing() == [{"name": "party", "emoji": "/img/emoji/party.gif"}]


async def test_listing_is_cached_until_the_mtime_changes(tmp_path: Path) -> None:
    folder = tmp_path / "emoji"
    folder.mkdir()
    catalog = EmojiCatalog(folder)
    os.utime(folder, ns=(1, 10**18))
    assert await catalog.listing() == []
    (folder / "late.png").write_bytes(b"x")
    os.utime(folder, ns=(1, 10**18))  # same mtime: the cached listing stands
    assert await catalog.listing() == []
    os.utime(folder, ns=(1, 2 * 10**18))
    assert [item["name"] for item in await catalog.listing()] == ["late"]


def test_file_lookup_stays_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "emoji"
    folder.mkdir()
    (folder / "ok.png").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("no")
    (folder / "link.png").symlink_to(tmp_path / "secret.txt")
    catalog = EmojiCatalog(folder)
    assert catalog.file_for("ok.png") == folder / "ok.png"
    for name in [
        "../secret.txt",
        "..",
        ".",
        "",
        "sub/ok.png",
        "link.png",
        "missing.png",
        ".hidden",
        "a\x00b",
    ]:
        assert catalog.file_for(name) is None, name
