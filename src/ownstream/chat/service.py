"""The chat service: users, messages, moderation and server notices, on top of the fan-out and the store.

Route handlers (chat, admin, integrations) and the WebSocket shell call in here; nothing else touches
the hub or the chat tables. Every send goes through the `ChatFanout` (by client or user id), so the
same code serves one process or several. Of the stream, chat knows only what the bus says
(`StreamView`). Integration-facing events go out on the bus as `ChatEventOccurred` with Owncast's
webhook `eventData`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ownstream.chat.emoji import EmojiCatalog
from ownstream.chat.fanout import ChatFanout
from ownstream.chat.flood import UserFloodLimit
from ownstream.chat.hub import ChatClient, ChatHub, Outlet
from ownstream.chat.ip_bans import IpBans
from ownstream.chat.names import (
    MAX_NAME_LENGTH,
    clean_name,
    generated_name,
    registration_name,
    rename_allowed,
)
from ownstream.chat.notices import (
    authentication_required_notice,
    flood_notice,
    message_not_saved_notice,
    name_not_saved_notice,
    name_refused_notice,
    name_reserved_notice,
    name_too_long_notice,
    not_established_notice,
    now_authenticated_as_notice,
    slur_notice,
    stream_ended_notice,
    stream_starting_notice,
    title_changed_notice,
    too_large_notice,
    user_removed_notice,
)
from ownstream.chat.render import RenderedOnce, markdown_literal, render_chat_body, render_system_body
from ownstream.chat.slur_filter import SlurFilter, load_wordlist
from ownstream.chat.stream_view import StreamView
from ownstream.clock import Clock, PeriodicTimer, rfc3339
from ownstream.config.service import ConfigService
from ownstream.database.repos.messages import MessagesRepository
from ownstream.database.repos.users import UsersRepository
from ownstream.disk_full import DiskFullReporter, is_disk_full
from ownstream.domain.chat_events import (
    ChatAction,
    ChatMessage,
    ChatWebhookData,
    ChatWebhookPayload,
    ConnectedUserInfo,
    FediverseEngagement,
    NameChanged,
    NameChangeWebhookData,
    StoredChatEvent,
    SystemMessage,
    UserDisabled,
    UserJoined,
    UserJoinedWebhookData,
    UserParted,
    UserPartedWebhookData,
    VisibilityUpdate,
)
from ownstream.domain.ids import short_id
from ownstream.domain.messages import StoredMessage
from ownstream.domain.owncast_json import encode, encode_document, to_json, user_json
from ownstream.domain.scopes import MODERATOR
from ownstream.domain.users import User
from ownstream.errors import Invalid
from ownstream.events import (
    ChatEventOccurred,
    EventBus,
    StreamEnding,
    StreamOnline,
    StreamStarted,
    StreamStopped,
    StreamTitleChanged,
)
from ownstream.settings import Settings

log = logging.getLogger(__name__)

HISTORY_LIMIT = 50
MAX_CHOSEN_COLOR = 7
"""Newer Owncast's clients pick one of 8 colours (0–7) with COLOR_CHANGE."""


class ChatService:
    def __init__(
        self,
        *,
        settings: Settings,
        config: ConfigService,
        bus: EventBus,
        clock: Clock,
        users: UsersRepository,
        messages: MessagesRepository,
        ip_bans: IpBans,
        hub: ChatHub | None = None,
        fanout: ChatFanout | None = None,
        last_disconnect: datetime | None = None,
        rng: random.Random | None = None,
        disk_full: DiskFullReporter | None = None,
        flood_limit: UserFloodLimit | None = None,
    ) -> None:
        """`hub` holds this process's sockets; `fanout` reaches every socket (the hub itself when
        there is one process). `last_disconnect`: when the last stream of an earlier run ended.
        `flood_limit`: the per-user flood limit shared by several processes (None: per socket)."""
        self._timings = settings.timings
        self._config = config
        self._bus = bus
        self._clock = clock
        self._users = users
        self._messages = messages
        self.ip_bans = ip_bans
        self._rng = rng or random.SystemRandom()
        # `is not None`: an empty hub is falsy (it has a length).
        self.hub = hub if hub is not None else ChatHub(process_slot=settings.process_slot)
        self.fanout: ChatFanout = fanout if fanout is not None else self.hub
        self.flood_limit = flood_limit
        self.stream = StreamView(last_disconnect)
        self.opened_early: Callable[[], bool] = lambda: False
        """Whether something else opens chat while offline now (a scheduled stream's chat window); the
        composition root sets it."""
        self._disk_full = disk_full or DiskFullReporter(log)
        self.emoji = EmojiCatalog(settings.data_dir / "emoji")
        self._last_seen: dict[str, float] = {}
        """user id → monotonic time of their last join or message, for USER_JOINED suppression."""
        self._welcome_timers: dict[int, asyncio.TimerHandle] = {}
        self._part_timers: dict[str, asyncio.TimerHandle] = {}
        """user id → the pending USER_PARTED of a user whose last socket closed."""
        self._slur_filter = SlurFilter(frozenset())
        self._welcome_html = RenderedOnce(render_system_body)
        self._unsubscribe: list[Callable[[], None]] = []
        self._pruner = PeriodicTimer("chat-prune", self._timings.chat_prune_interval, self.prune)

    # --- lifecycle ----------------------------------------------------------------------------------
    async def start(self) -> None:
        await asyncio.to_thread(self.emoji.ensure_defaults)
        self._slur_filter = SlurFilter(await asyncio.to_thread(load_wordlist))
        await self.prune()
        self._pruner.start()
        # Every process follows the stream's state (joins and the welcome depend on it); the notices go
        # out once, from the process where the stream is, to every socket through the fan-out.
        self._unsubscribe = [
            self._bus.subscribe(StreamStarted, self.stream.started, from_everywhere=True),
            self._bus.subscribe(StreamStarted, self._announce_stream_start),
            self._bus.subscribe(StreamOnline, self.stream.went_online, from_everywhere=True),
            self._bus.subscribe(StreamEnding, self.stream.ending, from_everywhere=True),
            self._bus.subscribe(StreamStopped, self.stream.stopped, from_everywhere=True),
            self._bus.subscribe(StreamStopped, self._announce_stream_end),
        ]

    async def close_sockets(self, timeout: float = 1.0) -> None:
        """Server shutdown: close this process's chat sockets (politely for up to `timeout`, then cut off)."""
        for handle in [*self._welcome_timers.values(), *self._part_timers.values()]:
            handle.cancel()
        self._welcome_timers.clear()
        self._part_timers.clear()
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
        if await self._users.name_is_reserved(name):
            name = generated_name(self._rng)  # an authenticated or integration user's name (newer §9.4)
        return await self._users.create(name)

    async def user_for_token(self, token: str) -> User | None:
        return await self._users.by_token(token)

    async def user_for_token_hash(self, hashed: str) -> User | None:
        return await self._users.by_token_hash(hashed)

    async def moderators(self) -> list[dict[str, Any]]:
        return [user_json(user) for user in await self._users.moderators()]

    async def disabled_users(self) -> list[dict[str, Any]]:
        return [user_json(user) for user in await self._users.disabled_users()]

    # --- reading ------------------------------------------------------------------------------------
    async def history(self, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
        return [to_json(item) for item in await self._messages.history(limit)]

    async def messages_between(self, start: datetime, end: datetime, limit: int) -> list[dict[str, Any]]:
        """The chat as it was from `start` to `end` (a replay's), as history items, moderation applied:
        hidden messages and disabled users' messages are left out."""
        return [to_json(item) for item in await self._messages.between(start, end, limit)]

    async def admin_messages(self) -> list[dict[str, Any]]:
        return [to_json(item) for item in await self._messages.user_messages()]

    async def clients(self) -> list[dict[str, Any]]:
        return [to_json(client) for client in await self.fanout.connected_clients()]

    async def user_details(self, user_id: str) -> dict[str, Any] | None:
        """A moderator's view of one user (newer Owncast's `GET /api/moderation/chat/user/{id}`, reference
        newer §6): the user, their open sockets and their stored messages; None for an unknown id."""
        user = await self._users.by_id(user_id)
        if user is None:
            return None
        sockets = [c for c in await self.fanout.connected_clients() if c.user.id == user_id]
        return {
            "user": user_json(user),
            "connectedClients": [
                {
                    "connectedAt": rfc3339(client.connected_at),
                    "userAgent": client.user_agent,
                    "id": client.client_id,
                    "messageCount": client.message_count,
                }
                for client in sockets
            ],
            "messages": [to_json(item) for item in await self._messages.by_user(user_id)],
        }

    # --- sockets (called by the WebSocket shell) ----------------------------------------------------
    def connect(self, outlet: Outlet, user: User, *, ip_address: str, user_agent: str) -> ChatClient:
        now = self._clock.now()
        client = self.hub.connect(
            outlet, user, ip_address=ip_address, user_agent=user_agent, connected_at=now
        )
        self.fanout.send_to_client(client.id, encode(ConnectedUserInfo(short_id(), now, user)))
        if (pending_part := self._part_timers.pop(user.id, None)) is not None:
            pending_part.cancel()  # back within the part delay: they never left
        if self.stream.online:
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
        user_id = client.user.id
        if not self.hub.clients_of(user_id) and user_id not in self._part_timers:
            self._part_timers[user_id] = asyncio.get_running_loop().call_later(
                self._timings.part_delay, self._announce_part, client
            )

    def _announce_part(self, client: ChatClient) -> None:
        """Newer Owncast's USER_PARTED: broadcast while join messages are on; integrations hear it always."""
        user = client.user
        self._part_timers.pop(user.id, None)
        if self.hub.clients_of(user.id):
            return
        event_id, now = short_id(), self._clock.now()
        if self._config.current.chat_join_messages_enabled:
            self.fanout.broadcast(encode(UserParted(event_id, now, user)))
        self._tell_integrations(UserPartedWebhookData(event_id, now, user, client.id))

    def _announce_join(self, client: ChatClient) -> None:
        user = client.user
        now_mono = self._clock.monotonic()
        seen = self._last_seen.get(user.id)
        self._last_seen[user.id] = now_mono
        if seen is not None and now_mono - seen < self._timings.join_suppression:
            return
        event_id, now = short_id(), self._clock.now()
        if self._config.current.chat_join_messages_enabled:  # newer Owncast's switch; webhooks regardless
            self.fanout.broadcast(encode(UserJoined(event_id, now, user)))
        self._tell_integrations(UserJoinedWebhookData(event_id, now, user, client.id))

    def _tell_integrations(self, payload: ChatWebhookPayload) -> None:
        self._bus.publish(ChatEventOccurred(payload.type, to_json(payload)))

    def _send_delayed_welcome(self, client: ChatClient) -> None:
        self._welcome_timers.pop(client.id, None)
        if not client.closed and (frame := self._welcome_frame()) is not None:
            self.fanout.send_to_client(client.id, frame)

    def _welcome_frame(self) -> bytes | None:
        config = self._config.current
        if not config.welcome_message.strip():
            return None
        body = self._welcome_html(config.welcome_message)
        return encode(SystemMessage(short_id(), self._clock.now(), body, config.server_name))

    def notify(self, client: ChatClient, markdown: str) -> None:
        """A CHAT_ACTION notice to one socket only; not stored."""
        event = ChatAction(short_id(), self._clock.now(), render_system_body(markdown))
        self.fanout.send_to_client(client.id, encode(event))

    def notify_flooding(self, client: ChatClient) -> None:
        self.notify(client, flood_notice())

    def notify_too_large(self, client: ChatClient) -> None:
        self.notify(client, too_large_notice())

    @property
    def spam_protection(self) -> bool:
        """Newer Owncast's `chat/spamprotectionenabled`: off, no socket is rate limited."""
        return self._config.current.chat_spam_protection_enabled

    def admits_frame(self, client: ChatClient, frame: str) -> bool:
        """Newer Owncast's gates on any inbound frame (reference newer §9.3), after the size limit: the
        slur filter over the raw frame, then established-user mode and required authentication
        (moderators exempt from both). A refused frame gets its sender a notice and is dropped."""
        config = self._config.current
        if config.chat_slur_filter_enabled and self._slur_filter.matches(frame):
            self.notify(client, slur_notice())
            return False
        if config.chat_established_user_mode and not client.user.is_moderator:
            age = (self._clock.now() - client.user.created_at).total_seconds()
            if age < self._timings.established_user_age:
                self.notify(client, not_established_notice())
                return False
        user = client.user
        if config.chat_require_authentication and not (user.is_moderator or user.authenticated):
            self.notify(client, authentication_required_notice())
            return False
        return True

    async def change_color(self, client: ChatClient, new_color: int) -> None:
        """Newer Owncast's COLOR_CHANGE: colours 0–7 are stored (others ignored); only this socket hears
        back, with a fresh CONNECTED_USER_INFO."""
        if client.user.disabled or not 0 <= new_color <= MAX_CHOSEN_COLOR:
            return
        user = await self._users.set_color(client.user.id, new_color)
        if user is None:
            return
        self.fanout.update_user(user)
        self._resend_user_info(client)

    def _chat_open(self) -> bool:
        if self._config.current.chat_disabled:
            return False
        if self.stream.chat_open(self._clock.now(), self._timings.chat_offline_grace):
            return True
        return self.opened_early()

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
            id=message_id, event_type=ChatMessage.type, body=body, timestamp=now, user_id=user.id
        )
        try:
            await self._messages.save(stored)
        except Exception as error:
            # Only what was stored is broadcast; on a full disk the sender hears why, nobody else.
            self._unless_disk_full(error, client, "saving a chat message", message_not_saved_notice())
            return
        self.fanout.broadcast(encode(ChatMessage(message_id, now, body, user)))
        client.message_count += 1
        self._last_seen[user.id] = self._clock.monotonic()
        self._tell_integrations(ChatWebhookData(message_id, now, user, client.id, body, raw_body))

    async def request_rename(self, client: ChatClient, proposed: str) -> None:
        """A NAME_CHANGE event from a socket (reference §3.5, with the stricter blocklist check)."""
        if client.user.disabled:
            return
        if not rename_allowed(proposed, self._config.current.forbidden_usernames):
            if len(clean_name(proposed)) > MAX_NAME_LENGTH:
                self.notify(client, name_too_long_notice(MAX_NAME_LENGTH))
            else:
                self.notify(client, name_refused_notice(markdown_literal(proposed)))
            self._resend_user_info(client)
            return
        new_name = clean_name(proposed)
        if await self._users.name_is_reserved(new_name, except_user_id=client.user.id):
            self.notify(client, name_reserved_notice(markdown_literal(new_name)))
            self._resend_user_info(client)
            return
        old_name = client.user.display_name
        try:
            user = await self._users.rename(client.user.id, new_name)
        except Exception as error:
            self._unless_disk_full(error, client, "saving a name change", name_not_saved_notice())
            self._resend_user_info(client)  # the client shows its stored name again
            return
        if user is None:
            return
        self.fanout.update_user(user)
        self.fanout.broadcast(encode(NameChanged(short_id(), self._clock.now(), user, old_name)))
        self._tell_integrations(NameChangeWebhookData(user, client.id, new_name))

    def _resend_user_info(self, client: ChatClient) -> None:
        info = ConnectedUserInfo(short_id(), self._clock.now(), client.user)
        self.fanout.send_to_client(client.id, encode(info))

    def _unless_disk_full(self, error: Exception, client: ChatClient, what: str, notice: str) -> None:
        """A write for `client` failed: on a full disk tell that socket (one log line a minute at most);
        anything else is re-raised."""
        if not is_disk_full(error):
            raise error
        self._disk_full.report(what, error)
        self.notify(client, notice)

    # --- chat authentication (newer Owncast §7) ------------------------------------------------------
    async def identity_verified(
        self, hashed_token: str, user: User, identity_type: str, identity: str
    ) -> User:
        """`user` (holding the token whose SHA-256 is `hashed_token`) proved `identity`. If another user
        proved it before, the token moves to that user, the room hears "**old** is now authenticated as
        **existing**" when the names differ, and the sockets opened with the token close (the page
        reconnects as that user); otherwise the identity becomes `user`'s and their sockets get the new
        user info (the badge)."""
        owner = await self._users.identity_owner(identity_type, identity)
        if owner is not None and owner != user.id:
            await self._users.move_token_hash(hashed_token, owner)
            existing = await self._users.authenticate(owner, identity_type, identity)
            if existing is None:
                raise Invalid("the user who owns this identity no longer exists")
            if existing.display_name != user.display_name:
                self.broadcast_notice(
                    now_authenticated_as_notice(
                        markdown_literal(user.display_name), markdown_literal(existing.display_name)
                    )
                )
            self.fanout.update_user(existing)
            self.fanout.close_user_sockets(user.id)
            return existing
        verified = await self._users.authenticate(user.id, identity_type, identity)
        if verified is None:
            raise Invalid("the user who owns this identity no longer exists")
        self.fanout.update_user(verified)
        self.fanout.send_to_user(
            verified.id, encode(ConnectedUserInfo(short_id(), self._clock.now(), verified))
        )
        return verified

    async def auth_providers(self, user_ids: list[str]) -> dict[str, list[str]]:
        return await self._users.auth_providers(user_ids)

    # --- server and integration messages ------------------------------------------------------------
    async def _store_and_broadcast(
        self, event: StoredChatEvent, user_id: str | None = None
    ) -> dict[str, Any]:
        """Store `event`, send it to everyone, and return its JSON document."""
        engagement = event if isinstance(event, FediverseEngagement) else None
        stored = StoredMessage(
            id=event.id,
            event_type=event.type,
            body=event.body,
            timestamp=self._clock.now(),
            user_id=user_id,
            title=engagement.title if engagement else None,
            image=engagement.image if engagement else None,
            link=engagement.link if engagement else None,
        )
        await self._messages.save(stored)
        document = to_json(event)
        self.fanout.broadcast(encode_document(document))
        return document

    def _system_message(self, body_markdown: str) -> SystemMessage:
        return SystemMessage(
            short_id(),
            self._clock.now(),
            render_system_body(body_markdown),
            self._config.current.server_name,
        )

    async def send_system_message(self, body_markdown: str) -> dict[str, Any]:
        """A SYSTEM message from the server (integrations): stored and broadcast."""
        return await self._store_and_broadcast(self._system_message(body_markdown))

    async def send_system_message_to_client(self, client_id: int, body: str) -> None:
        """A SYSTEM message to one socket; not stored. An unknown client id is not an error."""
        self.fanout.send_to_client(client_id, encode(self._system_message(body)))

    async def send_action(self, body: str, author: str | None = None) -> dict[str, Any]:
        """A CHAT_ACTION (integrations): stored and broadcast; `author`, when given, leads in bold."""
        markdown = f"**{markdown_literal(author)}** {body}" if author and author.strip() else body
        event = ChatAction(short_id(), self._clock.now(), render_system_body(markdown))
        return await self._store_and_broadcast(event)

    async def send_integration_message(self, user: User, body: str) -> dict[str, Any]:
        """A CHAT message from an API user: stored and broadcast, but no webhook (as Owncast).

        Raises `Invalid("invalid message")` when nothing is left after rendering."""
        rendered = render_chat_body(body)
        if not rendered:
            raise Invalid("invalid message")
        event = ChatMessage(short_id(), self._clock.now(), rendered, user, by_integration=True)
        return await self._store_and_broadcast(event, user_id=user.id)

    async def send_fediverse_engagement(
        self, event_type: str, body_markdown: str, *, title: str, link: str, image: str | None
    ) -> dict[str, Any] | None:
        """A follow, like or share from the fediverse (reference §8.7): stored and broadcast, unless
        chat is disabled (then nothing; None)."""
        config = self._config.current
        if config.chat_disabled:
            return None
        event = FediverseEngagement(
            event_type,
            short_id(),
            self._clock.now(),
            render_system_body(body_markdown),
            image,
            title,
            link,
            config.server_name,
        )
        return await self._store_and_broadcast(event)

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
        event = VisibilityUpdate(short_id(), self._clock.now(), tuple(ids), visible)
        self.fanout.broadcast(encode(event))
        self._tell_integrations(event)

    async def set_user_enabled(self, user_id: str, enabled: bool) -> None:
        """Enable, or disable (ban): hide their messages, tell and close their sockets, tell the room."""
        if await self._users.by_id(user_id) is None:
            raise Invalid(f"unknown user id: {user_id}")
        now = self._clock.now()
        user = await self._users.set_disabled(user_id, None if enabled else now)
        if user is None:
            raise Invalid(f"unknown user id: {user_id}")
        self.fanout.update_user(user)
        if enabled:
            return
        for client in await self.fanout.connected_clients():
            if client.user.id == user_id:
                await self.ip_bans.ban_automatically(client.ip_address, f"Banning of {user.display_name}")
        ids = await self._messages.ids_by_user(user_id)
        if ids:
            await self._messages.set_hidden(ids, now)
            self._announce_visibility(ids, False)
        self.fanout.send_to_user(user_id, encode(UserDisabled(short_id(), now)))
        self.fanout.close_user_sockets(user_id, self._timings.banned_close_delay)
        notice = render_system_body(user_removed_notice(markdown_literal(user.display_name)))
        self.fanout.broadcast(encode(ChatAction(short_id(), now, notice)))

    async def search_users(
        self, *, offset: int, limit: int, search: str, status: str, ascending: bool
    ) -> tuple[int, list[User]]:
        return await self._users.search(
            offset=offset, limit=limit, search=search, status=status, ascending=ascending
        )

    async def delete_user(self, user_id: str) -> None:
        """Newer Owncast's user deletion: close their sockets, then remove the user, their token and
        every message they wrote. No chat event, no webhook, no IP ban (unlike a ban)."""
        if await self._users.by_id(user_id) is None:
            raise Invalid(f"user {user_id} not found")
        self.fanout.close_user_sockets(user_id)
        if not await self._users.delete_with_messages(user_id):
            raise Invalid(f"user {user_id} not found")

    async def close_sockets_of_deleted_token(self, user_id: str) -> None:
        """An integration token was deleted: nothing more it sends is accepted, and its sockets close."""
        user = await self._users.by_id(user_id)
        if user is None:
            return
        self.fanout.update_user(user)
        self.fanout.close_user_sockets(user_id)

    async def set_moderator(self, user_id: str, is_moderator: bool) -> None:
        current = await self._users.by_id(user_id)
        if current is None:
            raise Invalid(f"unknown user id: {user_id}")
        others = [scope for scope in current.scopes if scope != MODERATOR]
        user = await self._users.set_scopes(user_id, [*others, MODERATOR] if is_moderator else others)
        if user is None:
            raise Invalid(f"unknown user id: {user_id}")
        self.fanout.update_user(user)
        self.fanout.send_to_user(user_id, encode(ConnectedUserInfo(short_id(), self._clock.now(), user)))

    # --- stream notices -----------------------------------------------------------------------------
    def broadcast_notice(self, markdown: str) -> None:
        """A CHAT_ACTION to everyone; not stored."""
        event = ChatAction(short_id(), self._clock.now(), render_system_body(markdown))
        self.fanout.broadcast(encode(event))

    async def announce_title(self, title: str) -> None:
        if title.strip():
            self.broadcast_notice(title_changed_notice(markdown_literal(title)))
        self._bus.publish(StreamTitleChanged(title))

    def _announce_stream_start(self, event: StreamStarted) -> None:
        self.broadcast_notice(stream_starting_notice())
        if (frame := self._welcome_frame()) is not None:
            self.fanout.broadcast(frame)

    def _announce_stream_end(self, event: StreamStopped) -> None:
        self.broadcast_notice(stream_ended_notice())
