"""IndieAuth client (newer Owncast §7.1): a chat user proves they own a website.

`start()` fetches the profile page the user named (https only, through the shared outbound client with
the stranger-aimed address rule: a private or loopback host is "unable to use provided host" unless
`--allow-private-addresses`), finds its authorization endpoint, and keeps a pending request (state, PKCE
verifier; 100 at most, 10 minutes each) while the browser goes there. Pending requests are in the
database (repos/pending_sign_ins.py), so the callback may reach any process serving the site; each is
used once. `complete()` takes the `state` and `code` the endpoint sent the browser back with, posts the
code with the verifier to the endpoint, and accepts the answer's `me` only when it is the URL asked for
(trailing `/` aside). Redirects of the profile
page are followed by hand (three at most), each hop checked by the same address rule.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from yarl import URL

from ownstream.chat.service import ChatService
from ownstream.chat_auth.indieauth_discovery import (
    STATE_LENGTH,
    VERIFIER_LENGTH,
    ProfileUrlRefused,
    authorization_endpoint,
    authorization_url,
    canonical_profile_url,
    code_challenge,
    random_text,
    same_profile,
)
from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.database.repos.pending_sign_ins import PendingRow, PendingSignInRepository, expiry
from ownstream.domain.ids import token_hash
from ownstream.domain.users import User
from ownstream.errors import Invalid
from ownstream.outbound.http import NOT_PUBLIC, OutboundFailure, OutboundHttp

log = logging.getLogger(__name__)

MAX_PENDING = 100
PENDING_LIFETIME = 600.0
MAX_PAGE_BYTES = 256 * 1024
MAX_ANSWER_BYTES = 64 * 1024
MAX_REDIRECTS = 3
TOO_MANY = "Please try again later. Too many pending requests."
SERVER_URL_REQUIRED = "Owncast server URL must be set when using auth"
PRIVATE_HOST = "unable to use provided host"
CALLBACK_PATH = "/api/auth/indieauth/callback"
IDENTITY_TYPE = "indieauth"


class IndieAuthFailed(Exception):
    """The sign-in could not be completed; the text is for the log (the browser gets one page)."""


@dataclass(frozen=True)
class SignInDetails:
    """What completing a sign-in needs besides the user (stored as the pending row's `details`)."""

    me: str
    endpoint: str
    verifier: str
    client_id: str
    redirect_uri: str


class IndieAuthClient:
    def __init__(
        self,
        *,
        config: ConfigService,
        http: OutboundHttp,
        chat: ChatService,
        pending: PendingSignInRepository,
        clock: Clock,
        allow_private: bool,
        timeout: float = 10.0,
    ) -> None:
        self._config = config
        self._http = http
        self._chat = chat
        self._allow_private = allow_private
        self._timeout = timeout
        self._pending = pending
        self._clock = clock

    def _server_url(self) -> str:
        server_url = self._config.current.server_url.strip().rstrip("/")
        if not server_url:
            raise Invalid(SERVER_URL_REQUIRED)
        try:
            parsed = URL(server_url)
        except ValueError:
            raise Invalid("unable to parse server URL") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise Invalid("unable to parse server URL")
        return server_url

    async def start(self, user: User, token: str, auth_host: str) -> str:
        """The authorization URL to send the user's browser to; `Invalid` with Owncast's texts."""
        if await self._pending.waiting(IDENTITY_TYPE, self._clock.now()) >= MAX_PENDING:
            raise Invalid(TOO_MANY)
        server_url = self._server_url()
        try:
            me = canonical_profile_url(auth_host)
        except ProfileUrlRefused as refused:
            raise Invalid(str(refused)) from None
        final_url, link_headers, html = await self._fetch_profile(me)
        try:
            endpoint = authorization_endpoint(final_url, link_headers, html)
        except ProfileUrlRefused as refused:
            raise Invalid(f"unable to generate IndieAuth request: {refused}") from None
        state, verifier = random_text(STATE_LENGTH), random_text(VERIFIER_LENGTH)
        pending = SignInDetails(
            me=me,
            endpoint=endpoint,
            verifier=verifier,
            client_id=server_url,
            redirect_uri=server_url + CALLBACK_PATH,
        )
        now = self._clock.now()
        row = PendingRow(
            kind=IDENTITY_TYPE,
            user_id=user.id,
            token_hash=token_hash(token),
            details=asdict(pending),
            expires_at=expiry(now, PENDING_LIFETIME),
        )
        # Counted again as it is stored: other sign-ins started while the page was fetched.
        if await self._pending.add(state, row, now=now, limit=MAX_PENDING) != "added":
            raise Invalid(TOO_MANY)
        return authorization_url(
            endpoint,
            client_id=pending.client_id,
            redirect_uri=pending.redirect_uri,
            state=state,
            challenge=code_challenge(verifier),
            me=me,
        )

    async def _fetch_profile(self, me: str) -> tuple[str, list[str], str]:
        """The profile page after redirects: its URL, its `Link` headers and its text."""
        url = me
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                reply = await self._http.request(
                    "GET",
                    url,
                    headers={"Accept": "text/html, application/xhtml+xml"},
                    timeout=self._timeout,
                    allow_private=self._allow_private,
                    max_reply_bytes=MAX_PAGE_BYTES,
                    follow_redirects=False,
                )
            except OutboundFailure as failure:
                if failure.reason == NOT_PUBLIC:
                    raise Invalid(PRIVATE_HOST) from None
                log.info("IndieAuth profile %s unreachable: %s", url, failure.detail)
                raise Invalid(f"unable to generate IndieAuth request: {failure.reason}") from None
            location = reply.headers.get("Location")
            if reply.status in (301, 302, 303, 307, 308) and location:
                try:
                    url = str(URL(url).join(URL(location)))
                except ValueError:
                    raise Invalid("unable to generate IndieAuth request: a bad redirect") from None
                if not url.startswith("https://"):
                    raise Invalid("unable to generate IndieAuth request: redirected away from https")
                continue
            if not 200 <= reply.status < 300:
                raise Invalid(
                    f"unable to generate IndieAuth request: the profile page answered {reply.status}"
                )
            return url, reply.headers.getall("Link", []), reply.body.decode("utf-8", errors="replace")
        raise Invalid("unable to generate IndieAuth request: too many redirects")

    async def complete(self, state: str, code: str) -> User:
        """Finish a sign-in the endpoint sent back; the user as they now are (authenticated)."""
        row = await self._pending.take(state, IDENTITY_TYPE, self._clock.now()) if state else None
        if row is None:
            raise IndieAuthFailed("no pending sign-in for this state")
        try:
            pending = SignInDetails(**row.details)
        except TypeError:
            raise IndieAuthFailed("the pending sign-in is unreadable") from None
        if not code:
            raise IndieAuthFailed("no code")
        me = await self._verify_code(pending, code)
        user = await self._chat.user_for_token_hash(row.token_hash)
        if user is None or user.id != row.user_id or user.disabled:
            raise IndieAuthFailed("the chat user changed or was disabled during the sign-in")
        return await self._chat.identity_verified(row.token_hash, user, IDENTITY_TYPE, me)

    async def _verify_code(self, pending: SignInDetails, code: str) -> str:
        form = urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": pending.client_id,
                "redirect_uri": pending.redirect_uri,
                "code_verifier": pending.verifier,
            }
        ).encode("ascii")
        try:
            reply = await self._http.request(
                "POST",
                pending.endpoint,
                body=form,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                timeout=self._timeout,
                allow_private=self._allow_private,
                max_reply_bytes=MAX_ANSWER_BYTES,
                follow_redirects=False,
            )
        except OutboundFailure as failure:
            raise IndieAuthFailed(f"the authorization endpoint did not answer: {failure.reason}") from None
        if not 200 <= reply.status < 300:
            raise IndieAuthFailed(f"the authorization endpoint answered {reply.status}")
        try:
            answer = json.loads(reply.body)
        except (ValueError, RecursionError):
            raise IndieAuthFailed("the authorization endpoint's answer is not JSON") from None
        if not isinstance(answer, dict):
            raise IndieAuthFailed("the authorization endpoint's answer is not an object")
        if answer.get("error"):
            raise IndieAuthFailed(f"the authorization endpoint refused: {str(answer.get('error'))[:100]}")
        returned = answer.get("me")
        if not isinstance(returned, str):
            raise IndieAuthFailed("the authorization endpoint's answer has no `me`")
        try:
            returned = canonical_profile_url(returned)
        except ProfileUrlRefused:
            raise IndieAuthFailed("the authorization endpoint returned an unusable `me`") from None
        if not same_profile(pending.me, returned):
            raise IndieAuthFailed("the authorization endpoint vouched for another profile")
        return pending.me
