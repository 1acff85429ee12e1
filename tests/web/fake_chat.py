"""A scriptable stand-in for the chat server (register, history, WebSocket, emoji), for front-end tests.

It speaks the documented 0.0.11 wire format but sanitizes nothing: tests decide exactly which frames the
page receives (`push`), can drop every socket (`drop_all`) or refuse new ones (`refuse_with`). The real
chat server is exercised end to end in tests/e2e/test_chat_browser.py.
"""

from __future__ import annotations

import itertools
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

_ids = itertools.count(1)


def event_id() -> str:
    return f"ev{next(_ids)}"


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def chat_user(user_id: str, name: str, *, hue: int = 200, moderator: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "displayName": name,
        "displayColor": hue,
        "createdAt": "2022-03-01T20:00:00Z",
        "previousNames": [name],
        "scopes": ["MODERATOR"] if moderator else None,
    }


def chat_event(body: str, user: dict[str, Any], *, timestamp: str | None = None) -> dict[str, Any]:
    return {
        "type": "CHAT",
        "id": event_id(),
        "timestamp": timestamp or now_rfc3339(),
        "body": body,
        "user": user,
        "visible": True,
    }


@dataclass
class FakeChat:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Access token → user object."""
    history: list[dict[str, Any]] = field(default_factory=list)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    emoji: list[dict[str, str]] = field(
        default_factory=lambda: [{"name": "party", "emoji": "/img/emoji/party.svg"}]
    )
    disabled_users: set[str] = field(default_factory=set)
    """User ids refused at connect with ERROR_USER_DISABLED (a moderator removed them)."""
    refuse_with: str | None = None
    """Plain-text answer instead of upgrading: CHAT_DISABLED or ERROR_MAX_CONNECTIONS_EXCEEDED."""
    registrations: list[str | None] = field(default_factory=list)
    """The displayName of every registration, in order."""
    received: list[dict[str, Any]] = field(default_factory=list)
    history_requests: int = 0
    socket_opens: int = 0
    moderation: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def user_for(self, request: web.Request) -> dict[str, Any] | None:
        return self.users.get(request.query.get("accessToken", ""))

    # -- what tests do ---------------------------------------------------------------------------------

    async def push(self, *events: dict[str, Any]) -> None:
        """Sends `events` to every open socket in ONE frame, newline-separated, as the server batches."""
        frame = "\n".join(json.dumps(e) for e in events)
        for ws in list(self.sockets):
            if not ws.closed:
                await ws.send_str(frame)

    async def drop_all(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        self.sockets.clear()

    def open_sockets(self) -> int:
        return sum(1 for ws in self.sockets if not ws.closed)

    # -- routes ----------------------------------------------------------------------------------------

    async def register(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        name = body.get("displayName") if isinstance(body, dict) else None
        self.registrations.append(name)
        token = secrets.token_urlsafe(16)
        user_id = f"user{len(self.registrations)}"
        self.users[token] = chat_user(user_id, name or f"guest-{user_id}")
        return web.json_response(
            {"id": user_id, "accessToken": token, "displayName": self.users[token]["displayName"]}
        )

    async def history_route(self, request: web.Request) -> web.Response:
        self.history_requests += 1
        if self.user_for(request) is None:
            return web.Response(status=401, text="unauthorized\n")
        return web.json_response(self.history[-50:])

    async def emoji_route(self, request: web.Request) -> web.Response:
        return web.json_response(self.emoji)

    async def emoji_file(self, request: web.Request) -> web.Response:
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
            '<circle cx="5" cy="5" r="5" fill="gold"/></svg>'
        )
        return web.Response(text=svg, content_type="image/svg+xml")

    async def moderate(self, request: web.Request) -> web.Response:
        user = self.user_for(request)
        if user is None or not user.get("scopes"):
            return web.Response(status=401, text="unauthorized\n")
        self.moderation.append((request.path, await request.json()))
        return web.json_response({"success": True, "message": "changed"})

    async def user_details(self, request: web.Request) -> web.Response:
        """Newer Owncast's moderator view of a user, from the users and history this fake holds."""
        user = self.user_for(request)
        if user is None or not user.get("scopes"):
            return web.Response(status=401, text="unauthorized\n")
        user_id = request.match_info["userId"]
        found = next((e["user"] for e in self.history if (e.get("user") or {}).get("id") == user_id), None)
        found = found or next((u for u in self.users.values() if u["id"] == user_id), None)
        if found is None:
            return web.Response(status=404)
        messages = [e for e in self.history if (e.get("user") or {}).get("id") == user_id]
        clients = [
            {"connectedAt": now_rfc3339(), "userAgent": "Firefox", "id": 3, "messageCount": len(messages)}
        ]
        return web.json_response({"user": found, "connectedClients": clients, "messages": messages})

    async def socket(self, request: web.Request) -> web.StreamResponse:
        if self.refuse_with:
            return web.Response(text=self.refuse_with)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.socket_opens += 1
        user = self.user_for(request)
        if user is None:
            await ws.send_str(json.dumps({"type": "ERROR_NEEDS_REGISTRATION"}))
            await ws.close()
            return ws
        if user["id"] in self.disabled_users:
            await ws.send_str(json.dumps({"type": "ERROR_USER_DISABLED"}))
            await ws.close()
            return ws
        self.sockets.append(ws)
        info = {"type": "CONNECTED_USER_INFO", "id": event_id(), "timestamp": now_rfc3339(), "user": user}
        await ws.send_str(json.dumps(info))
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            event = json.loads(message.data)
            self.received.append(event)
            if event.get("type") == "CHAT":
                sent = chat_event(event["body"], user)
                self.history.append({k: v for k, v in sent.items() if k != "visible"})
                await self.push(sent)
            elif event.get("type") == "NAME_CHANGE":
                old = user["displayName"]
                user["displayName"] = event["newName"]
                await self.push(
                    {
                        "type": "NAME_CHANGE",
                        "id": event_id(),
                        "timestamp": now_rfc3339(),
                        "user": user,
                        "oldName": old,
                    }
                )
        if ws in self.sockets:
            self.sockets.remove(ws)
        return ws

    async def _close_sockets(self, _app: web.Application) -> None:
        # Otherwise the server's shutdown waits for the page to hang up.
        await self.drop_all()

    def add_routes(self, app: web.Application) -> None:
        app.on_shutdown.append(self._close_sockets)
        app.router.add_post("/api/chat/register", self.register)
        app.router.add_get("/api/chat", self.history_route)
        app.router.add_get("/ws", self.socket)
        app.router.add_get("/api/emoji", self.emoji_route)
        app.router.add_get("/img/emoji/{name}", self.emoji_file)
        app.router.add_post("/api/chat/updatemessagevisibility", self.moderate)
        app.router.add_post("/api/chat/users/setenabled", self.moderate)
        app.router.add_get("/api/moderation/chat/user/{userId}", self.user_details)
