"""One real server for the contract tests, on its own loop in a thread, with credentials of every kind."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from aiohttp import web

from tests.harness import admin_auth, running_server

SPEC = Path(__file__).with_name("openapi.yaml")
SCOPES = ("CAN_SEND_MESSAGES", "CAN_SEND_SYSTEM_MESSAGES", "HAS_ADMIN_ACCESS")
SCOPE_OF = {
    "/api/integrations/streamtitle": "HAS_ADMIN_ACCESS",
    "/api/integrations/chat/send": "CAN_SEND_MESSAGES",
    "/api/integrations/chat/system": "CAN_SEND_SYSTEM_MESSAGES",
    "/api/integrations/chat/action": "CAN_SEND_SYSTEM_MESSAGES",
    "/api/integrations/chat/system/client/{clientId}": "CAN_SEND_SYSTEM_MESSAGES",
    "/api/integrations/clients": "HAS_ADMIN_ACCESS",
    "/api/integrations/chat": "HAS_ADMIN_ACCESS",
    "/api/integrations/chat/updatemessagevisibility": "HAS_ADMIN_ACCESS",
}


@dataclass
class LiveServer:
    base_url: str
    app: web.Application
    """The server's application: its router, read for the routes' security declarations."""
    user_token: str = ""
    moderator_token: str = ""
    integration_tokens: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(self.base_url + path, timeout=10, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> requests.Response:
        return requests.post(self.base_url + path, timeout=10, **kwargs)  # type: ignore[arg-type]


def _serve_in_thread(
    data_dir: Path,
) -> tuple[str, web.Application, Callable[[], None], threading.Thread]:
    ready: list[tuple[str, web.Application, asyncio.AbstractEventLoop, asyncio.Event]] = []
    started = threading.Event()

    async def main() -> None:
        stop = asyncio.Event()
        async with running_server(data_dir) as running:
            assert running.server.web_app is not None
            ready.append((running.base_url, running.server.web_app, asyncio.get_running_loop(), stop))
            started.set()
            await stop.wait()

    thread = threading.Thread(target=lambda: asyncio.run(main()), name="contract-server", daemon=True)
    thread.start()
    if not started.wait(30):
        raise RuntimeError("the contract test server did not start")
    base_url, app, loop, stop = ready[0]

    def stop_server() -> None:
        loop.call_soon_threadsafe(stop.set)

    return base_url, app, stop_server, thread


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base_url, app, stop, thread = _serve_in_thread(tmp_path_factory.mktemp("contract") / "data")
    server = LiveServer(base_url, app)
    admin = admin_auth()
    # `/api/yp` answers 404 while the directory is off, as the real server does.
    for setting, value in (("serverurl", "https://live.example.org"), ("directoryenabled", True)):
        response = requests.post(
            base_url + f"/api/admin/config/{setting}", json={"value": value}, headers=admin, timeout=10
        )
        assert response.status_code == 200, response.text
    server.user_token = requests.post(base_url + "/api/chat/register", json={}, timeout=10).json()[
        "accessToken"
    ]
    moderator = requests.post(base_url + "/api/chat/register", json={"displayName": "mod"}, timeout=10).json()
    response = requests.post(
        base_url + "/api/admin/chat/users/setmoderator",
        json={"userId": moderator["id"], "isModerator": True},
        headers=admin,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    server.moderator_token = moderator["accessToken"]
    for scope in SCOPES:
        response = requests.post(
            base_url + "/api/admin/accesstokens/create",
            json={"name": f"bot-{scope.lower()}", "scopes": [scope]},
            headers=admin,
            timeout=10,
        )
        assert response.status_code == 200, response.text
        server.integration_tokens[scope] = response.json()["accessToken"]
    yield server
    stop()
    thread.join(30)
