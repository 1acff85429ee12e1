"""The aiohttp application: middlewares (errors, route security) and every route module.

Route security: each route declares what it asks of its caller (auth/requirements.py); the table below
says which gate enforces each kind of declaration. The admin gate takes Basic and the dashboard's session
cookie; the dashboard's pages have a gate of their own that answers with the login page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from aiohttp import web

from ownstream.api.errors import error_middleware
from ownstream.api.newer_methods import NewerMethodRule
from ownstream.api.routes import (
    admin_chat,
    admin_config,
    admin_favicon,
    admin_ip_bans,
    admin_preview,
    admin_restream,
    admin_server,
    admin_serverconfig,
    admin_stats,
    admin_storage_test,
    admin_stream,
    admin_tokens,
    admin_users,
    admin_webhooks,
    chat,
    chat_auth,
    chat_socket,
    clips,
    cmcd,
    directory,
    federation_actor,
    federation_admin,
    federation_discovery,
    followers,
    hls,
    integrations,
    metrics,
    notifications,
    playback_metrics,
    public,
    public_files,
    replays,
    schedule,
)
from ownstream.api.routes.admin_pages import AdminPages, setup_admin_pages
from ownstream.api.state import SERVICES, Services
from ownstream.auth.admin import AdminGate, BasicPassword
from ownstream.auth.admin_access import AdminAccess
from ownstream.auth.dashboard_gates import DashboardPageGate, SessionCookie
from ownstream.auth.dashboard_guard import DashboardGuard
from ownstream.auth.requirements import (
    Admin,
    ChatUser,
    DashboardEntry,
    DashboardPage,
    HttpSignature,
    Integration,
    MetricsScraper,
    Moderator,
    Public,
    Requirement,
)
from ownstream.auth.route_security import Gate, OpenGate, check_declarations, route_security
from ownstream.auth.signature_gate import HttpSignatureGate
from ownstream.auth.token_gates import (
    ChatUserGate,
    IntegrationGate,
    MetricsScraperGate,
    integration_any_origin,
)
from ownstream.markdown import plain_text
from ownstream.net.client_address import TRUSTED_PROXIES, TrustedProxies
from ownstream.web.pages import PageContext, setup_pages


def custom_javascript_url(script: str) -> str:
    """`/customjavascript` with a version of the script in the query (so no cache keeps an old one);
    empty when there is no script, so the page asks for nothing."""
    if not script.strip():
        return ""
    return f"/customjavascript?v={hashlib.sha256(script.encode()).hexdigest()[:12]}"


def admin_pages(svc: Services) -> AdminPages:
    """The dashboard's pages and the credential checks behind them. The login form, the cookie and Basic
    on the pages use the same cross-site rule and back-off as the admin API's Basic gate."""
    guard = DashboardGuard(svc.config, svc.login_throttle)
    return AdminPages.load(AdminAccess(svc.config, svc.admin_sessions, guard), svc.config)


def security_gates(svc: Services, pages: AdminPages | None = None) -> dict[type[Requirement], Gate]:
    """Which gate enforces each kind of declaration."""
    pages = pages if pages is not None else admin_pages(svc)
    chat_users = ChatUserGate(svc.chat.user_for_token, svc.chat.ip_bans.is_banned)
    open_gate = OpenGate()
    return {
        Public: open_gate,
        Admin: AdminGate(
            svc.config,
            [BasicPassword(pages.access.password, svc.login_throttle), SessionCookie(pages.access)],
        ),
        DashboardPage: DashboardPageGate(pages.access, pages.login_required),
        DashboardEntry: open_gate,
        ChatUser: chat_users,
        Moderator: chat_users,
        Integration: IntegrationGate(svc.tokens),
        MetricsScraper: MetricsScraperGate(svc.settings.metrics_token),
        HttpSignature: HttpSignatureGate(svc.inbox_verifier),
    }


def create_web_app(svc: Services, gates: Mapping[type[Requirement], Gate] | None = None) -> web.Application:
    """The application; `gates` replaces the table `security_gates` builds."""
    pages = admin_pages(svc)
    app = web.Application(
        middlewares=[
            error_middleware,
            NewerMethodRule().middleware,
            route_security(gates if gates is not None else security_gates(svc, pages)),
        ],
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
    app.add_routes(federation_discovery.routes)
    app.add_routes(federation_actor.routes)
    app.add_routes(admin_serverconfig.routes)
    app.add_routes(admin_config.routes)
    app.add_routes(admin_webhooks.routes)
    app.add_routes(admin_tokens.routes)
    app.add_routes(admin_stream.routes)
    app.add_routes(admin_storage_test.routes)
    app.add_routes(admin_preview.routes)
    app.add_routes(admin_restream.routes)
    app.add_routes(integrations.routes)
    app.on_response_prepare.append(integration_any_origin)
    app.add_routes(chat.routes)
    app.add_routes(admin_chat.routes)
    app.add_routes(admin_ip_bans.routes)
    app.add_routes(playback_metrics.routes)
    app.add_routes(cmcd.routes)
    app.add_routes(public_files.routes)
    app.add_routes(admin_favicon.routes)
    app.add_routes(chat_socket.routes)
    app.add_routes(metrics.routes)
    app.add_routes(notifications.routes)
    app.add_routes(admin_users.routes)
    app.add_routes(replays.routes)
    app.add_routes(clips.routes)
    app.add_routes(chat_auth.routes)
    app.add_routes(schedule.routes)
    app.add_routes(schedule.setter_routes)

    async def close_chat_sockets(_app: web.Application) -> None:
        # Runs after the listeners stop and before aiohttp waits for handlers; WebSocket handlers
        # would otherwise hold shutdown for its whole timeout.
        await svc.chat.close_sockets()

    app.on_shutdown.append(close_chat_sockets)

    async def page_context() -> PageContext:
        config = svc.config.current
        online = svc.lifecycle.online
        texts = await svc.page_texts.current()
        return PageContext(
            server_name=config.server_name,
            summary=plain_text(texts.summary),
            tags=tuple(config.tags),
            logo_url="/logo/external",
            thumbnail_url="/thumbnail.jpg" if online else "/logo/external",
            online=online,
            base_url=config.server_url,
            custom_javascript_url=custom_javascript_url(config.custom_javascript),
        )

    setup_pages(app, page_context)
    setup_admin_pages(app, pages)
    app.on_response_prepare.append(pages.access.renew_after_key_change)
    check_declarations(app)
    return app
