"""`GET /ws`: the chat WebSocket's route (reference §3.1, §3.8). It admits the socket, then hands it to
the chat shell (chat/ws.py), which applies the frame limits and talks to the chat service.

Public at the HTTP level: a chat that is off, a full server or a foreign `Origin` are answered before
the upgrade (as 0.0.11 did), and so is a banned client address (403, newer Owncast); a missing, unknown
or disabled token only after it, inside the chat protocol (`ERROR_NEEDS_REGISTRATION`,
`ERROR_USER_DISABLED`), which is what Owncast's clients expect.
"""

from __future__ import annotations

from aiohttp import web

from ownstream.api.state import services
from ownstream.auth.origins import socket_origin_refusal
from ownstream.auth.requirements import public
from ownstream.chat import protocol
from ownstream.chat.ws import WebSocketOutlet, may_chat, refuse, serve_socket
from ownstream.net.client_address import client_address

routes = web.RouteTableDef()


@routes.get("/ws")
@public
async def chat_socket(request: web.Request) -> web.StreamResponse:
    svc = services(request)
    chat = svc.chat
    if svc.config.current.chat_disabled:
        return web.Response(text="CHAT_DISABLED")
    if chat.hub.full:
        return web.Response(text="ERROR_MAX_CONNECTIONS_EXCEEDED")
    if (refusal := socket_origin_refusal(request, svc.config.current)) is not None:
        return refusal
    if await chat.ip_bans.is_banned(client_address(request)):
        return web.Response(status=403)  # newer Owncast §5: before the upgrade, empty body
    token = request.query.get("accessToken", "")
    # Who it is, before the upgrade: once the client has its 101 it may ask the admin API for the
    # socket list, and the socket must already be on it.
    user = await chat.user_for_token(token) if token else None
    ws = web.WebSocketResponse(
        heartbeat=svc.settings.timings.chat_heartbeat,
        max_msg_size=protocol.MAX_FRAME_BYTES,
        compress=False,
    )
    await ws.prepare(request)
    if not token:
        await ws.close()
        return ws
    if user is None or not may_chat(user):
        return await refuse(ws, protocol.NEEDS_REGISTRATION)
    if user.disabled:
        return await refuse(ws, protocol.USER_DISABLED_AT_CONNECT)
    # No await between the handshake and joining the hub.
    client = chat.connect(
        WebSocketOutlet(ws, request),
        user,
        ip_address=client_address(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    await serve_socket(ws, chat, client)
    return ws
