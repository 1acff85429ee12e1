"""Ownstream as an IndieAuth server (newer Owncast §7.2): the streamer signs in to other sites with this
server's URL. The viewer page names `/api/auth/provider/indieauth` as its `authorization_endpoint`.

`authorize()` (the admin's browser, after admin authentication) keeps the request under a fresh code and
sends the browser back to the client; `redeem()` (the client, no authentication) trades the code, with
the same client id, redirect URI and the PKCE verifier, for the server's identity. A code is good once and
for 10 minutes; 99 may wait at a time. Answers and texts are Owncast's.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from yarl import URL

from ownstream.chat_auth.indieauth_discovery import code_challenge
from ownstream.chat_auth.pending import PendingRequests
from ownstream.config.service import ConfigService
from ownstream.domain.ids import short_id

MAX_PENDING = 99
CODE_LIFETIME = 600.0
TOO_MANY = "Please try again later. Too many pending requests."


class ProviderRefused(Exception):
    """`authorize()` cannot go on: the answer is `document` (JSON) or, with no document, `text` with a
    500, as Owncast answers."""

    def __init__(self, text: str, document: dict[str, Any] | None = None) -> None:
        super().__init__(text)
        self.document = document


@dataclass(frozen=True)
class PendingGrant:
    client_id: str
    redirect_uri: str
    challenge: str


def invalid_client(description: str) -> dict[str, str]:
    return {"error": "invalid_client", "error_description": description}


class IndieAuthProvider:
    def __init__(self, config: ConfigService, monotonic: Callable[[], float]) -> None:
        self._config = config
        self._pending: PendingRequests[PendingGrant] = PendingRequests(
            limit=MAX_PENDING, lifetime=CODE_LIFETIME, monotonic=monotonic
        )

    def authorize(self, query: Mapping[str, str]) -> str:
        """Where to send the admin's browser: the client's redirect URI with `code` and `state`."""
        if self._pending.full():
            raise ProviderRefused(TOO_MANY)
        redirect_uri = query.get("redirect_uri", "")
        try:
            target = URL(redirect_uri)
        except ValueError as error:
            raise ProviderRefused(
                "bad redirect", {"error": "invalid_request", "error_description": str(error)}
            ) from None
        if target.scheme not in ("http", "https") or not target.host:
            description = "redirect_uri must be an absolute http(s) URL"
            raise ProviderRefused(
                "bad redirect", {"error": "invalid_request", "error_description": description}
            )
        code = short_id()
        grant = PendingGrant(query.get("client_id", ""), redirect_uri, query.get("code_challenge", ""))
        self._pending.add(code, grant)
        return str(target.update_query(code=code, state=query.get("state", "")))

    def redeem(self, form: Mapping[str, str]) -> dict[str, Any]:
        """The identity (`me` and a profile) for a good code, else Owncast's `invalid_client` answer."""
        grant = self._pending.pop(form.get("code", ""))
        if grant is None:
            return invalid_client("no pending authentication request")
        if form.get("redirect_uri", "") != grant.redirect_uri:
            return invalid_client("redirect URI does not match")
        if form.get("client_id", "") != grant.client_id:
            return invalid_client("client ID does not match")
        verifier = form.get("code_verifier", "")
        try:
            challenge = code_challenge(verifier)
        except UnicodeEncodeError:
            challenge = ""
        if not grant.challenge or not hmac.compare_digest(challenge, grant.challenge):
            return invalid_client("code verifier is incorrect")
        config = self._config.current
        server_url = config.server_url.strip().rstrip("/")
        return {
            "me": server_url,
            "profile": {"name": config.server_name, "url": server_url, "photo": server_url + "/logo"},
        }
