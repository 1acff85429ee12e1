"""HTTP signatures as the fediverse speaks them (draft-cavage-http-signatures-12), without I/O.

Signing (what Mastodon, GoToSocial, Pleroma and Fedify all verify): `rsa-sha256` over
`(request-target) host date` and, with a body, `digest` (`SHA-256=<base64>`), keyId `<actor>#main-key`.

Checking an inbound request follows Mastodon and GoToSocial: `algorithm` `rsa-sha256` or `hs2019` (both
RSASSA-PKCS1-v1_5 with SHA-256 here), `(request-target)`, `host` and `date` signed, and `digest` on a
POST; the Digest must match the raw body; the Date must be within an hour of now; `(request-target)` is
tried with the query string, then without (older senders signed without it). A request carrying only an
RFC 9421 signature (`Signature-Input`) is refused, so a double-knocking sender (Fedify, Mastodon ≥ 4.5)
falls back to this scheme. Header names are compared case-insensitively, in whatever order they were
signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from yarl import URL

ACCEPTED_ALGORITHMS = ("rsa-sha256", "hs2019")
REQUIRED_HEADERS = ("(request-target)", "host", "date")
CLOCK_SKEW = timedelta(hours=1)
MAX_SIGNATURE_HEADER = 8192

_PARAMETER = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([0-9.]+))\s*(?:,|$)')
"""`name="value"`, or a bare number (`created` and `expires` are written unquoted)."""


class SignatureRejected(Exception):
    """The request's signature cannot be accepted; the text says why (safe to send back and to log)."""


@dataclass(frozen=True)
class SignatureParameters:
    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    """Lower-cased, in the order they were signed."""
    signature: bytes
    pseudo: Mapping[str, str] = field(default_factory=dict)
    """`(created)` and `(expires)`, when the signer gave them."""


@dataclass(frozen=True)
class SignedRequest:
    """What a signature is checked against: the request as it arrived."""

    method: str
    path: str
    """Without the query string."""
    query: str
    """The raw query string, without `?` (empty when there is none)."""
    headers: Mapping[str, str]
    """Looked up case-insensitively (aiohttp's `CIMultiDictProxy`, or a dict with lower-case keys)."""
    body: bytes


def body_digest(body: bytes) -> str:
    """The `Digest` header value of `body`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def host_of(url: URL) -> str:
    """What a client sends as `Host`: the host, with the port only when it is not the scheme's default."""
    host = url.raw_host or ""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host if url.is_default_port() or url.port is None else f"{host}:{url.port}"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def signing_string(
    names: tuple[str, ...],
    method: str,
    target: str,
    headers: Mapping[str, str],
    pseudo: Mapping[str, str] | None = None,
) -> bytes:
    """The text that is signed: one `name: value` line per signed header."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
            continue
        if name in ("(created)", "(expires)"):
            given = (pseudo or {}).get(name)
            if given is None:
                raise SignatureRejected(f"{name} is signed but not given")
            lines.append(f"{name}: {given}")
            continue
        value = _header(headers, name)
        if value is None:
            raise SignatureRejected(f"the signed header {name} is missing")
        lines.append(f"{name}: {value.strip()}")
    return "\n".join(lines).encode("utf-8")


def sign(private_key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def signed_headers(
    *,
    method: str,
    url: str,
    body: bytes | None,
    private_key: rsa.RSAPrivateKey,
    key_id: str,
    now: datetime,
) -> dict[str, str]:
    """`Date`, `Host`, `Digest` (with a body) and `Signature` for an outbound request."""
    target_url = URL(url)
    target = target_url.raw_path_qs or "/"
    headers = {"host": host_of(target_url), "date": http_date(now)}
    names: tuple[str, ...] = ("(request-target)", "host", "date")
    if body is not None:
        headers["digest"] = body_digest(body)
        names = (*names, "digest")
    signature = sign(private_key, signing_string(names, method, target, headers))
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode("ascii")}"'
    )
    return {name.title(): value for name, value in headers.items()}


def parse_signature(value: str) -> SignatureParameters:
    """The parameters of a draft-cavage `Signature` header."""
    if len(value) > MAX_SIGNATURE_HEADER:
        raise SignatureRejected("the Signature header is too long")
    parameters: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _PARAMETER.match(value, position)
        if match is None:
            raise SignatureRejected("the Signature header is not a draft-cavage signature")
        given = match.group(2) if match.group(2) is not None else match.group(3)
        parameters.setdefault(match.group(1), given)
        position = match.end()
    key_id = parameters.get("keyId", "")
    encoded = parameters.get("signature", "")
    if not key_id or not encoded:
        raise SignatureRejected("the Signature header needs keyId and signature")
    algorithm = parameters.get("algorithm", "hs2019").lower()
    if algorithm not in ACCEPTED_ALGORITHMS:
        raise SignatureRejected(f"algorithm {algorithm} is not supported (rsa-sha256 or hs2019)")
    default_headers = "(created)" if algorithm == "hs2019" else "date"
    names = tuple(parameters.get("headers", default_headers).lower().split())
    try:
        signature = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRejected("the signature is not base64") from None
    pseudo = {f"({name})": parameters[name] for name in ("created", "expires") if name in parameters}
    return SignatureParameters(key_id, algorithm, names, signature, pseudo)


def check_request(request: SignedRequest, now: datetime) -> tuple[SignatureParameters, list[bytes]]:
    """Everything about a signed request that needs no key: the scheme, the signed headers, the Date
    window and the body's Digest. Returns the parameters and the candidate signing strings (with the
    query, then without)."""
    headers = request.headers
    signature_header = _header(headers, "signature")
    if _header(headers, "signature-input") is not None:
        raise SignatureRejected("RFC 9421 signatures are not supported; sign with draft-cavage")
    if not signature_header:
        raise SignatureRejected("the request is not signed")
    parameters = parse_signature(signature_header)
    required = REQUIRED_HEADERS + (("digest",) if request.method.upper() == "POST" else ())
    missing = [name for name in required if name not in parameters.headers]
    if missing:
        raise SignatureRejected(f"the signature must cover {', '.join(missing)}")
    check_date(_header(headers, "date"), now)
    if "digest" in parameters.headers or request.body:
        check_digest(_header(headers, "digest"), request.body)
    targets = [request.path + ("?" + request.query if request.query else "")]
    if request.query:
        targets.append(request.path)
    candidates = [
        signing_string(parameters.headers, request.method, target, headers, parameters.pseudo)
        for target in targets
    ]
    return parameters, candidates


def check_date(value: str | None, now: datetime) -> None:
    if not value:
        raise SignatureRejected("the Date header is missing")
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise SignatureRejected("the Date header is not an HTTP date") from None
    if moment.tzinfo is None:
        raise SignatureRejected("the Date header has no time zone")
    if abs(moment - now) > CLOCK_SKEW:
        raise SignatureRejected("the Date header is more than an hour away from now")


def check_digest(value: str | None, body: bytes) -> None:
    """A `SHA-256=` entry matching `body` must be present; other algorithms in the list are ignored."""
    if not value:
        raise SignatureRejected("the Digest header is missing")
    wanted = hashlib.sha256(body).digest()
    for entry in value.split(","):
        algorithm, _, encoded = entry.strip().partition("=")
        if algorithm.strip().lower() != "sha-256":
            continue
        try:
            given = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise SignatureRejected("the Digest header is not base64") from None
        if len(given) != len(wanted) or given != wanted:
            raise SignatureRejected("the Digest does not match the body")
        return
    raise SignatureRejected("the Digest header has no SHA-256 entry")


def verify(public_key: rsa.RSAPublicKey, parameters: SignatureParameters, candidates: list[bytes]) -> bool:
    """Whether any candidate signing string carries the signature under `public_key`."""
    for data in candidates:
        try:
            public_key.verify(parameters.signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return True
    return False
