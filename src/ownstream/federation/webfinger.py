"""WebFinger, client side: how a visitor's own fediverse server wants remote follows to start.

`POST /api/remotefollow` asks the visitor's server (`GET https://<host>/.well-known/webfinger?resource=
acct:<user>@<host>`) for its OStatus subscribe link and fills that link's `{uri}` template with this
server's actor IRI (reference §2.2). Errors carry Owncast's messages as `Invalid`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
from yarl import URL

from ownstream import OWNCAST_API_VERSION, __version__
from ownstream.errors import Invalid

SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
ACCOUNT_REQUIRED = "Remote Fediverse account is required to follow."
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
    def __init__(self, *, scheme: str = "https", timeout: float) -> None:
        self._scheme = scheme
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": USER_AGENT, "Accept": "application/jrd+json, application/json"}
        )

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def lookup(self, account: str) -> Any:
        """The WebFinger document for `user@host`, or `Invalid` with what went wrong."""
        bare, host = split_account(account)
        url = webfinger_url(self._scheme, bare, host)
        if self._session is None:
            raise RuntimeError("the WebFinger client is not started")
        try:
            async with self._session.get(url, timeout=self._timeout) as response:
                if response.status != 200:
                    raise Invalid(f"unable to look up {bare}: {host} answered HTTP {response.status}")
                raw = await response.content.read(MAX_DOCUMENT_BYTES)
        except TimeoutError:
            raise Invalid(f"unable to look up {bare}: {host} did not answer in time") from None
        except aiohttp.ClientError as error:
            raise Invalid(f"unable to look up {bare}: {error}") from None
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise Invalid(f"unable to look up {bare}: {host} did not answer with JSON") from None

    async def remote_follow_url(self, account: str, actor: str) -> str:
        """Where to send the visitor so that their server asks them to follow `actor`."""
        template = subscribe_template(await self.lookup(account))
        if template is None:
            raise Invalid(f"unable to determine remote follow information for {account}")
        return fill_template(template, actor)
