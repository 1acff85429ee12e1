"""Federation against a real ActivityPub implementation: Fedify 2.3.6 on Node 22 (tests/peer), on loopback.

Every activity the peer lists passed Fedify's own signature verification; every one we accept passed
ours. The peer knocks first with RFC 9421 (our 401 makes it fall back to draft-cavage) and, in the
second run, with draft-cavage straight away.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from ownstream.domain.event_types import (
    FEDIVERSE_ENGAGEMENT_FOLLOW,
    FEDIVERSE_ENGAGEMENT_LIKE,
    FEDIVERSE_ENGAGEMENT_REPOST,
)
from ownstream.federation.activities import as_list
from ownstream.transcode.variants import StreamVariant
from tests.e2e.waiting import wait_until
from tests.federation.conftest import federation_of
from tests.federation.peer import RFC9421, FediversePeer, of_type
from tests.harness import RunningServer, admin_auth
from tests.media import Clip, encode_clip, start_publisher, stop_process

pytestmark = [pytest.mark.xdist_group("fedify")]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return encode_clip(tmp_path_factory.mktemp("media") / "clip.flv", seconds=4)


def actor_url(server: RunningServer) -> str:
    return f"{server.base_url}/federation/user/streamer"


async def chat_history(server: RunningServer) -> list[dict[str, Any]]:
    services = server.server.services
    assert services is not None
    return await services.chat.history()


async def admin_post(http: aiohttp.ClientSession, server: RunningServer, path: str, body: Any) -> Any:
    async with http.post(server.base_url + path, json=body, headers=admin_auth()) as response:
        answer = await response.json()
        assert response.status == 200, answer
        return answer


async def followed(server: RunningServer, peer: FediversePeer) -> bool:
    return await federation_of(server).followers.get(peer.actor) is not None


async def test_follow_post_engage_update_and_unfollow(
    fed_server: RunningServer, peer: FediversePeer, http: aiohttp.ClientSession
) -> None:
    server = fed_server
    actor = actor_url(server)

    document = await peer.lookup(actor)
    assert document["type"] == "Service"
    assert document["id"] == actor
    assert document["preferredUsername"] == "streamer"
    assert document["inbox"] == actor + "/inbox"
    assert document["endpoints"]["sharedInbox"] == server.base_url + "/federation/inbox"
    assert document["publicKey"]["id"] == actor + "#main-key"

    follow_id = await peer.follow(actor)
    [accept] = await peer.wait_for(of_type("Accept"))
    services = server.server.services
    assert services is not None
    # An RFC 9421 first knock is refused (401) and the peer falls back to draft-cavage.
    refused_knocks = services.inbox_verifier.refused
    assert refused_knocks >= 1 if peer.first_knock == RFC9421 else refused_knocks == 0
    accepted = accept["object"]
    assert (accepted if isinstance(accepted, str) else accepted["id"]) == follow_id
    follower = await federation_of(server).followers.get(peer.actor)
    assert follower is not None and follower.approved_at is not None
    assert follower.username == f"tester@localhost:{peer.port}"
    assert follower.shared_inbox == f"{peer.origin}/inbox"
    history = await chat_history(server)
    assert [event["type"] for event in history] == [FEDIVERSE_ENGAGEMENT_FOLLOW]
    assert history[0]["body"] == "<p>Test Peer  followed this stream.</p>\n"
    assert history[0]["title"] == f"tester@localhost:{peer.port}"
    assert history[0]["link"] == peer.actor

    await admin_post(http, server, "/api/admin/federation/send", {"value": "Back **soon** #music"})
    [created] = await peer.wait_for(of_type("Create", "Note"))
    note = created["object"]
    assert "<strong>soon</strong>" in note["content"]
    assert note["attributedTo"] == actor
    assert created["_inbox"] == "shared"  # one delivery to the peer's shared inbox

    await peer.like(actor, note["id"])
    await peer.announce(actor, note["id"])
    await peer.like(actor, note["id"])  # a repeat is not shown twice
    server_name = "Ownstream"

    async def engaged() -> bool:
        return len(await chat_history(server)) >= 3

    await wait_until(engaged, 10, "the like and the share in chat")
    bodies = {event["type"]: event["body"] for event in await chat_history(server)}
    assert bodies[FEDIVERSE_ENGAGEMENT_LIKE] == f"<p>Test Peer  liked a post from {server_name}.</p>\n"
    assert bodies[FEDIVERSE_ENGAGEMENT_REPOST] == f"<p>Test Peer  shared a post from {server_name}.</p>\n"
    assert len(await chat_history(server)) == 3

    await admin_post(http, server, "/api/admin/config/name", {"value": "Renamed Stream"})
    [update] = await peer.wait_for(of_type("Update", "Service"))
    assert update["object"]["name"] == "Renamed Stream"
    assert update["object"]["id"] == actor

    await peer.update_profile(actor, "New Peer Name")

    async def renamed() -> bool:
        current = await federation_of(server).followers.get(peer.actor)
        return current is not None and current.name == "New Peer Name"

    await wait_until(renamed, 10, "the follower's new name")

    await peer.unfollow(actor)

    async def unfollowed() -> bool:
        return not await followed(server, peer)

    await wait_until(unfollowed, 10, "the follower to be removed")


async def test_delete_of_the_actor_removes_the_follower(
    fed_server: RunningServer, peer: FediversePeer
) -> None:
    actor = actor_url(fed_server)
    await peer.follow(actor)
    await peer.wait_for(of_type("Accept"))
    await peer.delete_self(actor)

    async def removed() -> bool:
        return not await followed(fed_server, peer)

    await wait_until(removed, 10, "the deleted actor's removal")


async def test_going_live_delivers_the_go_live_note(
    fed_server: RunningServer, peer: FediversePeer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    server = fed_server
    services = server.server.services
    assert services is not None
    await services.config.update(
        video_variants=(StreamVariant(video_passthrough=True),),
        nsfw=True,
        tags=("music", "chill-out"),
        stream_title="Late <night> set",
    )
    await peer.follow(actor_url(server))
    await peer.wait_for(of_type("Accept"))
    publisher = await start_publisher(clip, server.rtmp_url())
    try:
        [created] = await peer.wait_for(of_type("Create", "Note"), timeout=60)
    finally:
        await stop_process(publisher)
    note = created["object"]
    assert note["sensitive"] is True
    assert note["url"].rstrip("/") == server.base_url  # Fedify normalises the URL
    assert "Late &lt;night&gt; set" in note["content"]
    assert f'<a href="{server.base_url}">' in note["content"]
    tags = {tag["name"] for tag in note["tag"]}
    assert {"#music", "#chillout", "#owncast"} <= tags
    [preview] = as_list(note["attachment"])
    assert preview["url"].startswith(server.base_url + "/thumbnail.jpg")
    assert as_list(created["to"]) == ["as:Public"]  # Fedify compacts the public address
    stored = await federation_of(server).outbox.newest(5)
    assert [post.live_notification for post in stored] == [True]
