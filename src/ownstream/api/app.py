"""The aiohttp application: middlewares (errors, admin gate) and every route module."""

from __future__ import annotations

from aiohttp import web

from ownstream.api.errors import error_middleware
from ownstream.api.routes import (
    admin_chat,
    admin_config,
    admin_preview,
    admin_server,
    admin_serverconfig,
    admin_stats,
    admin_storage_test,
    admin_stream,
    admin_tokens,
    admin_webhooks,
    chat,
    directory,
    federation_admin,
    followers,
    hls,
    integrations,
    metrics,
    public,
)
from ownstream.api.routes.admin_pages import setup_admin_pages
from ownstream.api.state import SERVICES, Services
from ownstream.auth.admin import admin_middleware
from ownstream.auth.admin_access import AdminAccess
from ownstream.auth.dashboard_guard import DashboardGuard
from ownstream.chat import ws as chat_socket
from ownstream.net.client_address import TRUSTED_PROXIES, TrustedProxies
from ownstream.web.pages import PageContext, setup_pages


def create_web_app(svc: Services) -> web.Application:
    # The dashboard's login, cookie and Basic checks use the same cross-site rule and back-off as the
    # admin API's Basic gate.
    guard = DashboardGuard(svc.config, svc.login_throttle)
    admin_access = AdminAccess(svc.config, svc.admin_sessions, guard)
    app = web.Application(
        middlewares=[error_middleware, admin_middleware(svc.config, svc.login_throttle, admin_access)],
        client_max_size=8 * 1024 * 1024,
    )
    app[SERVICES] = svc
    app[TRUSTED_PROXIES] = TrustedProxies(svc.settings.trusted_proxies)
    app.add_routes(public.routes)
    app.add_routes(hls.routes)
    app.add_routes(admin_server.routes)
    app.add_routes(admin_stats.routes)
    app.add_routes(directory.routes)
    app.add_routes(followers.routes)
    app.add_routes(federation_admin.routes)
    app.add_routes(admin_serverconfig.routes)
    app.add_routes(admin_config.routes)
    app.add_routes(admin_webhooks.routes)
    app.add_routes(admin_tokens.routes)
    app.add_routes(admin_stream.routes)
    app.add_routes(admin_storage_test.routes)
    app.add_routes(admin_preview.routes)
    app.add_routes(integrations.routes)
    app.on_response_prepare.append(integrations.allow_any_origin)
    app.add_routes(chat.routes)
    app.add_routes(admin_chat.routes)
    app.add_routes(chat_socket.routes)
    app.add_routes(metrics.routes)

    async def close_chat_sockets(_app: web.Application) -> None:
        # Runs after the listeners stop and before aiohttp waits for handlers; WebSocket handlers
        # would otherwise hold shutdown for its whole timeout.
        await svc.chat.close_sockets()

    app.on_shutdown.append(close_chat_sockets)

    async def page_context() -> PageContext:
        config = svc.config.current
        online = svc.lifecycle.online
        return PageContext(
            server_name=config.server_name,
            summary=config.server_summary,
            tags=tuple(config.tags),
            logo_url="/logo",
            thumbnail_url="/thumbnail.jpg" if online else "/logo",
            online=online,
            base_url=config.server_url,
        )

    setup_pages(app, page_context)
    setup_admin_pages(app, admin_access, svc.config)
    return app
