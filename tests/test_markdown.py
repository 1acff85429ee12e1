from ownstream.markdown import render_page_markdown


def test_markdown_and_links() -> None:
    html = render_page_markdown("Hello **world** https://example.com")
    assert "<strong>world</strong>" in html
    assert 'href="https://example.com"' in html


def test_scripts_and_handlers_are_removed() -> None:
    html = render_page_markdown(
        '<script>alert(1)</script><img src=x onerror="alert(1)"> [x](javascript:alert(1))'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert 'href="javascript:' not in html
    assert "href" not in render_page_markdown("[x](javascript:alert(1))")
