"""Logging in to the admin dashboard over HTTP, for tests (the cookie handled by hand: aiohttp's jar
refuses cookies from IP addresses)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import aiohttp

from ownstream.auth.session import COOKIE_NAME


@dataclass(frozen=True)
class DashboardSession:
    cookie: str
    """`ownstream_admin=<value>`, ready for a Cookie header."""
    csrf: str

    def headers(self, *, csrf: bool = True) -> dict[str, str]:
        headers = {"Cookie": self.cookie}
        if csrf:
            headers["X-CSRF-Token"] = self.csrf
        return headers


def cookie_from(response: aiohttp.ClientResponse) -> str:
    morsel = response.cookies[COOKIE_NAME]
    return f"{COOKIE_NAME}={morsel.value}"


async def csrf_of(http: aiohttp.ClientSession, base_url: str, cookie: str) -> str:
    async with http.get(base_url + "/admin/", headers={"Cookie": cookie}) as response:
        assert response.status == 200, await response.text()
        html = await response.text()
    match = re.search(r'<meta name="ownstream-csrf" content="([^"]*)">', html)
    assert match and match.group(1)
    return match.group(1)


async def log_in(http: aiohttp.ClientSession, base_url: str, password: str = "abc123") -> DashboardSession:
    async with http.post(base_url + "/admin/login", json={"password": password}) as response:
        assert response.status == 200, await response.text()
        cookie = cookie_from(response)
    return DashboardSession(cookie=cookie, csrf=await csrf_of(http, base_url, cookie))
