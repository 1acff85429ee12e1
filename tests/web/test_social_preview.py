from __future__ import annotations

from ownstream.web.context import PageContext
from ownstream.web.social_preview import render_social_preview


def test_offline_preview_points_at_the_logo() -> None:
    html = render_social_preview(
        PageContext(server_name="Radio", summary="Hi", tags=("a",)), "http://h:8080/"
    )
    assert '<meta property="og:image" content="http://h:8080/logo/external">' in html
    assert '<meta property="og:image:width" content="512">' in html
    assert '<meta property="og:video" content="http://h:8080/embed/video">' in html
    assert "og:video:secure_url" not in html
    assert "<p>#a</p>" in html


def test_long_summaries_are_shortened_to_one_line() -> None:
    html = render_social_preview(PageContext(server_name="R", summary="word\n" * 200), "https://x")
    description = html.split('<meta name="description" content="', 1)[1].split('"', 1)[0]
    assert len(description) <= 300
    assert description.endswith("…")
    assert "\n" not in description


def test_empty_name_falls_back() -> None:
    html = render_social_preview(PageContext(server_name="", summary=""), "https://x")
    assert "<title>Ownstream</title>" in html


def test_absolute_logo_urls_are_kept() -> None:
    context = PageContext(server_name="R", summary="", logo_url="https://cdn.example/logo.png")
    html = render_social_preview(context, "https://x")
    assert '<meta property="og:image" content="https://cdn.example/logo.png">' in html
