"""`/api/admin/serverconfig`: Owncast's shape, raw values, and every setting surviving a restart."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import aiohttp

from ownstream.transcode.ffmpeg_binary import bundled_ffmpeg_path
from tests.api.admin_config_client import AdminConfigClient
from tests.harness import RunningServer, admin_auth, running_server

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


async def test_default_document(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.post(server.base_url + "/api/admin/serverconfig", headers=admin_auth()) as response:
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-cache, no-store, must-revalidate"
        assert response.headers["Expires"] == "Thu, 1 Jan 1970 00:00:00 GMT"
        config: dict[str, Any] = await response.json()
    assert set(config) == {
        "instanceDetails", "ffmpegPath", "streamKey", "webServerPort", "webServerIP", "rtmpServerPort", "s3",
        "videoSettings", "yp", "chatDisabled", "externalActions", "supportedCodecs", "videoCodec",
        "forbiddenUsernames", "suggestedUsernames", "federation", "adminOrigins", "hideViewerCount",
        "notifications",
        "adminPassword", "streamKeys", "streamKeyOverridden", "chatJoinMessagesEnabled",
        "chatEstablishedUserMode", "chatSpamProtectionEnabled", "chatSlurFilterEnabled",
        "disableSearchIndexing", "videoServingEndpoint", "chatRequireAuthentication", "schedule",
        "replays", "clips",
    }  # fmt: skip
    details = config["instanceDetails"]
    assert set(details) == {
        "name", "summary", "welcomeMessage", "logo", "tags", "version", "nsfw", "extraPageContent",
        "streamTitle", "socialHandles", "customStyles", "offlineMessage", "customJavascript",
        "appearanceVariables",
    }  # fmt: skip
    assert details["version"] == "" and details["logo"] == "logo.svg"
    assert not details["summary"].startswith("<p>"), "raw Markdown, not rendered"
    assert config["ffmpegPath"] == bundled_ffmpeg_path()
    assert (config["streamKey"], config["webServerPort"], config["webServerIP"]) == (
        "abc123",
        8080,
        "0.0.0.0",
    )
    assert config["rtmpServerPort"] == 1935
    assert config["adminOrigins"] == []
    assert config["s3"] == {"enabled": False, "forcePathStyle": False}
    assert config["videoSettings"] == {
        "videoQualityVariants": [
            {
                "name": "1.2Mbps@24fps",
                "videoPassthrough": False,
                "audioPassthrough": True,
                "videoBitrate": 1200,
                "audioBitrate": 0,
                "framerate": 24,
                "cpuUsageLevel": 2,
            }
        ],
        "latencyLevel": 2,
    }
    assert config["yp"] == {"enabled": False, "instanceUrl": ""}
    assert "libx264" in config["supportedCodecs"] and config["videoCodec"] == "libx264"
    assert config["forbiddenUsernames"] == ["owncast", "operator", "admin", "system"]
    assert config["federation"]["username"] == "streamer" and config["federation"]["showEngagement"] is True


async def test_needs_admin(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/admin/serverconfig") as response:
        assert response.status == 401


SETTINGS: list[tuple[str, Any]] = [
    ("name", "Restart Radio"),
    ("serversummary", "Summary *kept*"),
    ("pagecontent", "Page kept"),
    ("logo", "data:image/png;base64," + base64.b64encode(PNG).decode()),
    ("tags", ["one", "two"]),
    ("nsfw", True),
    ("directoryenabled", True),
    ("serverurl", "https://kept.example"),
    ("socialhandles", [{"platform": "twitch", "url": "https://twitch.tv/kept"}]),
    ("externalactions", [{"url": "https://kept.example/a", "title": "A", "openExternally": True}]),
    ("customstyles", "h1 { color: red; }"),
    ("offlinemessage", "Back *soon*"),
    ("customjavascript", "console.log('kept')"),
    ("hideviewercount", True),
    ("chat/joinmessagesenabled", False),
    ("chat/establishedusermode", True),
    ("chat/spamprotectionenabled", False),
    ("chat/slurfilterenabled", True),
    ("chat/requireauthentication", True),
    ("disablesearchindexing", True),
    ("sockethostoverride", "wss://chat.kept"),
    ("videoservingendpoint", "https://cdn.kept"),
    ("appearance", {"accent": "#123456"}),
    ("webserverport", 9191),
    ("webserverip", "::1"),
    ("rtmpserverport", 1999),
    ("adminorigins", ["https://admin.kept.example"]),
    ("video/streamlatencylevel", 0),
    ("video/streamoutputvariants", [{"videoPassthrough": True}, {"videoBitrate": 600, "scaledWidth": 640}]),
    (
        "s3",
        {
            "enabled": True,
            "endpoint": "https://s3.kept",
            "accessKey": "a",
            "secret": "s",
            "bucket": "b",
            "region": "r",
        },
    ),
    ("federation/enable", True),
    ("federation/private", True),
    ("federation/showengagement", False),
    ("federation/username", "kept"),
    ("federation/livemessage", "kept live"),
    ("federation/blockdomains", ["kept.example"]),
    ("notifications/browser", {"enabled": False, "goLiveMessage": "kept push"}),
    (
        "notifications/discord",
        {"enabled": True, "webhook": "https://discord.kept/hook", "goLiveMessage": "kept"},
    ),
    ("replays/enabled", False),
    ("replays/reconnectwindow", 30),
    ("replays/retention", {"days": 30, "bytes": 5 * 1024**3}),
    ("clips/enabled", False),
    ("clips/maxduration", 90),
    ("clips/permission", "everyone"),
    ("replays/dvrwindow", 600),
    # Scheduled streams (Owncast's development branch, newer §14.1)
    ("schedule/enabled", True),
    ("schedule/showcountdown", True),
    ("schedule/chatopenminutes", 30),
    ("schedule/remindermessage", "kept reminder"),
    ("schedule/firstreminderminutes", 60),
    ("schedule/secondreminderminutes", 30),
    ("key", "kept-key"),  # last: it changes the admin password
]


async def test_restart_keeps_every_setting(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server)
        defaults = await admin.server_config()
        ffmpeg_link = tmp_path / "ffmpeg"
        ffmpeg_link.symlink_to(bundled_ffmpeg_path())
        codec = defaults["supportedCodecs"][-1]
        for setter, value in [("ffmpegpath", str(ffmpeg_link)), ("video/codec", codec), *SETTINGS]:
            reply = await admin.set(setter, value)
            assert reply.status == 200, (setter, reply.body)
        admin.stream_key = "kept-key"
        # Newer Owncast's key list and admin password (the list keeps kept-key as the password first).
        keys = [{"key": "kept-key", "comment": "kept"}, {"key": "second-kept", "comment": ""}]
        for setter, value in [("streamkeys", keys), ("adminpass", "kept-password")]:
            reply = await admin.set(setter, value)
            assert reply.status == 200, (setter, reply.body)
        admin.stream_key = "kept-password"
        before = await admin.server_config()
        public_before = await admin.public_config()
    changed = {key for key in before if before[key] != defaults.get(key)}
    unchanged_here = {"videoCodec"} if codec == "libx264" else set()
    assert changed >= set(defaults) - unchanged_here - {
        "chatDisabled",
        "forbiddenUsernames",
        "suggestedUsernames",
        "supportedCodecs",
        "streamKeyOverridden",  # the --streamkey flag's, not stored
    }

    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server, stream_key="kept-password")
        assert await admin.server_config() == before
        assert await admin.public_config() == public_before
        async with http.get(admin.url("/logo")) as response:
            assert (response.headers["Content-Type"], await response.read()) == ("image/png", PNG)
