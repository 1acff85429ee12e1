"""A stand-in IndieAuth provider on loopback, over HTTPS with a throw-away authority
(tests/federation/tls.py): profile pages naming its authorization endpoint (in the HTML, in a `Link`
header, behind a redirect, or not at all), the endpoint's GET (the user "approves" at once: 302 back to
the client's redirect URI with a code and the state) and its POST (the code checked with the client id,
the redirect URI and the PKCE verifier, as an IndieAuth server does; then `{"me": …}`)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import ssl
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from yarl import URL

from tests.federation.tls import TestCertificates


@dataclass
class IssuedCode:
    client_id: str
    redirect_uri: str
    challenge: str
    me: str


@dataclass
class IndieAuthProvider:
    certificates: TestCertificates
    port: int = 0
    codes: dict[str, IssuedCode] = field(default_factory=dict)
    authorization_requests: list[dict[str, str]] = field(default_factory=list)
    verifications: list[dict[str, str]] = field(default_factory=list)
    answer_me: str | None = None
    """Vouch for this profile instead of the one asked about (a lying or confused provider)."""
    _runner: web.AppRunner | None = None

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def profile(self, page: str = "profile") -> str:
        return f"{self.origin}/{page}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/profile", self._profile)
        app.router.add_get("/by-header", self._by_header)
        app.router.add_get("/moved", self._moved)
        app.router.add_get("/plain-page", self._plain_page)
        app.router.add_get("/auth", self._authorize)
        app.router.add_post("/auth", self._verify)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificates.cert, self.certificates.key)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _profile(self, _request: web.Request) -> web.Response:
        html = (
            "<!doctype html><html><head><title>Me</title>"
            '<link rel="authorization_endpoint" href="https://unused.invalid/auth">'
            '<link rel="authorization_endpoint" href="/auth">'  # the last one counts (Owncast's rule)
            "</head><body>hello</body></html>"
        )
        return web.Response(text=html, content_type="text/html")

    async def _by_header(self, _request: web.Request) -> web.Response:
        return web.Response(
            text="<p>no links in the page</p>",
            content_type="text/html",
            headers={"Link": f'<{self.origin}/auth>; rel="authorization_endpoint"'},
        )

    async def _moved(self, _request: web.Request) -> web.Response:
        raise web.HTTPFound("/profile")

    async def _plain_page(self, _request: web.Request) -> web.Response:
        return web.Response(text="<p>just a page</p>", content_type="text/html")

    async def _authorize(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        self.authorization_requests.append(query)
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return web.Response(status=400, text="bad request")
        code = secrets.token_urlsafe(12)
        self.codes[code] = IssuedCode(
            query["client_id"], query["redirect_uri"], query["code_challenge"], query["me"]
        )
        back = URL(query["redirect_uri"]).update_query(code=code, state=query["state"])
        raise web.HTTPFound(str(back))

    async def _verify(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        self.verifications.append(form)
        issued = self.codes.pop(form.get("code", ""), None)
        error: dict[str, Any] | None = None
        if issued is None or form.get("grant_type") != "authorization_code":
            error = {"error": "invalid_grant"}
        elif form.get("client_id") != issued.client_id or form.get("redirect_uri") != issued.redirect_uri:
            error = {"error": "invalid_client"}
        else:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != issued.challenge:
                error = {"error": "invalid_grant", "error_description": "code verifier is incorrect"}
        if error is not None or issued is None:
            return web.json_response(error, status=400)
        return web.json_response({"me": self.answer_me or issued.me})
