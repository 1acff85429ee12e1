"""The one middleware that enforces each route's declared requirement (auth/requirements.py).

For every request: the matched route's declaration picks a gate from the table the composition root
hands in, and the gate admits the caller (calling the handler) or answers for itself (401, 403, 204 to a
preflight). Beside the declarations stands a default-deny: everything under the admin prefixes
(`/api/admin/`, `/admin`) is held to `Admin` unless it declares an admin-grade requirement, so a route
someone forgot to declare there, a mis-declared one and a path no route matches all answer 401 without
credentials.

A CORS preflight (`OPTIONS`) to a route that registered other methods only is held to what those
methods declare when that gate answers preflights itself (`Admin`, `Integration`: 204 before any
credential check, reference §2 and newer §1), so every admin and integration route answers `OPTIONS`,
not only those registered for any method.

Elsewhere a path no route matches goes on to aiohttp's own 404/405. A matched route without a
declaration is a bug: `check_declarations` refuses to build such an app, and should one slip past it
(a route added later), the middleware refuses the request with a 500 rather than serve it unguarded.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Protocol

from aiohttp import web
from aiohttp.typedefs import Middleware
from aiohttp.web_urldispatcher import MatchInfoError

from ownstream.auth.admin import is_admin_path
from ownstream.auth.requirements import Admin, Public, Requirement, declared_requirement

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ADMIN = Admin()
PUBLIC = Public()


class Gate(Protocol):
    async def serve(
        self, request: web.Request, requirement: Requirement, handler: Handler
    ) -> web.StreamResponse:
        """Call `handler` for an admitted caller, or answer the request itself."""


class OpenGate:
    """`Public`: everyone is admitted."""

    async def serve(
        self, request: web.Request, _requirement: Requirement, handler: Handler
    ) -> web.StreamResponse:
        return await handler(request)


class RouteNotDeclared(RuntimeError):
    """A route has no security declaration (a bug in the route module, not the caller's doing)."""


def effective_requirement(path: str, declared: Requirement | None) -> Requirement | None:
    """What the request to `path` must satisfy: the declaration, held to `Admin` under the admin
    prefixes. None only for an undeclared route outside them."""
    if is_admin_path(path) and (declared is None or not declared.admin_grade):
        return ADMIN
    return declared


def route_security(gates: Mapping[type[Requirement], Gate]) -> Middleware:
    table = dict(gates)
    missing = {Admin, Public} - table.keys()
    if missing:
        raise ValueError(f"no gate for {', '.join(sorted(kind.__name__ for kind in missing))}")

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        match_info = request.match_info
        unmatched = isinstance(match_info, MatchInfoError)
        declared = None if unmatched else declared_requirement(match_info.handler)
        requirement = effective_requirement(request.path, declared)
        if unmatched and requirement is None and request.method == "OPTIONS":
            requirement = await preflight_requirement(request)
        if requirement is None:
            if unmatched:
                requirement = PUBLIC  # aiohttp's 404 / 405
            else:
                resource = match_info.route.resource
                where = resource.canonical if resource is not None else request.path
                raise RouteNotDeclared(f"{request.method} {where} has no security declaration")
        gate = table.get(type(requirement))
        if gate is None:
            raise RouteNotDeclared(f"no gate enforces {requirement!r}")
        return await gate.serve(request, requirement, handler)

    return middleware


async def preflight_requirement(request: web.Request) -> Requirement | None:
    """For an `OPTIONS` the router refused 405: the requirement of the route's other methods whose gate
    answers preflights (the first such, in the order of the methods), or None."""
    error = request.match_info.http_exception
    if not isinstance(error, web.HTTPMethodNotAllowed):
        return None
    for method in sorted(error.allowed_methods):
        match = await request.app.router.resolve(request.clone(method=method))
        if isinstance(match, MatchInfoError):
            continue
        requirement = effective_requirement(request.path, declared_requirement(match.handler))
        if requirement is not None and requirement.answers_preflight:
            return requirement
    return None


def route_declarations(app: web.Application) -> Iterator[tuple[web.AbstractRoute, Requirement | None]]:
    """Every route of `app` with its declaration (None when it has none)."""
    for route in app.router.routes():
        yield route, declared_requirement(route.handler)


def check_declarations(app: web.Application) -> None:
    """Raise `RouteNotDeclared` naming every route that has no declaration and is not under the admin
    prefixes (where the default-deny covers it)."""
    undeclared = [
        f"{route.method} {route.resource.canonical if route.resource else '?'}"
        for route, declared in route_declarations(app)
        if declared is None and not (route.resource and is_admin_path(route.resource.canonical))
    ]
    if undeclared:
        raise RouteNotDeclared("routes without a security declaration: " + ", ".join(undeclared))
