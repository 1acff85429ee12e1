"""Fediverse one-time codes (newer Owncast §7.3): a chat user names their fediverse account, the server
sends it a six-digit code by direct message, and the user types the code in.

The account is found by WebFinger and its actor fetched (signed), both through the shared outbound
client with federation's address rule; the message goes through federation's signed delivery queue. A
code lives 10 minutes, is good once, and one token has one pending code at a time (1000 pending in all).
Our addition: a code survives at most five wrong guesses (Owncast allowed any number, which makes six
digits guessable within the 10 minutes). Pending codes are in the database (repos/pending_sign_ins.py,
keyed by the token's SHA-256), so the code may be typed into any process serving the site.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from typing import Any

from ownstream.chat.service import ChatService
from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.pending_sign_ins import PendingRow, PendingSignInRepository, expiry
from ownstream.domain.ids import short_id, token_hash
from ownstream.domain.users import User
from ownstream.errors import Invalid
from ownstream.federation.delivery import SignedDelivery
from ownstream.federation.direct_messages import direct_note_create
from ownstream.federation.notes import object_iri
from ownstream.federation.remote_actors import ActorUnavailable, RemoteActors
from ownstream.federation.webfinger import WebfingerClient, split_account

log = logging.getLogger(__name__)

MAX_PENDING = 1000
CODE_LIFETIME = 600.0
MAX_WRONG_GUESSES = 5
IDENTITY_TYPE = "fediverse"
ACTIVITY_TYPES = (
    "application/activity+json",
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
)
TOO_MANY = "Could not register auth request: Please try again later. Too many pending requests."
ALREADY_PENDING = "Could not register auth request. One may already be pending. Try again later."
SEND_FAILED = "Could not send code to fediverse: {reason}"


class CodeRefused(Exception):
    """Wrong, expired or used code, or a token without a pending code (Owncast: 403, empty body)."""


def code_message(server_name: str, code: str) -> str:
    """Owncast 0.2's text: the code first, so it shows in a notification's preview."""
    return (
        f"One-time code from {server_name}: {code}. "
        "If you did not request this message please ignore or block."
    )


def actor_link(document: Any) -> str | None:
    """The ActivityPub actor a WebFinger document points at (`rel="self"`, an ActivityStreams type)."""
    links = document.get("links") if isinstance(document, dict) else None
    if not isinstance(links, list):
        return None
    for link in links:
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and link.get("type") in ACTIVITY_TYPES
            and isinstance(link.get("href"), str)
        ):
            href: str = link["href"]
            return href
    return None


class FediverseCodes:
    def __init__(
        self,
        *,
        config: ConfigService,
        webfinger: WebfingerClient,
        actors: RemoteActors,
        delivery: SignedDelivery,
        chat: ChatService,
        pending: PendingSignInRepository,
        clock: Clock,
        new_code: Callable[[], str] | None = None,
    ) -> None:
        self._config = config
        self._webfinger = webfinger
        self._actors = actors
        self._delivery = delivery
        self._chat = chat
        self._clock = clock
        self._new_code = new_code or (lambda: f"{secrets.randbelow(1_000_000):06d}")
        self._pending = pending

    async def send_code(self, user: User, token: str, account: str) -> None:
        """Send a code to `account` for the user holding `token`; `Invalid` with Owncast's texts."""
        if await self._pending.waiting(IDENTITY_TYPE, self._clock.now()) >= MAX_PENDING:
            raise Invalid(TOO_MANY)
        if await self._pending.peek(token, IDENTITY_TYPE, self._clock.now()) is not None:
            raise Invalid(ALREADY_PENDING)
        config = self._config.current
        if not config.federation_enabled or not config.server_url:
            raise Invalid(SEND_FAILED.format(reason="this server does not federate"))
        handle = account.strip().lstrip("@").lower()
        try:
            handle, _host = split_account(handle)
        except Invalid:
            raise Invalid(SEND_FAILED.format(reason="an account looks like user@host")) from None
        try:
            document = await self._webfinger.lookup(handle)
        except Invalid:
            raise Invalid(SEND_FAILED.format(reason=f"unable to look up {handle}")) from None
        actor_iri = actor_link(document)
        if actor_iri is None:
            raise Invalid(SEND_FAILED.format(reason=f"{handle} has no ActivityPub actor"))
        try:
            actor = await self._actors.by_iri(actor_iri)
        except ActorUnavailable as unavailable:
            log.info("one-time code for %s: actor unavailable: %s", handle, unavailable)
            raise Invalid(SEND_FAILED.format(reason=f"unable to reach {handle}")) from None
        code = self._new_code()
        activity = direct_note_create(
            iri=object_iri(config.server_url, short_id()),
            actor=self._delivery.actor(),
            recipient=actor.iri,
            recipient_handle=handle,
            text=code_message(config.server_name, code),
            published=self._clock.now(),
        )
        now = self._clock.now()
        row = PendingRow(
            kind=IDENTITY_TYPE,
            user_id=user.id,
            token_hash=token_hash(token),
            details={"account": handle, "code": code},
            expires_at=expiry(now, CODE_LIFETIME),
        )
        # Checked again as it is stored: other requests ran while the account was looked up.
        added = await self._pending.add(token, row, now=now, limit=MAX_PENDING)
        if added == "full":
            raise Invalid(TOO_MANY)
        if added == "exists":
            raise Invalid(ALREADY_PENDING)
        await self._delivery.send(activity, actor.inbox)
        log.info("one-time code sent to %s for chat user %s", handle, user.id)

    async def verify(self, token: str, code: str) -> User:
        """Check the code typed for `token`; the user as they now are (authenticated), or `CodeRefused`."""
        if not token:
            raise CodeRefused()
        pending = await self._pending.peek(token, IDENTITY_TYPE, self._clock.now())
        expected = pending.details.get("code") if pending is not None else None
        account = pending.details.get("account") if pending is not None else None
        if not isinstance(expected, str) or not isinstance(account, str):
            raise CodeRefused()
        if not hmac.compare_digest(expected.encode(), code.strip().encode("utf-8", "surrogateescape")):
            if await self._pending.count_failure(token) >= MAX_WRONG_GUESSES:
                await self._pending.discard(token)
            raise CodeRefused()
        taken = await self._pending.take(token, IDENTITY_TYPE, self._clock.now())
        if taken is None:  # used meanwhile (by another process), or expired
            raise CodeRefused()
        user = await self._chat.user_for_token_hash(taken.token_hash)
        if user is None or user.id != taken.user_id or user.disabled:
            raise CodeRefused()
        return await self._chat.identity_verified(taken.token_hash, user, IDENTITY_TYPE, account)
