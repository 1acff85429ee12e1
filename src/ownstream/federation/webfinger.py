"""WebFinger, client side: how a visitor's own fediverse server wants remote follows to start.

`POST /api/remotefollow` asks the visitor's server (`GET https://<host>/.well-known/webfinger?resource=
acct:<user>@<host>`) for its OStatus subscribe link and fills that link's `{uri}` template with this
server's actor IRI (reference §2.2). Errors carry Owncast's messages as `Invalid`.

Anyone can make this server send that request, so it must not be a scanner's tool: every failure of the
lookup (refused, closed or open port, not WebFinger, too slow, a redirect) gives the same answer, no
redirect is followed, and only public addresses are reached unless the operator allows private ones
(the shared outbound client, outbound/http.py, with the rule of net/public_address.py).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from yarl import URL

from ownstream.errors import Invalid
from ownstream.outbound.http import OutboundFailure, OutboundHttp

log = logging.getLogger(__name__)

SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
ACCOUNT_REQUIRED = "Remote Fediverse account is required to follow."
LOOKUP_FAILED = "unable to determine remote follow information for {account}"
MAX_DOCUMENT_BYTES = 256 * 1024
ACCEPT = "application/jrd+json, application/json"

_HOST = re.compile(r"(?:[\w-]+(?:\.[\w-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def split_account(account: str) -> tuple[str, str]:
    """`@user@host` or `user@host` → (`user@host`, `host`); `Invalid` when there is no user or host."""
    bare = account.lstrip("@")
    user, at, rest = bare.partition("@")
    host = rest.split("@", 1)[0]
    if not at or not user or not host:
        raise Invalid(ACCOUNT_REQUIRED)
    return bare, host


def webfinger_url(scheme: str, account: str, host: str) -> URL:
    if not _HOST.fullmatch(host):
        raise Invalid(f"unable to look up {account}: {host!r} is not a server name")
    try:
        return URL.build(
            scheme=scheme,
            authority=host,
            path="/.well-known/webfinger",
            query={"resource": f"acct:{account}"},
        )
    except ValueError as error:
        raise Invalid(f"unable to look up {account}: {error}") from None


def subscribe_template(document: Any) -> str | None:
    """The `template` of the first OStatus subscribe link in a WebFinger document."""
    links = document.get("links") if isinstance(document, dict) else None
    if not isinstance(links, list):
        return None
    for link in links:
        if isinstance(link, dict) and link.get("rel") == SUBSCRIBE_REL:
            template = link.get("template")
            if isinstance(template, str) and template:
                return template
    return None


def fill_template(template: str, actor: str) -> str:
    """Owncast puts the actor IRI in as it is, not percent-encoded."""
    return template.replace("{uri}", actor, 1)


class WebfingerClient:
    def __init__(
        self,
        *,
        scheme: str = "https",
        timeout: float,
        allow_private: bool = False,
        http: OutboundHttp | None = None,
    ) -> None:
        """`http`: the server's shared client; without one the client makes (and closes) its own."""
        self._scheme = scheme
        self._timeout = timeout
        self._allow_private = allow_private
        self._owns_http = http is None
        self._http = http

    async def start(self) -> None:
        if self._http is None:
            self._http = OutboundHttp()

    async def stop(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.close()
            self._http = None

    async def lookup(self, account: str) -> Any:
        """The WebFinger document for `user@host`, or `Invalid` with one text for every failure."""
        bare, host = split_account(account)
        url = webfinger_url(self._scheme, bare, host)
        if self._http is None:
            raise RuntimeError("the WebFinger client is not started")
        try:
            reply = await self._http.request(
                "GET",
                url,
                headers={"Accept": ACCEPT},
                timeout=self._timeout,
                allow_private=self._allow_private,
                max_reply_bytes=MAX_DOCUMENT_BYTES + 1,
                follow_redirects=False,
            )
            if reply.status != 200:
                raise ValueError(f"answered HTTP {reply.status}")
            if len(reply.body) > MAX_DOCUMENT_BYTES:
                raise ValueError("answered more than a WebFinger document")
            return json.loads(reply.body)
        except OutboundFailure as failure:
            # The reason is for the operator only; the visitor gets the same answer whatever it was.
            log.debug("remote follow lookup at %s failed: %s", host, failure.detail)
            raise Invalid(LOOKUP_FAILED.format(account=account)) from None
        except (ValueError, RecursionError) as error:
            log.debug("remote follow lookup at %s failed: %s", host, error or type(error).__name__)
            raise Invalid(LOOKUP_FAILED.format(account=account)) from None

    async def remote_follow_url(self, account: str, actor: str) -> str:
        """Where to send the visitor so that their server asks them to follow `actor`."""
        template = subscribe_template(await self.lookup(account))
        if template is None:
            raise Invalid(LOOKUP_FAILED.format(account=account))
        return fill_template(template, actor)
