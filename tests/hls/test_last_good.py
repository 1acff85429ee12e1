from ownstream.hls.last_good import LastGoodPlaylists, is_complete_playlist


def test_complete_playlists() -> None:
    assert is_complete_playlist(b"#EXTM3U\n#EXT-X-VERSION:3\n")
    assert not is_complete_playlist(b"")
    assert not is_complete_playlist(b"#EXT-X-VERSION:3\n")


def test_recalls_the_last_copy_of_the_same_stream_only() -> None:
    playlists = LastGoodPlaylists()
    playlists.remember("stream-a", "0/stream.m3u8", b"#EXTM3U\n1\n")
    playlists.remember("stream-a", "0/stream.m3u8", b"#EXTM3U\n2\n")
    assert playlists.recall("stream-a", "0/stream.m3u8") == b"#EXTM3U\n2\n"
    assert playlists.recall("stream-a", "1/stream.m3u8") is None
    assert playlists.recall("stream-b", "0/stream.m3u8") is None  # another stream's copy never stands in
    playlists.remember("stream-b", "stream.m3u8", b"#EXTM3U\n")
    assert playlists.recall("stream-a", "0/stream.m3u8") is None


def test_bounded() -> None:
    playlists = LastGoodPlaylists(max_playlists=2)
    for name in ("a", "b", "c"):
        playlists.remember("s", name, b"#EXTM3U\n")
    assert [playlists.recall("s", name) is not None for name in ("a", "b", "c")] == [False, True, True]
