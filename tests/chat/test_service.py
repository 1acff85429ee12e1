"""ChatService calls other parts of the server make (integrations, stream title, retention)."""

from datetime import timedelta

import aiohttp
import pytest

from ownstream.api.state import Services
from ownstream.chat.service import ChatService
from ownstream.domain.messages import StoredMessage
from ownstream.errors import Invalid
from ownstream.events import ChatEventOccurred, StreamTitleChanged
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer


def services_of(server: RunningServer) -> Services:
    assert server.server.services is not None
    return server.server.services


def chat_of(server: RunningServer) -> ChatService:
    return services_of(server).chat


async def listener(server: RunningServer, http: aiohttp.ClientSession) -> ChatSocket:
    user = await register(http, server.base_url, "listener")
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.next()
    return socket


async def test_system_message_is_stored_and_broadcast(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    socket = await listener(server, http)
    event = await chat_of(server).send_system_message("Hello <iframe src=x></iframe>**all**")
    received = await socket.next()
    assert received == event
    assert received["type"] == "SYSTEM" and received["body"] == "<p>Hello <strong>all</strong></p>\n"
    assert received["user"] == {"displayName": "Ownstream"}
    history = await chat_of(server).history()
    assert history == [
        {"type": "SYSTEM", "id": event["id"], "timestamp": history[0]["timestamp"], "body": event["body"]}
    ]
    await socket.close()


async def test_system_message_to_one_client(server: RunningServer, http: aiohttp.ClientSession) -> None:
    first = await listener(server, http)
    second = await listener(server, http)
    await chat_of(server).send_system_message_to_client(1, "just you")
    await chat_of(server).send_system_message_to_client(99, "nobody")  # unknown ids are not an error
    assert (await second.next())["body"] == "<p>just you</p>\n"
    await first.expect_silence()
    assert await chat_of(server).history() == []
    await first.close()
    await second.close()


async def test_action_with_and_without_author(server: RunningServer, http: aiohttp.ClientSession) -> None:
    socket = await listener(server, http)
    event = await chat_of(server).send_action("waves", author="<b>Bot*</b>")
    assert (await socket.next())["body"] == "<p><strong>&lt;b&gt;Bot*&lt;/b&gt;</strong> waves</p>\n"
    assert set(event) == {"type", "id", "timestamp", "body"}
    await chat_of(server).send_action("plain")
    assert (await socket.next())["body"] == "<p>plain</p>\n"
    assert [item["type"] for item in await chat_of(server).history()] == ["CHAT_ACTION", "CHAT_ACTION"]
    await socket.close()


async def test_integration_message(server: RunningServer, http: aiohttp.ClientSession) -> None:
    events: list[ChatEventOccurred] = []
    services_of(server).bus.subscribe(ChatEventOccurred, events.append)
    socket = await listener(server, http)
    users = chat_of(server)._users
    bot, _ = await users.create("my bot", ("CAN_SEND_MESSAGES",), user_type="API")
    event = await chat_of(server).send_integration_message(bot, "beep **boop**")
    received = await socket.next()
    assert received == event and received["type"] == "CHAT" and received["visible"] is True
    assert received["body"] == "beep <strong>boop</strong>"
    assert received["user"] == {
        "id": bot.id,
        "displayName": "my bot",
        "displayColor": bot.display_color,
        "createdAt": received["user"]["createdAt"],
        "previousNames": None,
        "scopes": [],
        "isBot": True,
        "authenticated": False,
    }
    assert events == []  # integration messages fire no webhook
    with pytest.raises(Invalid, match="invalid message"):
        await chat_of(server).send_integration_message(bot, "<script>x</script>")
    assert len(await chat_of(server).history()) == 1
    await socket.close()


async def test_title_announcement(server: RunningServer, http: aiohttp.ClientSession) -> None:
    titles: list[StreamTitleChanged] = []
    services_of(server).bus.subscribe(StreamTitleChanged, titles.append)
    socket = await listener(server, http)
    await chat_of(server).announce_title("<img src=x onerror=alert(1)> *Live*")
    notice = await socket.next()
    assert notice["type"] == "CHAT_ACTION"
    assert (
        notice["body"]
        == "<p>New stream title: <strong>&lt;img src=x onerror=alert(1)&gt; *Live*</strong></p>\n"
    )
    await chat_of(server).announce_title("")
    await socket.expect_silence()
    assert [change.title for change in titles] == ["<img src=x onerror=alert(1)> *Live*", ""]
    assert await chat_of(server).history() == []
    await socket.close()


async def test_moderation_calls_reject_unknown_ids(server: RunningServer) -> None:
    chat = chat_of(server)
    with pytest.raises(Invalid):
        await chat.set_message_visibility([], False)
    with pytest.raises(Invalid):
        await chat.set_message_visibility(["missing"], False)
    with pytest.raises(Invalid):
        await chat.set_user_enabled("missing", False)
    with pytest.raises(Invalid):
        await chat.set_user_enabled("missing", True)
    with pytest.raises(Invalid):
        await chat.set_moderator("missing", True)


async def test_old_messages_are_pruned(server: RunningServer) -> None:
    chat = chat_of(server)
    now = services_of(server).clock.now()
    messages = chat._messages
    await messages.save(StoredMessage("old", "SYSTEM", "<p>old</p>", now - timedelta(hours=5, minutes=1)))
    await messages.save(StoredMessage("new", "SYSTEM", "<p>new</p>", now - timedelta(hours=4, minutes=59)))
    await chat.prune()
    assert [item["id"] for item in await chat.history()] == ["new"]


async def test_register_uses_our_name_rules(server: RunningServer) -> None:
    chat = chat_of(server)
    user, token = await chat.register(None, None)
    assert "-" in user.display_name and len(token) == 44
    named, _ = await chat.register("  someone  ", "proxy")
    assert named.display_name == "someone"
    assert (await chat.user_for_token(token)) == user
