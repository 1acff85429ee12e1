"""Owncast-shaped data folders for the importer tests: `owncast.db` with 0.0.11's schema (reference §4)
or a newer one (0.1+: `user_access_tokens`, `auth`, `ip_bans`, `notifications`, `stream_keys`, the admin
password), datastore values gob-encoded as Owncast writes them, plus a logo and custom emoji."""

from __future__ import annotations

import base64
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bcrypt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.owncast_import.gob_writer import TIME, GoMap, GoSlice, GoStruct, encode

SCHEMA_0011 = """
CREATE TABLE config ("key" string NOT NULL PRIMARY KEY, "value" TEXT);
CREATE TABLE datastore ("key" string NOT NULL PRIMARY KEY, "value" BLOB,
  "timestamp" DATE DEFAULT CURRENT_TIMESTAMP NOT NULL);
CREATE TABLE users ("id" TEXT, "access_token" string NOT NULL, "display_name" TEXT NOT NULL,
  "display_color" NUMBER NOT NULL, "created_at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP, "disabled_at" TIMESTAMP,
  "previous_names" TEXT DEFAULT '', "namechanged_at" TIMESTAMP, "scopes" TEXT, "type" TEXT DEFAULT 'STANDARD',
  "last_used" DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id, access_token), UNIQUE(id, access_token));
CREATE TABLE messages ("id" string NOT NULL, "user_id" TEXT, "body" TEXT, "eventType" TEXT,
  "hidden_at" DATETIME, "timestamp" DATETIME, "title" TEXT, "subtitle" TEXT, "image" TEXT, "link" TEXT,
  PRIMARY KEY (id));
CREATE TABLE webhooks ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "url" string NOT NULL, "events" TEXT NOT NULL,
  "timestamp" DATETIME DEFAULT CURRENT_TIMESTAMP, "last_used" DATETIME);
CREATE TABLE ap_followers ("iri" TEXT NOT NULL, "inbox" TEXT NOT NULL, "name" TEXT, "username" TEXT NOT NULL,
  "image" TEXT, "request" TEXT NOT NULL, "created_at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  "approved_at" TIMESTAMP, "disabled_at" TIMESTAMP, PRIMARY KEY (iri));
CREATE TABLE ap_outbox ("iri" TEXT NOT NULL, "value" BLOB, "type" TEXT NOT NULL,
  "created_at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP, "live_notification" BOOLEAN DEFAULT FALSE,
  PRIMARY KEY (iri));
CREATE TABLE ap_accepted_activities ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "iri" TEXT NOT NULL,
  "actor" TEXT NOT NULL, "type" TEXT NOT NULL, "timestamp" TIMESTAMP NOT NULL);
"""

SCHEMA_NEWER = (
    SCHEMA_0011.replace('"access_token" string NOT NULL, ', "")
    .replace("PRIMARY KEY (id, access_token), UNIQUE(id, access_token)", "PRIMARY KEY (id)")
    .replace('"namechanged_at" TIMESTAMP,', '"namechanged_at" TIMESTAMP, "authenticated_at" TIMESTAMP,')
    .replace(
        '"disabled_at" TIMESTAMP, PRIMARY KEY (iri)',
        '"disabled_at" TIMESTAMP, "request_object" BLOB, PRIMARY KEY (iri)',
    )
    + """
CREATE TABLE user_access_tokens ("token" TEXT NOT NULL PRIMARY KEY, "user_id" TEXT NOT NULL,
  "timestamp" DATE DEFAULT CURRENT_TIMESTAMP NOT NULL);
CREATE TABLE auth ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "user_id" TEXT NOT NULL, "token" TEXT NOT NULL,
  "type" TEXT NOT NULL, "timestamp" DATE DEFAULT CURRENT_TIMESTAMP NOT NULL);
CREATE TABLE ip_bans ("ip_address" TEXT NOT NULL PRIMARY KEY, "notes" TEXT,
  "created_at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE notifications ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "channel" TEXT NOT NULL,
  "destination" TEXT NOT NULL, "created_at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
"""
)

SOCIAL = GoStruct("SocialHandle", (("Platform", "string"), ("URL", "string")))
ACTION = GoStruct(
    "ExternalAction",
    (
        ("URL", "string"),
        ("Title", "string"),
        ("Description", "string"),
        ("Icon", "string"),
        ("Color", "string"),
        ("OpenExternally", "bool"),
    ),
)
VARIANT = GoStruct(
    "StreamOutputVariant",
    (
        ("Name", "string"),
        ("IsAudioPassthrough", "bool"),
        ("IsVideoPassthrough", "bool"),
        ("Framerate", "int"),
        ("VideoBitrate", "int"),
        ("AudioBitrate", "int"),
        ("ScaledWidth", "int"),
        ("ScaledHeight", "int"),
        ("CPUUsageLevel", "int"),
    ),
)
S3 = GoStruct(
    "S3",
    tuple(
        (name, "bool" if name in ("Enabled", "ForcePathStyle") else "string")
        for name in (
            "Enabled",
            "Endpoint",
            "ServingEndpoint",
            "AccessKey",
            "Secret",
            "Bucket",
            "Region",
            "ACL",
            "ForcePathStyle",
        )
    ),
)
STREAM_KEY = GoStruct("StreamKey", (("Key", "string"), ("Comment", "string")))
NULL_TIME = GoStruct("NullTime", (("Time", TIME), ("Valid", "bool")))
STRINGS = GoSlice("string", "[]string")
DISCORD = GoStruct(
    "DiscordConfiguration", (("Enabled", "bool"), ("Webhook", "string"), ("GoLiveMessage", "string"))
)
BROWSER_PUSH = GoStruct(
    "BrowserNotificationConfiguration", (("Enabled", "bool"), ("GoLiveMessage", "string"))
)
PUSH_SUBSCRIPTION = (
    '{"endpoint":"https://push.example.net/send/abc","expirationTime":null,"keys":{"p256dh":'
    '"BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",'
    '"auth":"tBHItJI5svbpez7KI4CCXg"}}'
)
VAPID_SCALAR = bytes(range(1, 33))
"""webpush-go stores the VAPID private key as base64url of the P-256 scalar."""

MODERATOR_TOKEN = "bW9kZXJhdG9yLXRva2VuLWZvci10aGUtaW1wb3J0LXRlc3Q="
VIEWER_TOKEN = "dmlld2VyLXRva2VuLWZvci10aGUtaW1wb3J0LXRlc3QhIQ=="
INTEGRATION_TOKEN = "aW50ZWdyYXRpb24tdG9rZW4tZm9yLXRoZS1pbXBvcnQ/IQ=="
ADMIN_PASSWORD = "owncast-admin-password"
ADMIN_PASSWORD_HASH = bcrypt.hashpw(ADMIN_PASSWORD.encode(), bcrypt.gensalt(4, prefix=b"2a")).decode()
"""As Owncast 0.2 stores it (Go's bcrypt writes `$2a$`; a low cost keeps the test fast)."""
INIT_DATE = datetime(2022, 1, 15, 10, 30, tzinfo=UTC)
NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
"""Recent enough that the chat history retention (5 h) keeps the imported messages."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def vapid_public_key() -> str:
    key = ec.derive_private_key(int.from_bytes(VAPID_SCALAR, "big"), ec.SECP256R1())
    return b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def go_timestamp(moment: datetime) -> str:
    """As Owncast's SQLite driver writes a Go `time.Time`."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") + "000+00:00"


@dataclass
class OwncastData:
    folder: Path
    """The folder Owncast ran in (holds `data/` and, for 0.0.11, `webroot/`)."""
    database: Path
    public_key_pem: str
    private_key: rsa.RSAPrivateKey


def _settings(
    newer: bool, private_pem: str, public_pem: str, plain_password: bool
) -> dict[str, tuple[Any, Any]]:
    values: dict[str, tuple[Any, Any]] = {
        "server_name": ("string", "Old Owncast Place"),
        "server_summary": ("string", "We stream **things**."),
        "server_welcome_message": ("string", "Welcome, friend"),
        "stream_title": ("string", "Building a bench"),
        "extra_page_content": ("string", "# About\nHello"),
        "logo_path": ("string", "logo.png"),
        "server_url": ("string", "https://stream.example"),
        "nsfw": ("bool", True),
        "chat_disabled": ("bool", False),
        "http_port_number": ("float", 8181.0),
        "rtmp_port_number": ("float", 1936.0),
        "http_listen_address": ("string", "0.0.0.0"),
        "video_latency_level": ("float", 3.0),
        "video_codec": ("string", "libx264"),
        "ffmpeg_path": ("string", ""),
        "custom_styles": ("string", "body { color: teal; }"),
        "social_handles": (
            GoSlice(SOCIAL, "[]models.SocialHandle"),
            [{"Platform": "mastodon", "URL": "https://m.example/@me"}],
        ),
        "external_actions": (
            GoSlice(ACTION, "[]models.ExternalAction"),
            [{"URL": "https://tip.example", "Title": "Tip", "OpenExternally": True}],
        ),
        "video_stream_output_variants": (
            GoSlice(VARIANT, "[]models.StreamOutputVariant"),
            [
                {
                    "Name": "high",
                    "Framerate": 30,
                    "VideoBitrate": 2500,
                    "ScaledWidth": 1280,
                    "CPUUsageLevel": 2,
                },
                {"IsVideoPassthrough": True, "IsAudioPassthrough": True},
            ],
        ),
        "s3_storage_config": (
            S3,
            {"Enabled": True, "Endpoint": "https://s3.example", "Bucket": "vids", "Secret": "sss"},
        ),
        "directory_enabled": ("bool", True),
        "federation_enabled": ("bool", True),
        "federation_username": ("string", "mystream"),
        "federation_go_live_message": ("string", "Live now!"),
        "federation_show_engagement": ("bool", False),
        "federation_private": ("bool", False),
        "public_key": ("string", public_pem),
        "private_key": ("string", private_pem),
        "server_init_date": (NULL_TIME, {"Time": INIT_DATE, "Valid": True}),
        "peak_viewers_overall": ("float", 42.0),
        "last_disconnect_time": (NULL_TIME, {"Time": NOW - timedelta(hours=2), "Valid": True}),
        "HAS_POPULATED_DEFAULTS": ("bool", True),
    }
    if newer:
        values |= {
            "stream_keys": (
                GoSlice(STREAM_KEY, "[]models.StreamKey"),
                [
                    {"Key": "first-key-1", "Comment": "OBS at home"},
                    {"Key": "second-key-2", "Comment": "phone"},
                ],
            ),
            # Owncast 0.1 stored the admin password as typed, 0.2 as a bcrypt hash.
            "admin_password_key": ("string", ADMIN_PASSWORD if plain_password else ADMIN_PASSWORD_HASH),
            "blocked_usernames": (STRINGS, ["badname", "admin"]),
            "server_metadata_tags": ("string", "music,coding"),
            "hide_viewer_count": ("bool", True),
            "custom_offline_message": ("string", "Back **soon**"),
            "custom_javascript": ("string", "console.log(1)"),
            "custom_color_variable_values": (
                GoMap("string", "string", "map[string]string"),
                {"theme-color-1": "#123"},
            ),
            "chat_join_messages_enabled": ("bool", True),
            "browser_push_private_key": ("string", b64url(VAPID_SCALAR)),
            "browser_push_public_key": ("string", vapid_public_key()),
            "browser_push_configuration": (BROWSER_PUSH, {"Enabled": True, "GoLiveMessage": "We are live!"}),
            "discord_configuration": (
                DISCORD,
                {
                    "Enabled": True,
                    "Webhook": "https://discord.example/api/webhooks/1",
                    "GoLiveMessage": "Live",
                },
            ),
        }
    else:
        values |= {
            "stream_key": ("string", "old-stream-key"),
            "server_metadata_tags": ("string", "music,coding"),
            "blocked_usernames": ("string", "badname,admin"),
        }
    return values


def build_owncast(
    folder: Path, *, newer: bool, messages: int = 3, users: int = 0, plain_password: bool = False
) -> OwncastData:
    """An Owncast install folder: `data/owncast.db`, `data/logo.png` and custom emoji."""
    data = folder / "data"
    data.mkdir(parents=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    database = data / "owncast.db"
    connection = sqlite3.connect(database)
    with connection:
        connection.executescript(SCHEMA_NEWER if newer else SCHEMA_0011)
        connection.execute("INSERT INTO config VALUES ('version', ?)", ("7" if newer else "3",))
        connection.executemany(
            "INSERT INTO datastore (key, value) VALUES (?, ?)",
            [
                (name, encode(kind, value))
                for name, (kind, value) in _settings(newer, private_pem, public_pem, plain_password).items()
            ],
        )
        _users(connection, newer, users)
        connection.executemany(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)",
            [
                (
                    f"msg{n:07d}",
                    "modUser01" if n % 2 else "viewer001",
                    f"<p>message {n}</p>",
                    "CHAT",
                    go_timestamp(NOW) if n == 1 else None,
                    go_timestamp(NOW - timedelta(seconds=messages - n)),
                )
                for n in range(messages)
            ],
        )
        connection.execute(
            "INSERT INTO webhooks (url, events, timestamp) VALUES (?, ?, ?)",
            ("https://hooks.example/owncast", "CHAT,STREAM_STARTED", go_timestamp(NOW)),
        )
        follower_columns = "iri, inbox, name, username, image, request, created_at, approved_at"
        connection.execute(
            f"INSERT INTO ap_followers ({follower_columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "https://fedi.example/users/fan",
                "https://fedi.example/users/fan/inbox",
                "Fan",
                "fan@fedi.example",
                None,
                "https://fedi.example/follows/1",
                go_timestamp(NOW),
                go_timestamp(NOW),
            ),
        )
        connection.execute(
            "INSERT INTO ap_outbox VALUES (?, ?, 'Note', ?, 1)",
            (
                "https://stream.example/federation/abc",
                '{"type": "Note", "content": "live"}',
                go_timestamp(NOW),
            ),
        )
        connection.execute(
            "INSERT INTO ap_accepted_activities (iri, actor, type, timestamp) VALUES (?, ?, ?, ?)",
            (
                "https://fedi.example/likes/1",
                "https://fedi.example/users/fan",
                "FEDIVERSE_ENGAGEMENT_LIKE",
                go_timestamp(NOW),
            ),
        )
        if newer:
            connection.execute("INSERT INTO ip_bans (ip_address, notes) VALUES ('203.0.113.9', 'spam')")
            connection.execute(
                "UPDATE users SET authenticated_at = ? WHERE id = 'viewer001'", (go_timestamp(NOW),)
            )
            connection.execute(
                "INSERT INTO auth (user_id, token, type) "
                "VALUES ('viewer001', 'https://viewer.example/', 'indieauth')"
            )
            connection.execute(
                "INSERT INTO notifications (channel, destination) VALUES ('BROWSER_PUSH_NOTIFICATION', ?)",
                (PUSH_SUBSCRIPTION,),
            )
    connection.close()
    (data / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nnot-really")
    emoji = (folder / "data" / "emoji") if newer else (folder / "webroot" / "img" / "emoji" / "custom")
    emoji.mkdir(parents=True)
    (emoji / "party.gif").write_bytes(b"GIF89a")
    (emoji / "notes.txt").write_text("not an emoji")
    return OwncastData(folder, database, public_pem, key)


def _users(connection: sqlite3.Connection, newer: bool, extra: int) -> None:
    users = [
        ("modUser01", MODERATOR_TOKEN, "Mod Person", 3, "Mod Person,mod", "MODERATOR", "STANDARD", None),
        ("viewer001", VIEWER_TOKEN, "Viewer", 7, "Viewer", None, "STANDARD", None),
        ("banned001", "YmFubmVkLXRva2Vu", "Trouble", 1, "Trouble", None, "STANDARD", go_timestamp(NOW)),
        (
            "intgr0001",
            INTEGRATION_TOKEN,
            "My bot",
            0,
            "My bot",
            "CAN_SEND_MESSAGES,HAS_ADMIN_ACCESS",
            "API",
            None,
        ),
    ]
    users += [
        (f"bulk{n:06d}", f"bulk-token-{n:08d}", f"user{n}", n % 8, f"user{n}", None, "STANDARD", None)
        for n in range(extra)
    ]
    created = go_timestamp(NOW - timedelta(days=30))
    if newer:
        connection.executemany(
            "INSERT INTO users (id, display_name, display_color, created_at, disabled_at, previous_names,"
            " scopes, type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(u[0], u[2], u[3], created, u[7], u[4], u[5], u[6]) for u in users],
        )
        connection.executemany(
            "INSERT INTO user_access_tokens (token, user_id) VALUES (?, ?)", [(u[1], u[0]) for u in users]
        )
    else:
        connection.executemany(
            "INSERT INTO users (id, access_token, display_name, display_color, created_at, disabled_at,"
            " previous_names, scopes, type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(u[0], u[1], u[2], u[3], created, u[7], u[4], u[5], u[6]) for u in users],
        )
