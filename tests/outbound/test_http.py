"""The shared outbound client against real servers on loopback: replies, failures, the address rule."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from ownstream.outbound.http import NOT_PUBLIC, USER_AGENT, OutboundFailure, OutboundHttp
from tests.outbound.receiver import endpoint
from tests.webhooks.receiver import unused_port


@pytest.fixture
async def http() -> AsyncIterator[OutboundHttp]:
    client = OutboundHttp()
    yield client
    await client.close()


async def test_any_answer_is_a_reply_with_a_bounded_body(http: OutboundHttp) -> None:
    async with endpoint(status=404, reply="x" * 100_000) as target:
        reply = await http.request(
            "POST", target.url(), body=b"{}", timeout=2, allow_private=True, max_reply_bytes=1000
        )
        assert reply.status == 404 and reply.body == b"x" * 1000
        empty = await http.request("GET", target.url(), timeout=2, allow_private=True, max_reply_bytes=0)
        assert empty.body == b""
        [first, _] = target.requests
        assert first.headers["User-Agent"] == USER_AGENT and first.body == b"{}"


async def test_no_answer_is_a_failure_with_a_reason(http: OutboundHttp) -> None:
    with pytest.raises(OutboundFailure) as refused:
        await http.request("POST", f"http://127.0.0.1:{unused_port()}/x", timeout=2, allow_private=True)
    assert refused.value.reason == "ClientConnectorError" and not refused.value.permanent
    async with endpoint(hang=True) as slow:
        with pytest.raises(OutboundFailure) as timed_out:
            await http.request("POST", slow.url(), timeout=0.1, allow_private=True)
    assert timed_out.value.reason == "no answer within 0.1 s" and timed_out.value.detail == "TimeoutError"
    with pytest.raises(OutboundFailure) as malformed:
        await http.request("POST", "http://[bad/x", timeout=1, allow_private=True)
    assert malformed.value.permanent


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
async def test_public_only_requests_never_reach_this_box(http: OutboundHttp, host: str) -> None:
    async with endpoint() as target:
        url = f"http://{host}:{target.port}/inbox"
        with pytest.raises(OutboundFailure) as refused:
            await http.request("POST", url, body=b"{}", timeout=2, allow_private=False)
        assert refused.value.reason == NOT_PUBLIC and refused.value.permanent
        await asyncio.sleep(0.05)
        assert target.requests == []
        # The same client, for a caller that may reach private addresses.
        if host == "127.0.0.1":
            reply = await http.request("POST", url, body=b"{}", timeout=2, allow_private=True)
            assert reply.status == 200 and len(target.requests) == 1


async def test_a_closed_client_sends_nothing() -> None:
    client = OutboundHttp()
    await client.close()
    with pytest.raises(OutboundFailure, match="closed"):
        await client.request("GET", "http://127.0.0.1:1/", timeout=1, allow_private=True)
