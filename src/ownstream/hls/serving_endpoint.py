"""Newer Owncast's video serving endpoint (0.1.1, `config/videoservingendpoint`): the master playlist names
its variants by absolute URLs under another host (a CDN in front of this server), so players fetch the
variant playlists and segments there. Pure text in, text out."""

from __future__ import annotations


def rewrite_master_playlist(body: bytes, endpoint: str) -> bytes:
    """Every relative URI line `0/stream.m3u8` becomes `<endpoint>/hls/0/stream.m3u8`; tags, blank lines
    and absolute URIs stay as they are."""
    base = endpoint.rstrip("/") + "/hls/"
    lines = body.decode("utf-8", "surrogateescape").split("\n")
    out = [
        base + line.lstrip("/") if line.strip() and not line.startswith("#") and "://" not in line else line
        for line in lines
    ]
    return "\n".join(out).encode("utf-8", "surrogateescape")
