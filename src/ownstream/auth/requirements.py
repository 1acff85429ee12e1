"""What a route asks of its caller, declared on the route's handler and enforced by one middleware
(auth/route_security.py).

    @routes.route("*", "/api/integrations/streamtitle")
    @requires(Integration(HAS_ADMIN_ACCESS))
    async def set_stream_title(request: web.Request) -> web.Response: ...

The declarations are Owncast's security schemes (the spec's `securitySchemes`), so the contract test reads
them back and compares them with the spec: `Admin` is `AdminBasicAuth`, `ChatUser` is `UserToken`,
`Moderator` is `ModeratorUserToken`, `Integration(scope)` is `AccessToken` with that scope, `Public` is none.
`MetricsScraper` is ours (`/metrics`, `OWNSTREAM_METRICS_TOKEN`), and so are the admin dashboard's
`DashboardPage` and `DashboardEntry` (`/admin/…`), and `HttpSignature` (a fediverse server posting to
our inboxes). A new kind of caller is a new `Requirement` subclass and a gate for it in the
middleware's table.

Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

F = TypeVar("F", bound=Callable[..., object])

_ATTRIBUTE = "__ownstream_requirement__"


@dataclass(frozen=True)
class Requirement:
    scheme: ClassVar[str | None] = None
    """The spec's security scheme this is, or None (no security / not in the spec)."""
    admin_grade: ClassVar[bool] = False
    """May stand under the admin prefixes (`/api/admin/`, `/admin`); anything else there is held to
    `Admin`, whatever it declares."""
    answers_preflight: ClassVar[bool] = False
    """Its gate answers a CORS preflight (`OPTIONS`) itself, 204 before any credential check (the admin
    and the integrations, reference §2, newer §1), so the route answers `OPTIONS` whatever methods it
    registered."""


@dataclass(frozen=True)
class Public(Requirement):
    """Anyone. The handler may still have rules of its own (the chat socket's admission, which answers
    inside the WebSocket protocol rather than with a 401)."""


@dataclass(frozen=True)
class Admin(Requirement):
    """The admin: HTTP Basic `admin` / the stream key, or the dashboard's session cookie (with a CSRF
    token on anything that changes state)."""

    scheme: ClassVar[str | None] = "AdminBasicAuth"
    admin_grade: ClassVar[bool] = True
    answers_preflight: ClassVar[bool] = True


@dataclass(frozen=True)
class DashboardPage(Requirement):
    """The admin, on a page of the dashboard (`/admin/…`): a session cookie or HTTP Basic, as for
    `Admin`; without them the login page (401, no Basic challenge, so the browser shows our form)."""

    admin_grade: ClassVar[bool] = True


@dataclass(frozen=True)
class DashboardEntry(Requirement):
    """Anyone, under `/admin`: what a visitor who is not logged in needs to get in (the `/admin`
    redirect, the login and logout forms, the dashboard's static files). The handlers keep their own
    rules (the login's back-off and cross-site check, the logout's CSRF token)."""

    admin_grade: ClassVar[bool] = True


@dataclass(frozen=True)
class ChatUser(Requirement):
    """A registered chat user's token in `?accessToken=`, not disabled."""

    scheme: ClassVar[str | None] = "UserToken"


@dataclass(frozen=True)
class Moderator(Requirement):
    """A chat user (as `ChatUser`) who is a moderator."""

    scheme: ClassVar[str | None] = "ModeratorUserToken"


@dataclass(frozen=True)
class Integration(Requirement):
    """An integration access token (`Authorization: Bearer`) holding `scope`, not deleted."""

    scheme: ClassVar[str | None] = "AccessToken"
    answers_preflight: ClassVar[bool] = True
    scope: str


@dataclass(frozen=True)
class MetricsScraper(Requirement):
    """A Prometheus scraper holding `OWNSTREAM_METRICS_TOKEN` (`Authorization: Bearer`)."""


@dataclass(frozen=True)
class HttpSignature(Requirement):
    """A fediverse server, by a draft-cavage HTTP signature over the request and its body, made with a
    key its actor publishes (federation/verifier.py). While federation is off nothing is checked and the
    route answers for itself (405)."""


def requires(requirement: Requirement) -> Callable[[F], F]:
    """Declare what the handler's route asks of its caller."""

    def declare(handler: F) -> F:
        setattr(handler, _ATTRIBUTE, requirement)
        return handler

    return declare


public = requires(Public())
"""`@public`: the route is open to anyone."""


def declared_requirement(handler: object) -> Requirement | None:
    """The handler's declaration, or None when it has none (bound methods read their function's)."""
    requirement = getattr(handler, _ATTRIBUTE, None)
    return requirement if isinstance(requirement, Requirement) else None
