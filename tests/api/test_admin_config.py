"""Admin config setters on a real server: success messages, where the value shows, Owncast's errors.

One server for the module; each test checks only the values it sets itself.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from ownstream.transcode.ffmpeg_binary import bundled_ffmpeg_path
from tests.api.admin_config_client import AdminConfigClient
from tests.harness import admin_auth, running_server

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AdminConfigClient]:
    data_dir = tmp_path_factory.mktemp("admin-config") / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        yield AdminConfigClient(http, server)


async def test_page_texts_show_raw_in_serverconfig_and_rendered_in_config(admin: AdminConfigClient) -> None:
    await admin.expect_ok("name", "Night Shift Radio", "changed")
    await admin.expect_ok("serversummary", "Live **music** at https://example.com", "changed")
    await admin.expect_ok("pagecontent", "# Schedule\n\nEvery *Friday*.", "changed")
    await admin.expect_ok("customstyles", "body { color: orange; }", "custom styles updated")
    await admin.expect_ok("nsfw", True, "changed")
    details = (await admin.server_config())["instanceDetails"]
    assert details["name"] == "Night Shift Radio"
    assert details["summary"] == "Live **music** at https://example.com"
    assert details["extraPageContent"] == "# Schedule\n\nEvery *Friday*."
    assert details["customStyles"] == "body { color: orange; }"
    assert details["nsfw"] is True
    public = await admin.public_config()
    assert public["name"] == "Night Shift Radio"
    assert "<strong>music</strong>" in public["summary"]
    assert '<a href="https://example.com"' in public["summary"]
    assert public["extraPageContent"].startswith("<h1>Schedule</h1>")
    assert public["customStyles"] == "body { color: orange; }"
    assert public["nsfw"] is True
    await admin.expect_ok("nsfw", False, "changed")


async def test_tags(admin: AdminConfigClient) -> None:
    await admin.expect_ok("tags", ["#music", "  live ", "", "jazz,blues", "music"], "changed")
    assert (await admin.server_config())["instanceDetails"]["tags"] == ["music", "live", "jazz", "blues"]
    assert (await admin.public_config())["tags"] == ["music", "live", "jazz", "blues"]
    await admin.expect_rejected("tags", "music", "tags must be an array of strings")
    await admin.expect_rejected("tags", ["ok", 3], "tags must be an array of strings")


async def test_social_handles_get_icons_in_public_config(admin: AdminConfigClient) -> None:
    handles = [
        {"platform": "mastodon", "url": "https://mastodon.social/@me"},
        {"platform": "My blog", "url": "https://blog.example"},
    ]
    await admin.expect_ok("socialhandles", handles, "social handles updated")
    # Stored raw; `icon` is left out, not empty, where there is none (Owncast's Go `omitempty`), and
    # Owncast clients compare these objects strictly.
    assert (await admin.server_config())["instanceDetails"]["socialHandles"] == handles
    assert (await admin.public_config())["socialHandles"] == [
        {**handles[0], "icon": "/img/platformlogos/mastodon.svg"},
        handles[1],
    ]
    await admin.expect_rejected(
        "socialhandles", {"platform": "x"}, "unable to update social handles with provided values"
    )
    await admin.expect_rejected(
        "socialhandles",
        [{"platform": "x", "url": "ftp://x"}],
        "social handle 1: url must be an http or https URL",
    )


async def test_external_actions_any_method(admin: AdminConfigClient) -> None:
    action = {
        "url": "https://shop.example/merch",
        "title": "Merch",
        "description": "Shirts",
        "icon": "https://shop.example/icon.png",
        "color": "#336699",
        "openExternally": True,
    }
    reply = await admin.set("externalactions", [action], method="PUT")
    assert (reply.status, reply.message) == (200, "external actions update")
    assert (await admin.server_config())["externalActions"] == [action]
    assert (await admin.public_config())["externalActions"] == [action]
    await admin.expect_rejected(
        "externalactions", [{"url": "https://a.example"}], "external action 1: title is required"
    )
    await admin.expect_rejected(
        "externalactions",
        [{"url": "/relative", "title": "x"}],
        "external action 1: url must be an http or https URL",
    )


async def test_directory_and_server_url(admin: AdminConfigClient) -> None:
    await admin.expect_ok("directoryenabled", True, "directory state changed")
    await admin.expect_ok("serverurl", "https://live.example.com/", "server url set")
    assert (await admin.server_config())["yp"] == {"enabled": True, "instanceUrl": "https://live.example.com"}
    await admin.expect_rejected("serverurl", 42, "server url value invalid")
    message = await admin.expect_rejected("serverurl", "live.example.com")
    assert "absolute http or https URL" in message
    await admin.expect_ok("serverurl", "", "server url set")
    await admin.expect_ok("directoryenabled", False, "directory state changed")
    assert (await admin.server_config())["yp"] == {"enabled": False, "instanceUrl": ""}


async def test_ports_and_listen_address(admin: AdminConfigClient) -> None:
    await admin.expect_ok("webserverport", 8181, "HTTP port set")
    await admin.expect_ok("rtmpserverport", 1936, "rtmp port set")
    await admin.expect_ok("webserverip", "127.0.0.1", "HTTP listen address set")
    config = await admin.server_config()
    assert (config["webServerPort"], config["rtmpServerPort"], config["webServerIP"]) == (
        8181,
        1936,
        "127.0.0.1",
    )
    for setter in ("webserverport", "rtmpserverport"):
        await admin.expect_rejected(setter, "8080", "Invalid type or value, port must be a number")
        await admin.expect_rejected(setter, 0, "Port number must be between 1 and 65535")
        await admin.expect_rejected(setter, 65536, "Port number must be between 1 and 65535")
    await admin.expect_rejected("webserverip", "localhost", "Invalid IP address")
    await admin.expect_rejected("webserverip", 127001, "Invalid type or value, IP address must be a string")


async def test_latency_and_variants_show_in_public_variants(admin: AdminConfigClient) -> None:
    await admin.expect_ok("video/streamlatencylevel", 4, "set stream latency")
    variants = [
        {"videoPassthrough": True, "audioPassthrough": False, "audioBitrate": 0},
        {"videoBitrate": 800, "scaledHeight": 360, "scaledWidth": None, "framerate": 30, "cpuUsageLevel": 1},
    ]
    await admin.expect_ok("video/streamoutputvariants", variants, "stream output variants updated")
    settings = (await admin.server_config())["videoSettings"]
    assert settings["latencyLevel"] == 4
    assert settings["videoQualityVariants"] == [
        {
            "name": "Source",
            "videoPassthrough": True,
            "audioPassthrough": True,
            "videoBitrate": 1200,
            "audioBitrate": 0,
            "framerate": 0,
            "cpuUsageLevel": 2,
        },
        {
            "name": "360h",
            "videoPassthrough": False,
            "audioPassthrough": True,
            "videoBitrate": 800,
            "audioBitrate": 0,
            "scaledHeight": 360,
            "framerate": 30,
            "cpuUsageLevel": 1,
        },
    ]
    async with admin.http.get(admin.url("/api/video/variants")) as response:
        assert await response.json() == [{"index": 0, "name": "Source"}, {"index": 1, "name": "360h"}]
    for level in (-1, 5, 2.5, True, "3"):
        await admin.expect_rejected(
            "video/streamlatencylevel", level, "latency level must be a whole number from 0 to 4"
        )
    await admin.expect_rejected("video/streamoutputvariants", [], "between 1 and 10 variants are required")
    await admin.expect_rejected(
        "video/streamoutputvariants",
        [{"framerate": "30"}],
        "variant 1: framerate must be a whole number from 0 to 240",
    )


async def test_video_codec_must_be_in_this_ffmpeg(admin: AdminConfigClient) -> None:
    supported = (await admin.server_config())["supportedCodecs"]
    assert supported[0] == "libx264"
    assert set(supported) <= {"libx264", "h264_omx", "h264_vaapi", "h264_nvenc", "h264_qsv", "h264_v4l2m2m"}
    chosen = supported[-1]
    await admin.expect_ok("video/codec", chosen, "video codec updated")
    assert (await admin.server_config())["videoCodec"] == chosen
    if "h264_omx" not in supported:
        await admin.expect_rejected(
            "video/codec", "h264_omx", "video codec h264_omx is not available in the ffmpeg in use"
        )
    message = await admin.expect_rejected("video/codec", "libvpx-vp9")
    assert message.startswith("unknown video codec 'libvpx-vp9'")
    await admin.expect_ok("video/codec", "libx264", "video codec updated")


async def test_ffmpeg_path(admin: AdminConfigClient, tmp_path: Path) -> None:
    bundled = bundled_ffmpeg_path()
    await admin.expect_ok("ffmpegpath", bundled, "changed")
    assert (await admin.server_config())["ffmpegPath"] == bundled
    await admin.expect_rejected("ffmpegpath", str(tmp_path / "nope"), "ffmpeg path does not exist")
    await admin.expect_rejected("ffmpegpath", str(tmp_path), "ffmpeg path can not be a folder")
    not_executable = tmp_path / "ffmpeg"
    not_executable.write_text("#!/bin/sh\n")
    os.chmod(not_executable, 0o644)
    await admin.expect_rejected("ffmpegpath", str(not_executable), "ffmpeg path is not executable")
    message = await admin.expect_rejected("ffmpegpath", "/bin/true")
    assert "is not an ffmpeg binary" in message
    await admin.expect_rejected("ffmpegpath", "/bin/tr\x00ue", "ffmpeg path does not exist")
    await admin.expect_ok("ffmpegpath", "", "changed")
    assert (await admin.server_config())["ffmpegPath"] == bundled


async def test_s3(admin: AdminConfigClient) -> None:
    s3 = {
        "enabled": True,
        "endpoint": "https://s3.us-west-000.backblazeb2.com",
        "accessKey": "e1ac500y7000500047156bd060",
        "secret": "H8FH8eSxM2K/S42CUg5K000Tt4WY2fI",
        "bucket": "video",
        "region": "us-west-000",
        "acl": "",
        "forcePathStyle": True,
    }
    await admin.expect_ok("s3", s3, "storage configuration changed")
    stored = {key: value for key, value in s3.items() if value != ""}
    assert (await admin.server_config())["s3"] == stored
    await admin.expect_rejected("s3", {**s3, "endpoint": "s3.example.com"}, "s3 support requires an endpoint")
    await admin.expect_rejected("s3", {**s3, "secret": ""}, "s3 support requires an access key and secret")
    await admin.expect_rejected("s3", {**s3, "region": ""}, "s3 support requires a region and endpoint")
    await admin.expect_rejected(
        "s3", {**s3, "bucket": ""}, "s3 support requires a bucket created for storing public video segments"
    )
    await admin.expect_rejected("s3", True, "s3 configuration must be an object")
    # Newer Owncast's pathPrefix (0.1.2): kept without surrounding slashes, shown only when set.
    await admin.expect_ok("s3", {**s3, "pathPrefix": " /shows/live/ "}, "storage configuration changed")
    assert (await admin.server_config())["s3"] == {**stored, "pathPrefix": "shows/live"}
    for bad in ("a/../b", "a//b", "a b", "live?x", "a/./b"):
        message = await admin.expect_rejected("s3", {**s3, "pathPrefix": bad})
        assert message.startswith("s3 path prefix must be"), message
    not_text = {**s3, "pathPrefix": 5}
    await admin.expect_rejected("s3", not_text, "s3 configuration: pathPrefix must be a string")
    assert (await admin.server_config())["s3"]["pathPrefix"] == "shows/live"
    await admin.expect_ok("s3", {"enabled": False}, "storage configuration changed")
    assert (await admin.server_config())["s3"] == {"enabled": False, "forcePathStyle": False}


async def test_federation_settings(admin: AdminConfigClient) -> None:
    # Federation needs a server URL to turn on (tests/api/test_federation_documents.py).
    await admin.expect_ok("serverurl", "https://live.example.com", "server url set")
    await admin.expect_ok("federation/enable", True, "federation features saved")
    await admin.expect_ok("federation/private", True, "federation private saved")
    await admin.expect_ok("federation/showengagement", False, "federation show engagement saved")
    await admin.expect_ok("federation/username", "nightshift", "username saved")
    await admin.expect_ok("federation/livemessage", "On air!", "message saved")
    await admin.expect_ok("federation/blockdomains", ["bad.example", " evil.test ", ""], "saved")
    assert (await admin.server_config())["federation"] == {
        "enabled": True,
        "isPrivate": True,
        "username": "nightshift",
        "goLiveMessage": "On air!",
        "showEngagement": False,
        "blockedDomains": ["bad.example", "evil.test"],
    }
    await admin.expect_rejected("federation/enable", "true", "federation enabled must be true or false")
    message = await admin.expect_rejected("federation/username", "night shift")
    assert message.startswith("federation username must be")
    await admin.expect_rejected("federation/username", "", message)
    await admin.expect_rejected(
        "federation/blockdomains", "bad.example", "blocked domains must be an array of strings"
    )
    await admin.expect_ok("federation/enable", False, "federation features saved")


async def test_method_and_body_errors(admin: AdminConfigClient) -> None:
    for method in ("GET", "PUT", "DELETE"):
        reply = await admin.set("name", "x", method=method)
        assert (reply.status, reply.body) == (400, {"success": False, "message": f"{method} not supported"})
    for body in (b"", b"{", b"not json", b"[1]", b'"value"', b'{"value": NaN}', b"\xff\xfe", b"[" * 100_000):
        reply = await admin.send("name", body)
        assert (reply.status, reply.body) == (
            400,
            {"success": False, "message": "unable to parse new value"},
        ), body
    reply = await admin.send("name", b'{"val": "x"}')
    assert (reply.status, reply.message) == (400, "the body must be a JSON object with a value field")
    reply = await admin.set("customstyles", "p {}", method="GET")
    assert (reply.status, reply.message) == (200, "custom styles updated")


async def test_setters_need_admin_credentials(admin: AdminConfigClient) -> None:
    for headers in ({}, admin_auth("wrong")):
        async with admin.http.post(
            admin.url("/api/admin/config/name"), json={"value": "x"}, headers=headers
        ) as r:
            assert r.status == 401
    assert (await admin.server_config())["instanceDetails"]["name"] != "x"


async def test_stream_key_is_the_admin_password(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        admin = AdminConfigClient(http, server)
        await admin.expect_rejected("key", "", "stream key can not be empty")
        await admin.expect_rejected("key", 1234, "stream key must be a string")
        await admin.expect_ok("key", "n3w-k3y", "changed")
        async with http.get(admin.url("/api/admin/serverconfig"), headers=admin_auth("abc123")) as response:
            assert response.status == 401
        admin.stream_key = "n3w-k3y"
        assert (await admin.server_config())["streamKey"] == "n3w-k3y"
