"""The chat service: users, messages, moderation and server notices, on top of the hub and the store.

Route handlers (chat, admin, integrations) and the WebSocket shell call in here; nothing else touches
the hub or the chat tables. Integration-facing events go out on the bus as `ChatEventOccurred` with
Owncast's webhook `eventData`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ownstream.chat import protocol
from ownstream.chat.emoji import EmojiCatalog
from ownstream.chat.hub import ChatClient, ChatHub, Outlet
from ownstream.chat.ids import short_id
from ownstream.chat.names import MAX_NAME_LENGTH, clean_name, registration_name, rename_allowed
from ownstream.chat.notices import (
    flood_notice,
    message_not_saved_notice,
    name_not_saved_notice,
    name_refused_notice,
    name_too_long_notice,
    stream_ended_notice,
    stream_starting_notice,
    title_changed_notice,
    too_large_notice,
    user_removed_notice,
)
from ownstream.chat.render import markdown_literal, render_chat_body, render_system_body
from ownstream.clock import Clock, PeriodicTimer, rfc3339
from ownstream.config.service import ConfigService
from ownstream.disk_full import DiskFullReporter, is_disk_full
from ownstream.errors import Invalid
from ownstream.events import (
    ChatEventOccurred,
    EventBus,
    StreamStarted,
    StreamStopped,
    StreamTitleChanged,
)
from ownstream.settings import Settings
from ownstream.store.repos.messages import MessagesRepository, StoredMessage
from ownstream.store.repos.users import MODERATOR, User, UsersRepository
from ownstream.stream.lifecycle import StreamLifecycle
from ownstream.stream.stats import StreamStats

log = logging.getLogger(__name__)

HISTORY_LIMIT = 50


class ChatService:
    def __init__(
        self,
        *,
        settings: Settings,
        config: ConfigService,
        bus: EventBus,
        clock: Clock,
        lifecycle: StreamLifecycle,
        stats: StreamStats,
        users: UsersRepository,
        messages: MessagesRepository,
        hub: ChatHub | None = None,
        rng: random.Random | None = None,
        disk_full: DiskFullReporter | None = None,
    ) -> None:
        self._timings = settings.timings
        self._config = config
        self._bus = bus
        self._clock = clock
        self._lifecycle = lifecycle
        self._stats = stats
        self._users = users
        self._messages = messages
        self._rng = rng or random.SystemRandom()
        self.hub = hub or ChatHub()
        self._disk_full = disk_full or DiskFullReporter(log)
        self.emoji = EmojiCatalog(settings.data_dir / "emoji")
        self._last_seen: dict[str, float] = {}
        """user id → monotonic time of their last join or message, for USER_JOINED suppression."""
        self._welcome_timers: dict[int, asyncio.TimerHandle] = {}
        self._unsubscribe: list[Callable[[], None]] = []
        self._pruner = PeriodicTimer("chat-prune", self._timings.chat_prune_interval, self.prune)

    # --- lifecycle ----------------------------------------------------------------------------------
    async def start(self) -> None:
        await asyncio.to_thread(self.emoji.ensure_defaults)
        await self.prune()
        self._pruner.start()
        self._unsubscribe = [
            self._bus.subscribe(StreamStarted, self._stream_started),
            self._bus.subscribe(StreamStopped, self._stream_stopped),
        ]

    async def close_sockets(self, timeout: float = 1.0) -> None:
        """Server shutdown: close every chat socket (politely for up to `timeout`, then cut off)."""
        for handle in self._welcome_timers.values():
            handle.cancel()
        self._welcome_timers.clear()
        await self.hub.close_all(timeout)

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        await self._pruner.stop()
        await self.close_sockets(timeout=0)

    async def prune(self) -> None:
        """Delete stored messages past the retention window; forget joins past the suppression window."""
        cutoff = self._clock.now() - timedelta(seconds=self._timings.chat_retention)
        deleted = await self._messages.delete_older_than(cutoff)
        if deleted:
            log.info("deleted %d chat messages older than the retention window", deleted)
        horizon = self._clock.monotonic() - self._timings.join_suppression
        self._last_seen = {user: seen for user, seen in self._last_seen.items() if seen >= horizon}

    # --- users --------------------------------------------------------------------------------------
    async def register(self, display_name: str | None, forwarded_user: str | None) -> tuple[User, str]:
        config = self._config.current
        name = registration_name(display_name, forwarded_user, config.suggested_usernames, self._rng)
        return await self._users.create(name)

    async def user_for_token(self, token: str) -> User | None:
        return await self._users.by_token(token)

    async def moderators(self) -> list[dict[str, Any]]:
        return [protocol.user_json(user) for user in await self._users.moderators()]

    async def disabled_users(self) -> list[dict[str, Any]]:
        return [protocol.user_json(user) for user in await self._users.disabled_users()]

    # --- reading ------------------------------------------------------------------------------------
    async def history(self, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
        return [protocol.stored_message_json(item) for item in await self._messages.history(limit)]

    async def admin_messages(self) -> list[dict[str, Any]]:
        return [protocol.stored_message_json(item) for item in await self._messages.user_messages()]

    def clients(self) -> list[dict[str, Any]]:
        return [
            {
                "clientId": client.id,
                "user": protocol.user_json(client.user),
                "geo": None,
                "messageCount": client.message_count,
                "userAgent": client.user_agent,
                "ipAddress": client.ip_address,
                "connectedAt": rfc3339(client.connected_at),
            }
            for client in self.hub.clients()
        ]

    # --- sockets (called by the WebSocket shell) ----------------------------------------------------
    def connect(self, outlet: Outlet, user: User, *, ip_address: str, user_agent: str) -> ChatClient:
        now = self._clock.now()
        client = self.hub.connect(
            outlet, user, ip_address=ip_address, user_agent=user_agent, connected_at=now
        )
        self.hub.send(client, protocol.encode(protocol.connected_user_info(short_id(), now, user)))
        if self._lifecycle.online:
            self._announce_join(client)
            self._welcome_timers[client.id] = asyncio.get_running_loop().call_later(
                self._timings.welcome_delay, self._send_delayed_welcome, client
            )
        return client

    async def disconnect(self, client: ChatClient) -> None:
        handle = self._welcome_timers.pop(client.id, None)
        if handle is not None:
            handle.cancel()
        await self.hub.disconnect(client)

    def _announce_join(self, client: ChatClient) -> None:
        user = client.user
        now_mono = self._clock.monotonic()
        seen = self._last_seen.get(user.id)
        self._last_seen[user.id] = now_mono
        if seen is not None and now_mono - seen < self._timings.join_suppression:
            return
        event_id, now = short_id(), self._clock.now()
        self.hub.broadcast(protocol.encode(protocol.user_joined(event_id, now, user)))
        data = protocol.user_joined_webhook_data(event_id, now, user, client.id)
        self._bus.publish(ChatEventOccurred(protocol.USER_JOINED, data))

    def _send_delayed_welcome(self, client: ChatClient) -> None:
        self._welcome_timers.pop(client.id, None)
        if not client.closed:
            self._send_welcome([client])

    def _send_welcome(self, clients: list[ChatClient]) -> None:
        config = self._config.current
        if not config.welcome_message.strip() or not clients:
            return
        body = render_system_body(config.welcome_message)
        frame = protocol.encode(
            protocol.system_message(short_id(), self._clock.now(), body, config.server_name)
        )
        self.hub.send_to(clients, frame)

    def notify(self, client: ChatClient, markdown: str) -> None:
        """A CHAT_ACTION notice to one socket only; not stored."""
        event = protocol.chat_action(short_id(), self._clock.now(), render_system_body(markdown))
        self.hub.send(client, protocol.encode(event))

    def notify_flooding(self, client: ChatClient) -> None:
        self.notify(client, flood_notice())

    def notify_too_large(self, client: ChatClient) -> None:
        self.notify(client, too_large_notice())

    def _chat_open(self) -> bool:
        """Owncast accepts chat while online, and for a while after the stream ends."""
        if self._config.current.chat_disabled:
            return False
        if self._lifecycle.online:
            return True
        last_disconnect = self._stats.last_disconnect_time
        if last_disconnect is None:
            return True
        return self._clock.now() - last_disconnect <= timedelta(seconds=self._timings.chat_offline_grace)

    async def receive_chat(self, client: ChatClient, raw_body: str) -> None:
        """A CHAT event from a socket: render, store, broadcast, tell integrations."""
        user = client.user
        if user.disabled:
            return
        body = render_chat_body(raw_body)
        if not body or not self._chat_open():
            return
        message_id, now = short_id(), self._clock.now()
        stored = StoredMessage(
            id=message_id, event_type=protocol.CHAT, body=body, timestamp=now, user_id=user.id
        )
        try:
            await self._messages.save(stored)
        except Exception as error:
            # Only what was stored is broadcast; on a full disk the sender hears why, nobody else.
            self._unless_disk_full(error, client, "saving a chat message", message_not_saved_notice())
            return
        event = protocol.chat_message(message_id, now, body, protocol.user_json(user))
        self.hub.broadcast(protocol.encode(event))
        client.message_count += 1
        self._last_seen[user.id] = self._clock.monotonic()
        data = protocol.chat_webhook_data(message_id, now, user, client.id, body, raw_body)
        self._bus.publish(ChatEventOccurred(protocol.CHAT, data))

    async def request_rename(self, client: ChatClient, proposed: str) -> None:
        """A NAME_CHANGE event from a socket (reference §3.5, with the stricter blocklist check)."""
        if client.user.disabled:
            return
        if not rename_allowed(proposed, self._config.current.forbidden_usernames):
            if len(clean_name(proposed)) > MAX_NAME_LENGTH:
                self.notify(client, name_too_long_notice(MAX_NAME_LENGTH))
            else:
                self.notify(client, name_refused_notice(markdown_literal(proposed)))
            info = protocol.connected_user_info(short_id(), self._clock.now(), client.user)
            self.hub.send(client, protocol.encode(info))
            return
        new_name = clean_name(proposed)
        old_name = client.user.display_name
        try:
            user = await self._users.rename(client.user.id, new_name)
        except Exception as error:
            self._unless_disk_full(error, client, "saving a name change", name_not_saved_notice())
            info = protocol.connected_user_info(short_id(), self._clock.now(), client.user)
            self.hub.send(client, protocol.encode(info))  # the client shows its stored name again
            return
        if user is None:
            return
        self._update_sockets(user)
        event = protocol.name_changed(short_id(), self._clock.now(), user, old_name)
        self.hub.broadcast(protocol.encode(event))
        data = protocol.name_change_webhook_data(user, client.id, new_name)
        self._bus.publish(ChatEventOccurred(protocol.NAME_CHANGE, data))

    def _unless_disk_full(self, error: Exception, client: ChatClient, what: str, notice: str) -> None:
        """A write for `client` failed: on a full disk tell that socket (one log line a minute at most);
        anything else is re-raised."""
        if not is_disk_full(error):
            raise error
        self._disk_full.report(what, error)
        self.notify(client, notice)

    def _update_sockets(self, user: User) -> list[ChatClient]:
        clients = self.hub.clients_of(user.id)
        for client in clients:
            client.user = user
        return clients

    # --- server and integration messages ------------------------------------------------------------
    async def _store_and_broadcast(self, event: dict[str, Any], user_id: str | None = None) -> dict[str, Any]:
        stored = StoredMessage(
            id=event["id"],
            event_type=event["type"],
            body=event["body"],
            timestamp=self._clock.now(),
            user_id=user_id,
        )
        await self._messages.save(stored)
        self.hub.broadcast(protocol.encode(event))
        return event

    async def send_system_message(self, body_markdown: str) -> dict[str, Any]:
        """A SYSTEM message from the server (integrations): stored and broadcast."""
        event = protocol.system_message(
            short_id(),
            self._clock.now(),
            render_system_body(body_markdown),
            self._config.current.server_name,
        )
        return await self._store_and_broadcast(event)

    async def send_system_message_to_client(self, client_id: int, body: str) -> None:
        """A SYSTEM message to one socket; not stored. An unknown client id is not an error."""
        client = self.hub.get(client_id)
        if client is None:
            return
        event = protocol.system_message(
            short_id(), self._clock.now(), render_system_body(body), self._config.current.server_name
        )
        self.hub.send(client, protocol.encode(event))

    async def send_action(self, body: str, author: str | None = None) -> dict[str, Any]:
        """A CHAT_ACTION (integrations): stored and broadcast; `author`, when given, leads in bold."""
        markdown = f"**{markdown_literal(author)}** {body}" if author and author.strip() else body
        event = protocol.chat_action(short_id(), self._clock.now(), render_system_body(markdown))
        return await self._store_and_broadcast(event)

    async def send_integration_message(self, user: User, body: str) -> dict[str, Any]:
        """A CHAT message from an API user: stored and broadcast, but no webhook (as Owncast).

        Raises `Invalid("invalid message")` when nothing is left after rendering."""
        rendered = render_chat_body(body)
        if not rendered:
            raise Invalid("invalid message")
        event = protocol.chat_message(
            short_id(), self._clock.now(), rendered, protocol.integration_user_json(user)
        )
        return await self._store_and_broadcast(event, user_id=user.id)

    # --- moderation ---------------------------------------------------------------------------------
    async def set_message_visibility(self, ids: list[str], visible: bool) -> None:
        """Hide or show messages. Every id must exist, else `Invalid` and nothing changes."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            raise Invalid("no message ids were given")
        existing = await self._messages.set_hidden(wanted, None if visible else self._clock.now())
        if len(existing) != len(wanted):
            unknown = sorted(set(wanted) - set(existing))
            raise Invalid(f"unknown message id: {unknown[0]}")
        self._announce_visibility(wanted, visible)

    def _announce_visibility(self, ids: list[str], visible: bool) -> None:
        event_id, now = short_id(), self._clock.now()
        self.hub.broadcast(protocol.encode(protocol.visibility_update(event_id, now, ids, visible)))
        data = protocol.visibility_webhook_data(event_id, now, ids, visible)
        self._bus.publish(ChatEventOccurred(protocol.VISIBILITY_UPDATE, data))

    async def set_user_enabled(self, user_id: str, enabled: bool) -> None:
        """Enable, or disable (ban): hide their messages, tell and close their sockets, tell the room."""
        if await self._users.by_id(user_id) is None:
            raise Invalid(f"unknown user id: {user_id}")
        now = self._clock.now()
        user = await self._users.set_disabled(user_id, None if enabled else now)
        if user is None:
            raise Invalid(f"unknown user id: {user_id}")
        clients = self._update_sockets(user)
        if enabled:
            return
        ids = await self._messages.ids_by_user(user_id)
        if ids:
            await self._messages.set_hidden(ids, now)
            self._announce_visibility(ids, False)
        frame = protocol.encode(protocol.user_disabled(short_id(), now))
        for client in clients:
            self.hub.send(client, frame)
            client.close_after(self._timings.banned_close_delay)
        notice = render_system_body(user_removed_notice(markdown_literal(user.display_name)))
        self.hub.broadcast(protocol.encode(protocol.chat_action(short_id(), now, notice)))

    async def set_moderator(self, user_id: str, is_moderator: bool) -> None:
        current = await self._users.by_id(user_id)
        if current is None:
            raise Invalid(f"unknown user id: {user_id}")
        others = [scope for scope in current.scopes if scope != MODERATOR]
        user = await self._users.set_scopes(user_id, [*others, MODERATOR] if is_moderator else others)
        if user is None:
            raise Invalid(f"unknown user id: {user_id}")
        clients = self._update_sockets(user)
        frame = protocol.encode(protocol.connected_user_info(short_id(), self._clock.now(), user))
        self.hub.send_to(clients, frame)

    # --- stream notices -----------------------------------------------------------------------------
    def broadcast_notice(self, markdown: str) -> None:
        """A CHAT_ACTION to everyone; not stored."""
        event = protocol.chat_action(short_id(), self._clock.now(), render_system_body(markdown))
        self.hub.broadcast(protocol.encode(event))

    async def announce_title(self, title: str) -> None:
        if title.strip():
            self.broadcast_notice(title_changed_notice(markdown_literal(title)))
        self._bus.publish(StreamTitleChanged(title))

    def _stream_started(self, _event: StreamStarted) -> None:
        self.broadcast_notice(stream_starting_notice())
        self._send_welcome(self.hub.clients())

    def _stream_stopped(self, _event: StreamStopped) -> None:
        self.broadcast_notice(stream_ended_notice())
