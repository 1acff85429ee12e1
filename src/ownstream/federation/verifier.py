"""Who signed an inbox POST: the draft-cavage checks (federation/signatures.py), then the signer's key,
fetched with a signed GET and cached, and fetched once more when the cached key fails (rotation).

Refusals: 401 for a signature that is missing, malformed, stale, RFC 9421-only, made with the wrong key,
or whose key cannot be fetched; 403 when the key's server is a blocked domain (checked before anything
is fetched from it). The signer must then be the activity's actor; that is the inbox's check, since it
needs the body read as an activity.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from yarl import URL

from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.errors import Forbidden, Unauthorized
from ownstream.federation.remote_actors import ActorUnavailable, RemoteActor, RemoteActors
from ownstream.federation.signatures import SignatureRejected, SignedRequest, check_request, verify
from ownstream.net.client_address import parse_ip

log = logging.getLogger(__name__)

MAX_INBOX_BODY = 1024 * 1024
BLOCKED = "this server does not accept activities from your domain"


def is_blocked(host: str, blocked_domains: Iterable[str]) -> bool:
    """The host is a blocked domain or one of its subdomains (case-insensitive; not a substring match);
    an IP address only when it is listed itself."""
    host = host.lower().rstrip(".")
    literal = parse_ip(host.strip("[]")) is not None
    for domain in blocked_domains:
        blocked = domain.lower().strip().rstrip(".")
        if blocked and (host == blocked or (not literal and host.endswith("." + blocked))):
            return True
    return False


def host_of_iri(iri: str) -> str:
    try:
        return URL(iri).host or ""
    except ValueError:
        return ""


class InboxVerifier:
    max_body = MAX_INBOX_BODY

    def __init__(self, config: ConfigService, actors: RemoteActors, clock: Clock) -> None:
        self._config = config
        self._actors = actors
        self._clock = clock
        self.verified = 0
        self.refused = 0

    def active(self) -> bool:
        """Federation is on (with a server URL); while it is off the inbox answers 405 unverified."""
        config = self._config.current
        return config.federation_enabled and bool(config.server_url)

    async def verify(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> RemoteActor:
        try:
            actor = await self._verify(SignedRequest(method, path, query, headers, body))
        except (Unauthorized, Forbidden) as refusal:
            self.refused += 1
            log.info("refused an inbox POST: %s", refusal.message)
            raise
        self.verified += 1
        return actor

    async def _verify(self, request: SignedRequest) -> RemoteActor:
        try:
            parameters, candidates = check_request(request, self._clock.now())
        except SignatureRejected as rejected:
            raise Unauthorized(str(rejected)) from None
        key_host = host_of_iri(parameters.key_id)
        if not key_host:
            raise Unauthorized("the keyId is not an http(s) URL")
        if is_blocked(key_host, self._config.current.federation_blocked_domains):
            raise Forbidden(BLOCKED)
        cached = self._actors.cached(parameters.key_id)
        try:
            actor = cached or await self._actors.by_key(parameters.key_id)
        except ActorUnavailable as problem:
            raise Unauthorized(f"the signing key could not be fetched: {problem}") from None
        if verify(actor.public_key, parameters, candidates):
            return actor
        if cached is not None and self._actors.may_refetch(parameters.key_id):
            try:
                actor = await self._actors.by_key(parameters.key_id, fresh=True)
            except ActorUnavailable as problem:
                raise Unauthorized(f"the signing key could not be fetched: {problem}") from None
            if verify(actor.public_key, parameters, candidates):
                return actor
        raise Unauthorized("the signature does not verify")
