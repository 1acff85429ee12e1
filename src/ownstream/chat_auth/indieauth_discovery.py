"""IndieAuth, the pure parts (newer Owncast §7.1, IndieAuth spec): a profile URL made canonical, the
authorization endpoint found in a profile page's `Link` headers or HTML, PKCE, and the redirect URL.

No I/O here: `indieauth_client.py` fetches the page and posts the code.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import string
from collections.abc import Iterable
from html.parser import HTMLParser

from yarl import URL

AUTHORIZATION_ENDPOINT = "authorization_endpoint"
STATE_LENGTH = 20
VERIFIER_LENGTH = 50
_ALPHABET = string.ascii_letters + string.digits
HTTPS_ONLY = "only servers secured with https are supported"


class ProfileUrlRefused(Exception):
    """The text is not a usable profile URL; the message is the one the API answers."""


def canonical_profile_url(text: str) -> str:
    """The IndieAuth profile URL for what a user typed: `https://` added when no scheme is given, the
    host lower-cased, an empty path made `/`. Refused: other schemes than https, no host, user info,
    fragments."""
    typed = text.strip()
    if not typed:
        raise ProfileUrlRefused(HTTPS_ONLY)
    if "://" not in typed:
        typed = "https://" + typed
    try:
        url = URL(typed)
        if url.scheme.lower() != "https":
            raise ProfileUrlRefused(HTTPS_ONLY)
        host = url.raw_host or ""
        if not host or url.raw_user is not None or url.raw_password is not None or url.raw_fragment:
            raise ProfileUrlRefused("unable to parse server URL")
        path = url.raw_path or "/"
        query = f"?{url.raw_query_string}" if url.raw_query_string else ""
        port = f":{url.port}" if url.explicit_port is not None and url.port != 443 else ""
    except ValueError:
        raise ProfileUrlRefused("unable to parse server URL") from None
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"https://{host.lower()}{port}{path}{query}"


def same_profile(requested: str, returned: str) -> bool:
    """Owncast's check of the `me` an endpoint returns: equal to the requested URL, trailing `/` aside."""
    return requested.rstrip("/") == returned.rstrip("/")


_LINK_VALUE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")
_REL_PARAM = re.compile(r""";\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


def links_from_headers(values: Iterable[str], rel: str) -> list[str]:
    """The targets of every `Link` header entry with `rel` among its relations, in order."""
    found: list[str] = []
    for value in values:
        for match in _LINK_VALUE.finditer(value):
            params = match.group(2) or ""
            for rel_match in _REL_PARAM.finditer(params):
                relations = (rel_match.group(1) or rel_match.group(2) or "").lower().split()
                if rel in relations:
                    found.append(match.group(1).strip())
    return found


class _RelLinks(HTMLParser):
    def __init__(self, rel: str) -> None:
        super().__init__(convert_charrefs=True)
        self._rel = rel
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "a"):
            return
        values = {name.lower(): value or "" for name, value in attrs}
        if self._rel in values.get("rel", "").lower().split() and values.get("href", "").strip():
            self.found.append(values["href"].strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def links_from_html(html: str, rel: str) -> list[str]:
    """The `href` of every `<link>` or `<a>` with `rel` among its relations, in document order."""
    parser = _RelLinks(rel)
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser's last resort on hopeless markup
        pass
    return parser.found


def authorization_endpoint(page_url: str, link_headers: Iterable[str], html: str) -> str:
    """The authorization endpoint a profile page names: an HTTP `Link` header first (the IndieAuth
    spec's order), else the **last** `rel="authorization_endpoint"` link in the HTML (Owncast's rule);
    relative targets resolved against the page. `ProfileUrlRefused` when there is none or it is not
    https."""
    candidates = links_from_headers(link_headers, AUTHORIZATION_ENDPOINT)
    target = candidates[0] if candidates else None
    if target is None:
        in_html = links_from_html(html, AUTHORIZATION_ENDPOINT)
        target = in_html[-1] if in_html else None
    if target is None:
        raise ProfileUrlRefused(f"no {AUTHORIZATION_ENDPOINT} link found at {page_url}")
    try:
        endpoint = URL(page_url).join(URL(target))
    except ValueError:
        raise ProfileUrlRefused(f"the {AUTHORIZATION_ENDPOINT} is not a URL") from None
    if endpoint.scheme != "https" or not endpoint.host:
        raise ProfileUrlRefused(f"the {AUTHORIZATION_ENDPOINT} is not an https URL")
    return str(endpoint.with_fragment(None))


def random_text(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def code_challenge(verifier: str) -> str:
    """PKCE S256: base64url of the SHA-256 of the verifier, without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    endpoint: str, *, client_id: str, redirect_uri: str, state: str, challenge: str, me: str
) -> str:
    """Where the user's browser goes to sign in: the endpoint with the request in its query (the
    endpoint's own query parameters kept)."""
    return str(
        URL(endpoint).update_query(
            response_type="code",
            client_id=client_id,
            redirect_uri=redirect_uri,
            state=state,
            code_challenge_method="S256",
            code_challenge=challenge,
            me=me,
        )
    )
