from ownstream.markdown import plain_text, render_page_markdown


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


def test_plain_text_of_rendered_markdown() -> None:
    html = render_page_markdown(
        "Live **jazz**\n\nevery *Friday* &amp; more: [our site](https://x.example) ![logo](/l.png)"
    )
    assert plain_text(html) == "Live jazz every Friday & more: our site logo"
    assert plain_text("<p>a</p><p>b<br>c</p>") == "a b c"
    assert plain_text("") == ""
