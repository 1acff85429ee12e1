"""The aiohttp application: middlewares (errors, admin gate) and every route module."""

from __future__ import annotations

from aiohttp import web

from ownstream.api.errors import error_middleware
from ownstream.api.routes import admin_server, hls, public
from ownstream.api.state import SERVICES, Services
from ownstream.auth.admin import admin_middleware
from ownstream.web.pages import PageContext, setup_pages


def create_web_app(svc: Services) -> web.Application:
    app = web.Application(
        middlewares=[error_middleware, admin_middleware(svc.config)],
        client_max_size=8 * 1024 * 1024,
    )
    app[SERVICES] = svc
    app.add_routes(public.routes)
    app.add_routes(hls.routes)
    app.add_routes(admin_server.routes)

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
    return app
