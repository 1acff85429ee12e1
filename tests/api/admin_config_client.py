"""A small client for the admin config API, shared by the config and serverconfig tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.harness import RunningServer, admin_auth


@dataclass
class SetterReply:
    status: int
    body: Any

    @property
    def message(self) -> str:
        return str(self.body["message"])


@dataclass
class AdminConfigClient:
    http: aiohttp.ClientSession
    server: RunningServer
    stream_key: str = "abc123"

    def url(self, path: str) -> str:
        return self.server.base_url + path

    async def set(self, setter: str, value: Any, method: str = "POST") -> SetterReply:
        return await self.send(setter, json.dumps({"value": value}).encode(), method)

    async def send(self, setter: str, body: bytes, method: str = "POST") -> SetterReply:
        headers = {**admin_auth(self.stream_key), "Content-Type": "application/json"}
        async with self.http.request(
            method, self.url("/api/admin/config/" + setter), data=body, headers=headers
        ) as response:
            return SetterReply(response.status, await response.json())

    async def server_config(self) -> dict[str, Any]:
        async with self.http.get(
            self.url("/api/admin/serverconfig"), headers=admin_auth(self.stream_key)
        ) as r:
            assert r.status == 200
            document: dict[str, Any] = await r.json()
            return document

    async def public_config(self) -> dict[str, Any]:
        async with self.http.get(self.url("/api/config")) as response:
            assert response.status == 200
            document: dict[str, Any] = await response.json()
            return document

    async def expect_ok(self, setter: str, value: Any, message: str) -> None:
        reply = await self.set(setter, value)
        assert (reply.status, reply.body) == (200, {"success": True, "message": message}), setter

    async def expect_rejected(self, setter: str, value: Any, message: str | None = None) -> str:
        """A 400 simple response that changes nothing; returns its message."""
        before = await self.server_config()
        reply = await self.set(setter, value)
        assert reply.status == 400, (setter, value, reply.body)
        assert reply.body["success"] is False and isinstance(reply.body["message"], str)
        if message is not None:
            assert reply.message == message
        assert await self.server_config() == before
        return reply.message
