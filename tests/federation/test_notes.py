"""Posts as ActivityStreams Notes: IRIs, hashtag links and the Note document (reference §8.8)."""

from datetime import UTC, datetime

from ownstream.federation.notes import (
    NOTE_CONTEXT,
    PUBLIC,
    actor_iri,
    hashtag_link,
    link_hashtags,
    note_document,
    object_iri,
    render_post,
)


def test_iris_hang_off_the_server_url() -> None:
    assert (
        actor_iri("https://stream.example/", "streamer") == "https://stream.example/federation/user/streamer"
    )
    assert object_iri("https://stream.example", "abc123XYZ") == "https://stream.example/federation/abc123XYZ"


def test_hashtags_in_text_become_links_once_each() -> None:
    html, tags = link_hashtags("<p>Live #music and #Art, more #music</p>")
    assert tags == ["music", "Art"]
    assert html == (
        f"<p>Live {hashtag_link('music')} and {hashtag_link('Art')}, more {hashtag_link('music')}</p>"
    )
    assert hashtag_link("music") == (
        '<a class="hashtag" href="https://directory.owncast.online/tags/music">#music</a>'
    )


def test_markup_links_code_and_entities_are_left_alone() -> None:
    source = '<p><a href="https://x.example/#top">see #here</a> <code>#define</code> &#35;x C#sharp</p>'
    html, tags = link_hashtags(source)
    assert html == source
    assert tags == []


def test_render_post_renders_markdown_safely() -> None:
    html, tags = render_post("**Going live** #now <script>alert(1)</script>")
    assert html.startswith("<p><strong>Going live</strong> ")
    assert hashtag_link("now") in html
    assert "<script>" not in html
    assert tags == ["now"]


def test_note_document() -> None:
    published = datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    note = note_document(
        iri="https://s.example/federation/n1",
        actor="https://s.example/federation/user/streamer",
        content="<p>hi</p>",
        published=published,
        tags=["music"],
        public=True,
    )
    assert note == {
        "@context": NOTE_CONTEXT,
        "id": "https://s.example/federation/n1",
        "type": "Note",
        "attributedTo": "https://s.example/federation/user/streamer",
        "content": "<p>hi</p>",
        "published": "2026-05-06T07:08:09Z",
        "to": [PUBLIC],
        "cc": ["https://s.example/federation/user/streamer/followers"],
        "tag": [{"type": "Hashtag", "name": "#music", "href": "https://directory.owncast.online/tags/music"}],
    }
    private = note_document(iri="i", actor="a", content="c", published=published, tags=[], public=False)
    assert private["to"] == ["a/followers"] and "cc" not in private and private["tag"] == []
    assert "url" not in private and "attachment" not in private and "sensitive" not in private
