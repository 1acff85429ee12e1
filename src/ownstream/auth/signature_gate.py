"""The gate for `HttpSignature` routes (the fediverse inboxes): the body is read, at most
`max_body` bytes (413 beyond, before any of it is read when `Content-Length` says so), and handed with
the request to the verifier, which names the signer or refuses (401 or 403, raised as domain errors and
answered in the route's error shape by the error middleware).

The admitted signer and the raw body are in `request[SIGNER]` and `request[SIGNED_BODY]`. While the
verifier is not active (federation off), and for methods other than POST, the handler is called
unverified, and answers 405 itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from aiohttp import web

from ownstream.auth.requirements import Requirement
from ownstream.errors import DomainError

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SIGNER = web.RequestKey("signer", object)
SIGNED_BODY = web.RequestKey("signed_body", bytes)


class PayloadTooLarge(DomainError):
    status = 413


class SignatureVerifier(Protocol):
    max_body: int

    def active(self) -> bool: ...

    async def verify(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> object: ...


async def read_at_most(request: web.Request, limit: int) -> bytes:
    """The body, or `PayloadTooLarge` once it is longer than `limit` (without reading the rest)."""
    too_large = PayloadTooLarge(f"the body is larger than {limit} bytes")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    body = bytearray()
    while True:
        chunk = await request.content.read(64 * 1024)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > limit:
            raise too_large


class HttpSignatureGate:
    def __init__(self, verifier: SignatureVerifier) -> None:
        self._verifier = verifier

    async def serve(
        self, request: web.Request, _requirement: Requirement, handler: Handler
    ) -> web.StreamResponse:
        if not self._verifier.active() or request.method != "POST":
            return await handler(request)
        body = await read_at_most(request, self._verifier.max_body)
        request[SIGNER] = await self._verifier.verify(
            request.method, request.rel_url.raw_path, request.rel_url.raw_query_string, request.headers, body
        )
        request[SIGNED_BODY] = body
        return await handler(request)
