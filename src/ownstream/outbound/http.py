"""The server's one HTTP client for outbound requests: one User-Agent, one connection pool per address
rule, bounded replies, and failures reduced to a reason that is safe to log.

The private-address rule is per call (`allow_private`): requests a stranger can aim (remote follow,
federation) reach only public addresses (net/public_address.py), and then follow no redirect, since a
redirect to an IP literal would skip the check. Requests to targets the admin chose (webhooks, the
directory) may reach this box and its LAN, where bots and test directories often listen.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ownstream import OWNCAST_API_VERSION, __version__
from ownstream.net.public_address import PrivateAddressRefused, outbound_connector, refuse_private_literal

USER_AGENT = f"Ownstream/{__version__} (Owncast API {OWNCAST_API_VERSION})"
MAX_REPLY_BYTES = 64 * 1024
NOT_PUBLIC = "the address is not public"


class OutboundFailure(Exception):
    """The request got no HTTP answer. `reason` says why in a few words (no URL, no secrets);
    `detail` is the underlying error's own text (it may name the host and port). `permanent`: trying
    again cannot help (the address is refused, the URL is malformed)."""

    def __init__(self, reason: str, cause: BaseException | None = None, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.detail = (str(cause) or type(cause).__name__) if cause is not None else reason


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    """At most the `max_reply_bytes` the caller asked for."""
    headers: CIMultiDictProxy[str] = field(default_factory=lambda: CIMultiDictProxy(CIMultiDict()))
    """The answer's headers (a redirect's `Location`, a profile page's `Link`)."""


def trusted_authorities() -> ssl.SSLContext:
    """The system's certificate authorities, read now: `SSL_CERT_FILE` and `SSL_CERT_DIR` (OpenSSL's
    variables) name others, e.g. a throw-away test CA or a private one. (aiohttp's own default context
    is made when it is imported, before a test or a service manager may have set them.)"""
    return ssl.create_default_context()


class OutboundHttp:
    def __init__(self, *, user_agent: str = USER_AGENT) -> None:
        self.user_agent = user_agent
        self._ssl = trusted_authorities()
        self._sessions: dict[bool, aiohttp.ClientSession] = {}
        self._closing = False

    def _session(self, allow_private: bool) -> aiohttp.ClientSession:
        if self._closing:
            raise OutboundFailure("the HTTP client is closed")
        session = self._sessions.get(allow_private)
        if session is None:
            session = aiohttp.ClientSession(
                connector=outbound_connector(allow_private=allow_private, ssl_context=self._ssl),
                headers={"User-Agent": self.user_agent},
            )
            self._sessions[allow_private] = session
        return session

    async def close(self) -> None:
        self._closing = True
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()

    async def request(
        self,
        method: str,
        url: str | URL,
        *,
        timeout: float,
        allow_private: bool,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        max_reply_bytes: int = MAX_REPLY_BYTES,
        follow_redirects: bool = True,
    ) -> Reply:
        """One request. Any HTTP answer is a `Reply` (the caller judges the status); no answer at all
        (refused address, connection error, timeout, bad URL) is `OutboundFailure`."""
        try:
            target = URL(url) if isinstance(url, str) else url
            if not allow_private:
                refuse_private_literal(target.raw_host or "")
            session = self._session(allow_private)
            async with session.request(
                method,
                target,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=follow_redirects and allow_private,
            ) as response:
                raw = await _read_at_most(response, max_reply_bytes)
                return Reply(response.status, raw, CIMultiDictProxy(CIMultiDict(response.headers)))
        except PrivateAddressRefused as error:
            raise OutboundFailure(NOT_PUBLIC, error, permanent=True) from None
        except TimeoutError as error:
            raise OutboundFailure(f"no answer within {timeout:g} s", error) from None
        except (aiohttp.ClientError, OSError, ValueError) as error:
            # The resolver's refusal reaches us wrapped in aiohttp's connector error.
            if isinstance(getattr(error, "os_error", None), PrivateAddressRefused):
                raise OutboundFailure(NOT_PUBLIC, error, permanent=True) from None
            malformed = isinstance(error, ValueError)  # aiohttp's InvalidURL is one
            raise OutboundFailure(type(error).__name__, error, permanent=malformed) from None


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes:
    if limit <= 0:
        return b""
    raw = bytearray()
    while len(raw) < limit:
        chunk = await response.content.read(limit - len(raw))
        if not chunk:
            break
        raw += chunk
    return bytes(raw)
