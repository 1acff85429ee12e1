"""WebFinger, client side: how a visitor's own fediverse server wants remote follows to start.

`POST /api/remotefollow` asks the visitor's server (`GET https://<host>/.well-known/webfinger?resource=
acct:<user>@<host>`) for its OStatus subscribe link and fills that link's `{uri}` template with this
server's actor IRI (reference §2.2). Errors carry Owncast's messages as `Invalid`.

Anyone can make this server send that request, so it must not be a scanner's tool: every failure of the
lookup (refused, closed or open port, not WebFinger, too slow, a redirect) gives the same answer, no
redirect is followed, and only public addresses are reached unless the operator allows private ones
(net/public_address.py).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import aiohttp
from yarl import URL

from ownstream import OWNCAST_API_VERSION, __version__
from ownstream.errors import Invalid
from ownstream.net.public_address import outbound_connector, refuse_private_literal

log = logging.getLogger(__name__)

SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
ACCOUNT_REQUIRED = "Remote Fediverse account is required to follow."
LOOKUP_FAILED = "unable to determine remote follow information for {account}"
MAX_DOCUMENT_BYTES = 256 * 1024
USER_AGENT = f"Ownstream/{__version__} (Owncast API {OWNCAST_API_VERSION})"

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
    def __init__(self, *, scheme: str = "https", timeout: float, allow_private: bool = False) -> None:
        self._scheme = scheme
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._allow_private = allow_private
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=outbound_connector(allow_private=self._allow_private),
            headers={"User-Agent": USER_AGENT, "Accept": "application/jrd+json, application/json"},
        )

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def lookup(self, account: str) -> Any:
        """The WebFinger document for `user@host`, or `Invalid` with one text for every failure."""
        bare, host = split_account(account)
        url = webfinger_url(self._scheme, bare, host)
        if self._session is None:
            raise RuntimeError("the WebFinger client is not started")
        try:
            if not self._allow_private:
                refuse_private_literal(url.raw_host or "")
            async with self._session.get(url, timeout=self._timeout, allow_redirects=False) as response:
                if response.status != 200:
                    raise ValueError(f"answered HTTP {response.status}")
                raw = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    raw += chunk
                    if len(raw) > MAX_DOCUMENT_BYTES:
                        raise ValueError("answered more than a WebFinger document")
            return json.loads(raw)
        except (OSError, TimeoutError, aiohttp.ClientError, ValueError, RecursionError) as error:
            # The reason is for the operator only; the visitor gets the same answer whatever it was.
            log.debug("remote follow lookup at %s failed: %s", host, error or type(error).__name__)
            raise Invalid(LOOKUP_FAILED.format(account=account)) from None

    async def remote_follow_url(self, account: str, actor: str) -> str:
        """Where to send the visitor so that their server asks them to follow `actor`."""
        template = subscribe_template(await self.lookup(account))
        if template is None:
            raise Invalid(LOOKUP_FAILED.format(account=account))
        return fill_template(template, actor)
