"""Ownstream as an IndieAuth server (newer Owncast §7.2): the streamer signs in to other sites with this
server's URL. The viewer page names `/api/auth/provider/indieauth` as its `authorization_endpoint`.

`authorize()` (the admin's browser, after admin authentication) keeps the request under a fresh code and
sends the browser back to the client; `redeem()` (the client, no authentication) trades the code, with
the same client id, redirect URI and the PKCE verifier, for the server's identity. A code is good once and
for 10 minutes; 99 may wait at a time. Codes wait in the database (repos/pending_sign_ins.py), so the
client's POST may reach any process serving the site. Answers and texts are Owncast's.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from yarl import URL

from ownstream.chat_auth.indieauth_discovery import code_challenge
from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.pending_sign_ins import PendingRow, PendingSignInRepository, expiry
from ownstream.domain.ids import short_id

MAX_PENDING = 99
CODE_LIFETIME = 600.0
TOO_MANY = "Please try again later. Too many pending requests."
KIND = "provider"


class ProviderRefused(Exception):
    """`authorize()` cannot go on: the answer is `document` (JSON) or, with no document, `text` with a
    500, as Owncast answers."""

    def __init__(self, text: str, document: dict[str, Any] | None = None) -> None:
        super().__init__(text)
        self.document = document


def invalid_client(description: str) -> dict[str, str]:
    return {"error": "invalid_client", "error_description": description}


class IndieAuthProvider:
    def __init__(self, config: ConfigService, pending: PendingSignInRepository, clock: Clock) -> None:
        self._config = config
        self._pending = pending
        self._clock = clock

    async def authorize(self, query: Mapping[str, str]) -> str:
        """Where to send the admin's browser: the client's redirect URI with `code` and `state`."""
        if await self._pending.waiting(KIND, self._clock.now()) >= MAX_PENDING:
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
        now = self._clock.now()
        grant = PendingRow(
            kind=KIND,
            user_id="",
            token_hash="",
            details={
                "client_id": query.get("client_id", ""),
                "redirect_uri": redirect_uri,
                "challenge": query.get("code_challenge", ""),
            },
            expires_at=expiry(now, CODE_LIFETIME),
        )
        if await self._pending.add(code, grant, now=now, limit=MAX_PENDING) != "added":
            raise ProviderRefused(TOO_MANY)
        return str(target.update_query(code=code, state=query.get("state", "")))

    async def redeem(self, form: Mapping[str, str]) -> dict[str, Any]:
        """The identity (`me` and a profile) for a good code, else Owncast's `invalid_client` answer."""
        code = form.get("code", "")
        row = await self._pending.take(code, KIND, self._clock.now()) if code else None
        if row is None:
            return invalid_client("no pending authentication request")
        grant = {key: str(value) for key, value in row.details.items()}
        if form.get("redirect_uri", "") != grant.get("redirect_uri"):
            return invalid_client("redirect URI does not match")
        if form.get("client_id", "") != grant.get("client_id"):
            return invalid_client("client ID does not match")
        verifier = form.get("code_verifier", "")
        try:
            challenge = code_challenge(verifier)
        except UnicodeEncodeError:
            challenge = ""
        expected = grant.get("challenge", "")
        if not expected or not hmac.compare_digest(challenge, expected):
            return invalid_client("code verifier is incorrect")
        config = self._config.current
        server_url = config.server_url.strip().rstrip("/")
        return {
            "me": server_url,
            "profile": {"name": config.server_name, "url": server_url, "photo": server_url + "/logo"},
        }
