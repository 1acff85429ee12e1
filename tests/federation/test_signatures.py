"""Draft-cavage HTTP signatures, both ways, as bytes and dicts (federation/signatures.py)."""

from __future__ import annotations

import base64
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from ownstream.federation.keys import ActorKey
from ownstream.federation.signatures import (
    SignatureRejected,
    SignedRequest,
    body_digest,
    check_digest,
    check_request,
    host_of,
    parse_signature,
    signed_headers,
    signing_string,
    verify,
)

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
KEY = ActorKey.generate()
KEY_ID = "https://live.example/federation/user/streamer#main-key"


def signed(url: str, body: bytes | None, method: str = "POST", now: datetime = NOW) -> dict[str, str]:
    return signed_headers(
        method=method, url=url, body=body, private_key=KEY.private_key, key_id=KEY_ID, now=now
    )


def request_for(url: str, headers: dict[str, str], body: bytes = b"", method: str = "POST") -> SignedRequest:
    target = URL(url)
    lowered = {name.lower(): value for name, value in headers.items()}
    return SignedRequest(method, target.raw_path, target.raw_query_string, lowered, body)


def test_signed_headers_round_trip() -> None:
    body = b'{"type":"Create"}'
    headers = signed("https://social.example:8443/users/a/inbox", body)
    assert headers["Host"] == "social.example:8443"
    assert headers["Date"] == "Wed, 04 Mar 2026 05:06:07 GMT"
    assert headers["Digest"] == body_digest(body)
    assert headers["Signature"].startswith(f'keyId="{KEY_ID}",algorithm="rsa-sha256",')
    assert 'headers="(request-target) host date digest"' in headers["Signature"]
    parameters, candidates = check_request(request_for("https://x/users/a/inbox", headers, body), NOW)
    assert verify(KEY.private_key.public_key(), parameters, candidates)


def test_a_get_signs_request_target_host_and_date_only() -> None:
    headers = signed("https://social.example/users/a?x=1", None, method="GET")
    assert "Digest" not in headers
    assert 'headers="(request-target) host date"' in headers["Signature"]
    parameters, candidates = check_request(request_for("https://x/users/a?x=1", headers, method="GET"), NOW)
    assert candidates[0].startswith(b"(request-target): get /users/a?x=1\n")
    assert verify(KEY.private_key.public_key(), parameters, candidates)


def test_host_leaves_out_default_ports() -> None:
    assert host_of(URL("https://a.example/x")) == "a.example"
    assert host_of(URL("http://a.example:80/x")) == "a.example"
    assert host_of(URL("http://127.0.0.1:8080/x")) == "127.0.0.1:8080"
    assert host_of(URL("http://[::1]:8080/x")) == "[::1]:8080"


def test_the_query_is_tried_then_left_out() -> None:
    body = b"{}"
    headers = signed("https://x/inbox", body)  # signed without a query
    parameters, candidates = check_request(request_for("https://x/inbox?page=2", headers, body), NOW)
    assert len(candidates) == 2
    assert verify(KEY.private_key.public_key(), parameters, candidates)


def test_header_order_and_case_do_not_matter() -> None:
    body = b"{}"
    names = ("date", "digest", "(request-target)", "host")
    headers = {"host": "x", "date": "Wed, 04 Mar 2026 05:06:07 GMT", "digest": body_digest(body)}
    signature = rsa_sign(signing_string(names, "POST", "/inbox", headers))
    headers["signature"] = (
        f'keyId="{KEY_ID}",headers="{" ".join(names).upper()}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    parameters, candidates = check_request(request_for("https://x/inbox", headers, body), NOW)
    assert parameters.algorithm == "hs2019"  # no algorithm: hs2019, as Mastodon assumes
    assert verify(KEY.private_key.public_key(), parameters, candidates)


def rsa_sign(data: bytes) -> bytes:
    return KEY.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h: h.pop("signature"), "not signed"),
        (lambda h: h.update({"signature-input": "sig1=()"}), "RFC 9421"),
        (lambda h: h.update({"signature": h["signature"].replace("rsa-sha256", "hmac-sha256")}), "algorithm"),
        (lambda h: h.update({"signature": h["signature"].replace(" digest", "")}), "digest"),
        (lambda h: h.update({"signature": h["signature"].replace(" host", "")}), "host"),
        (lambda h: h.update({"signature": h["signature"].replace("keyId=", "kid=")}), "keyId"),
        (lambda h: h.update({"signature": "garbage"}), "draft-cavage"),
        (lambda h: h.update({"signature": 'keyId="k",signature="@@@"'}), "base64"),
        (lambda h: h.pop("date"), "Date"),
        (lambda h: h.update({"date": "yesterday"}), "HTTP date"),
        (lambda h: h.update({"date": "Wed, 04 Mar 2026 03:06:06 GMT"}), "an hour"),
        (lambda h: h.pop("digest"), "Digest"),
        (lambda h: h.update({"digest": "SHA-512=abc"}), "SHA-256"),
        (lambda h: h.update({"digest": "SHA-256=" + base64.b64encode(b"x" * 32).decode()}), "match"),
        (lambda h: h.update({"digest": "SHA-256=###"}), "base64"),
        (lambda h: h.update({"signature": "x" * 9000}), "too long"),
    ],
)
def test_refusals_say_why(change: object, reason: str) -> None:
    body = b"{}"
    headers = {name.lower(): value for name, value in signed("https://x/inbox", body).items()}
    change(headers)  # type: ignore[operator]
    with pytest.raises(SignatureRejected) as refused:
        check_request(SignedRequest("POST", "/inbox", "", headers, body), NOW)
    assert reason in str(refused.value)


def test_date_window_is_an_hour_either_way() -> None:
    body = b"{}"
    for offset in (timedelta(minutes=59), -timedelta(minutes=59)):
        headers = signed("https://x/inbox", body, now=NOW + offset)
        check_request(request_for("https://x/inbox", headers, body), NOW)
    with pytest.raises(SignatureRejected):
        late = signed("https://x/inbox", body, now=NOW - timedelta(minutes=61))
        check_request(request_for("https://x/inbox", late, body), NOW)


def test_a_wrong_key_or_a_changed_line_does_not_verify() -> None:
    body = b"{}"
    headers = signed("https://x/inbox", body)
    parameters, candidates = check_request(request_for("https://x/inbox", headers, body), NOW)
    assert not verify(ActorKey.generate().private_key.public_key(), parameters, candidates)
    moved = request_for("https://x/other-inbox", headers, body)
    parameters, candidates = check_request(moved, NOW)
    assert not verify(KEY.private_key.public_key(), parameters, candidates)


def test_digest_lists_and_created_pseudo_headers() -> None:
    body = b"payload"
    check_digest("MD5=abc, SHA-256=" + body_digest(body).split("=", 1)[1], body)
    names = ("(request-target)", "(created)", "host", "date", "digest")
    headers = {"host": "x", "date": "Wed, 04 Mar 2026 05:06:07 GMT", "digest": body_digest(body)}
    data = signing_string(names, "POST", "/inbox", headers, {"(created)": "1772600767"})
    signature = base64.b64encode(rsa_sign(data)).decode()
    headers["signature"] = (
        f'keyId="{KEY_ID}",algorithm="hs2019",created=1772600767,headers="{" ".join(names)}",'
        f'signature="{signature}"'
    )
    for written in ("created=1772600767", 'created="1772600767"'):  # numbers may be quoted or not
        headers["signature"] = headers["signature"].replace("created=1772600767", written)
        parameters, candidates = check_request(SignedRequest("POST", "/inbox", "", headers, body), NOW)
        assert verify(KEY.private_key.public_key(), parameters, candidates)


@given(st.text(max_size=300))
def test_any_signature_header_parses_or_is_refused(text: str) -> None:
    with contextlib.suppress(SignatureRejected):
        parse_signature(text)
