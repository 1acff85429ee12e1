"""The pure parts of the IndieAuth client (chat_auth/indieauth_discovery.py): profile URLs made canonical,
the authorization endpoint found in Link headers and HTML, PKCE against RFC 7636's worked example."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from ownstream.chat_auth.indieauth_discovery import (
    HTTPS_ONLY,
    ProfileUrlRefused,
    authorization_endpoint,
    authorization_url,
    canonical_profile_url,
    code_challenge,
    links_from_headers,
    links_from_html,
    random_text,
    same_profile,
)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("me.example", "https://me.example/"),
        ("  https://Me.EXAMPLE  ", "https://me.example/"),
        ("https://me.example/blog", "https://me.example/blog"),
        ("https://me.example:443/", "https://me.example/"),
        ("https://me.example:8443/x?y=1", "https://me.example:8443/x?y=1"),
        ("HTTPS://me.example", "https://me.example/"),
    ],
)
def test_profile_urls_are_made_canonical(typed: str, canonical: str) -> None:
    assert canonical_profile_url(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", HTTPS_ONLY),
        ("http://me.example/", HTTPS_ONLY),
        ("ftp://me.example/", HTTPS_ONLY),
        ("https://user:pass@me.example/", "unable to parse server URL"),
        ("https://me.example/#about", "unable to parse server URL"),
        ("https://", "unable to parse server URL"),
    ],
)
def test_unusable_profile_urls_are_refused_with_owncasts_texts(typed: str, message: str) -> None:
    with pytest.raises(ProfileUrlRefused) as refused:
        canonical_profile_url(typed)
    assert str(refused.value) == message


@given(st.text(max_size=200))
def test_any_text_is_canonical_or_refused(text: str) -> None:
    try:
        canonical = canonical_profile_url(text)
    except ProfileUrlRefused:
        return
    assert canonical.startswith("https://")
    assert canonical_profile_url(canonical) == canonical, "canonical form is a fixed point"


def test_same_profile_ignores_only_the_trailing_slash() -> None:
    assert same_profile("https://me.example/", "https://me.example")
    assert not same_profile("https://me.example/", "https://other.example/")


def test_link_headers_in_their_several_forms() -> None:
    headers = [
        '<https://auth.example/a>; rel="authorization_endpoint", <https://t.example/>; rel="token_endpoint"',
        "</relative>; rel=authorization_endpoint",
        '<https://x.example/>; rel="me authorization_endpoint"',
    ]
    assert links_from_headers(headers, "authorization_endpoint") == [
        "https://auth.example/a",
        "/relative",
        "https://x.example/",
    ]
    assert links_from_headers(["garbage", "<>;", ""], "authorization_endpoint") == []


def test_html_links_the_last_wins_and_relative_targets_resolve() -> None:
    html = """<html><head>
      <link rel="authorization_endpoint" href="https://first.example/auth">
      <LINK REL="me Authorization_Endpoint" HREF="/auth">
      <link rel="stylesheet" href="/style.css">
    </head><body><a rel="me" href="https://social.example/@me">me</a></body></html>"""
    assert links_from_html(html, "authorization_endpoint") == ["https://first.example/auth", "/auth"]
    assert authorization_endpoint("https://me.example/about", [], html) == "https://me.example/auth"


def test_a_link_header_wins_over_the_html() -> None:
    html = '<link rel="authorization_endpoint" href="https://html.example/auth">'
    found = authorization_endpoint(
        "https://me.example/", ['<https://header.example/auth>; rel="authorization_endpoint"'], html
    )
    assert found == "https://header.example/auth"


@pytest.mark.parametrize(
    ("headers", "html", "reason"),
    [
        ([], "<p>no links here</p>", "no authorization_endpoint link found"),
        ([], '<link rel="authorization_endpoint" href="http://plain.example/auth">', "not an https URL"),
        ([], '<link rel="authorization_endpoint" href="https://[bad">', "not"),
        ([], "<link rel=authorization_endpoint href=>", "no authorization_endpoint link found"),
    ],
)
def test_pages_without_a_usable_endpoint(headers: list[str], html: str, reason: str) -> None:
    with pytest.raises(ProfileUrlRefused) as refused:
        authorization_endpoint("https://me.example/", headers, html)
    assert reason in str(refused.value)


@given(st.text(max_size=500))
def test_any_markup_is_read_without_an_exception(html: str) -> None:
    links_from_html(html, "authorization_endpoint")


def test_pkce_s256_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_state_and_verifier_are_fresh_letters_and_digits() -> None:
    first, second = random_text(50), random_text(50)
    assert len(first) == 50 and first.isalnum() and first != second


def test_authorization_url_keeps_the_endpoints_own_query() -> None:
    url = URL(
        authorization_url(
            "https://auth.example/authorize?tenant=7",
            client_id="https://stream.example",
            redirect_uri="https://stream.example/api/auth/indieauth/callback",
            state="s" * 20,
            challenge="c",
            me="https://me.example/",
        )
    )
    assert url.path == "/authorize"
    assert dict(url.query) == {
        "tenant": "7",
        "response_type": "code",
        "client_id": "https://stream.example",
        "redirect_uri": "https://stream.example/api/auth/indieauth/callback",
        "state": "s" * 20,
        "code_challenge_method": "S256",
        "code_challenge": "c",
        "me": "https://me.example/",
    }
