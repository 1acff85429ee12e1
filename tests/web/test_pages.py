"""Routing of the browser-facing pages, through an in-test aiohttp app serving the real bundle."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from ownstream.web.bundle import Bundle, FrontEndNotBuilt
from ownstream.web.pages import CONTENT_SECURITY_POLICY, PageContext, setup_pages

ClientFactory = Callable[[web.Application], Awaitable[TestClient[web.Request, web.Application]]]

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
HOSTILE_NAME = '<script>alert("x")</script> & "friends"'


@pytest.fixture
def page_context() -> PageContext:
    return PageContext(
        server_name="Night Radio",
        summary="Live jazz\nevery Friday.",
        tags=("jazz", "music"),
        online=False,
    )


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, built_bundle: Bundle, page_context: PageContext
) -> TestClient[web.Request, web.Application]:
    app = web.Application()

    async def context() -> PageContext:
        return page_context

    setup_pages(app, context, static_root=built_bundle.root)
    return await aiohttp_client(app)


def assert_page_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Permissions-Policy"] == "interest-cohort=()"
    csp = headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in csp
    assert "worker-src 'self' blob:" in csp
    assert "media-src 'self' blob: https: http:" in csp
    assert "style-src 'self' 'unsafe-inline'" in csp


@pytest.mark.parametrize("path", ["/", "/recordings", "/schedule"])
async def test_index_serves_the_app_shell(
    client: TestClient[web.Request, web.Application], path: str
) -> None:
    response = await client.get(path, headers={"User-Agent": FIREFOX})
    assert response.status == 200
    assert response.content_type == "text/html"
    assert_page_headers(response)
    html = await response.text()
    assert '<div id="app">' in html
    assert '<img id="loading-logo" src="/logo"' in html
    assert '<base target="_blank">' in html
    assert "<noscript>" in html and "mpv" in html and "VLC" in html
    assert "<title>Night Radio</title>" in html
    assert re.search(r'<script type="module" src="/static/main-[\w-]+\.js"></script>', html)
    assert "<script>" not in html, "no inline script: the CSP forbids it"


async def test_title_is_escaped(
    client: TestClient[web.Request, web.Application],
    page_context: PageContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    object.__setattr__(page_context, "server_name", HOSTILE_NAME)
    html = await (await client.get("/", headers={"User-Agent": FIREFOX})).text()
    assert (
        "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;friends&quot;</title>" in html
    )
    assert "<script>alert" not in html


async def test_embed_video_page(client: TestClient[web.Request, web.Application]) -> None:
    response = await client.get("/embed/video", headers={"User-Agent": CHROME_ANDROID})
    assert response.status == 200
    assert_page_headers(response)
    html = await response.text()
    assert re.search(r'src="/static/embed-video-[\w-]+\.js"', html)
    assert 'id="loading-logo"' in html


@pytest.mark.parametrize("path", ["/embed/chat", "/embed/chat/readonly", "/embed/chat/readwrite"])
async def test_chat_embed_pages(client: TestClient[web.Request, web.Application], path: str) -> None:
    response = await client.get(path, headers={"User-Agent": FIREFOX})
    assert response.status == 200
    assert response.content_type == "text/html"
    assert_page_headers(response)
    assert "connect-src 'self' https: http: ws: wss:" in response.headers["Content-Security-Policy"]
    html = await response.text()
    assert re.search(r'<script type="module" src="/static/embed-chat-[\w-]+\.js"></script>', html)
    assert "<title>Night Radio</title>" in html
    assert "<script>" not in html, "no inline script: the CSP forbids it"


async def test_chat_embed_has_no_player(client: TestClient[web.Request, web.Application]) -> None:
    """The chat embeds load neither hls.js nor the player (the bundle splits them off)."""
    html = await (await client.get("/embed/chat/readonly")).text()
    for url in re.findall(r'(?:src|href)="(/static/[^"]+\.js)"', html):
        assert "hls-worker" not in await (await client.get(url)).text()


@pytest.mark.parametrize("path", ["/embed/chat/", "/embed/chat/other", "/embed/chatroom"])
async def test_other_chat_paths_are_404(client: TestClient[web.Request, web.Application], path: str) -> None:
    assert (await client.get(path)).status == 404


@pytest.mark.parametrize(
    "user_agent",
    [
        "mpv 0.38.0",
        "VLC/3.0.20 LibVLC/3.0.20",
        "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; en_us)",
        "NSPlayer/12.00.22621.2506 WMFSDK/12.00.22621.2506",
    ],
)
async def test_media_players_are_sent_to_the_playlist(
    client: TestClient[web.Request, web.Application], user_agent: str
) -> None:
    response = await client.get("/", headers={"User-Agent": user_agent}, allow_redirects=False)
    assert response.status == 307
    assert response.headers["Location"] == "/hls/stream.m3u8"


CRAWLERS = [
    "Mastodon/4.2.8 (http.rb/5.1.1; +https://mastodon.social/)",
    "Pleroma 2.6.2; https://pleroma.example <admin@pleroma.example>",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0 A",
    "Synapse/1.100.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Iframely/1.3.1 (+https://iframely.com/docs/about) Atlassian",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; SomeNewPreviewBot/0.3; +https://previews.example)",
]


def assert_preview_meta(html: str, origin: str) -> None:
    assert '<meta property="og:title" content="Night Radio">' in html
    assert '<meta property="og:description" content="Live jazz every Friday.">' in html
    assert '<meta name="description" content="Live jazz every Friday.">' in html
    assert f'<meta property="og:image" content="{origin}/logo/external">' in html
    assert '<meta property="og:image:type" content="image/png">' in html
    assert f'<meta property="og:video" content="{origin}/embed/video">' in html
    assert '<meta property="video:tag" content="jazz">' in html
    assert '<meta name="twitter:card" content="player">' in html
    assert f'<meta name="twitter:image" content="{origin}/logo/external">' in html


@pytest.mark.parametrize("user_agent", CRAWLERS)
async def test_bots_get_a_metadata_page(
    client: TestClient[web.Request, web.Application], user_agent: str
) -> None:
    response = await client.get("/", headers={"User-Agent": user_agent})
    assert response.status == 200
    assert_page_headers(response)
    html = await response.text()
    assert_preview_meta(html, f"http://{client.host}:{client.port}")
    assert "<script" not in html
    assert '<div id="app">' not in html


@pytest.mark.parametrize("user_agent", [FIREFOX, CHROME_ANDROID])
async def test_the_app_page_carries_the_same_metadata(
    client: TestClient[web.Request, web.Application], user_agent: str
) -> None:
    html = await (await client.get("/", headers={"User-Agent": user_agent})).text()
    assert '<div id="app">' in html
    head = html.split("</head>", 1)[0]
    assert_preview_meta(head, f"http://{client.host}:{client.port}")
    assert "<!-- meta -->" not in html and "<!-- custom-javascript -->" in html


async def test_bot_page_uses_the_thumbnail_while_live_and_the_configured_url(
    client: TestClient[web.Request, web.Application], page_context: PageContext
) -> None:
    object.__setattr__(page_context, "online", True)
    object.__setattr__(page_context, "base_url", "https://live.example.org/")
    html = await (await client.get("/", headers={"User-Agent": "WhatsApp/2.23"})).text()
    assert '<meta property="og:image" content="https://live.example.org/thumbnail.jpg">' in html
    assert '<meta property="og:video" content="https://live.example.org/embed/video">' in html
    assert '<meta property="og:video:secure_url" content="https://live.example.org/embed/video">' in html


async def test_bot_page_escapes_everything(
    client: TestClient[web.Request, web.Application], page_context: PageContext
) -> None:
    object.__setattr__(page_context, "server_name", HOSTILE_NAME)
    object.__setattr__(page_context, "summary", '"><img src=x onerror=alert(1)>')
    object.__setattr__(page_context, "tags", ('"><script>t()</script>',))
    html = await (await client.get("/", headers={"User-Agent": "Mastodon/4.2"})).text()
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;friends&quot;" in html
    assert 'content="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html


async def test_assets_are_served_with_long_caching(client: TestClient[web.Request, web.Application]) -> None:
    html = await (await client.get("/", headers={"User-Agent": FIREFOX})).text()
    script = re.search(r'<script type="module" src="(/static/[^"]+)"', html)
    style = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', html)
    assert script and style
    js = await client.get(script.group(1))
    assert js.status == 200
    assert js.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert js.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    css = await client.get(style.group(1))
    assert css.status == 200
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    # The hls.js worker the bundle points at is served too.
    bundle_text = await js.text()
    chunks = re.findall(r'from"\./(chunk-[\w-]+\.js)"', bundle_text)
    worker_found = False
    for chunk in chunks:
        text = await (await client.get(f"/static/{chunk}")).text()
        worker = re.search(r"/static/(hls-worker-\w+\.js)", text)
        if worker:
            worker_found = (await client.get(f"/static/{worker.group(1)}")).status == 200
    assert worker_found


@pytest.mark.parametrize("name", ["missing.js", "..%2Fpages.py", ".hidden", "index.html"])
async def test_unknown_assets_are_404(client: TestClient[web.Request, web.Application], name: str) -> None:
    assert (await client.get(f"/static/{name}")).status == 404


def test_missing_bundle_is_a_clear_startup_error(tmp_path: Path) -> None:
    async def context() -> PageContext:
        raise AssertionError("not called")

    with pytest.raises(FrontEndNotBuilt, match=r"npm ci && npm run build"):
        setup_pages(web.Application(), context, static_root=tmp_path)
