"""The runtime configuration: every value the admin API edits, typed, with first-start defaults.

Protocol defaults follow Owncast (reference §1.4, §4); the texts are our own.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from ownstream.transcode.variants import DEFAULT_VARIANTS, StreamVariant

DEFAULT_SUMMARY = (
    "A live stream and chat on a server of its own. The streamer can change this text in the admin pages."
)
DEFAULT_PAGE_CONTENT = "Anything written here shows below the video. Edit it in the admin pages."
DEFAULT_FORBIDDEN_USERNAMES = ("owncast", "operator", "admin", "system")
DEFAULT_GO_LIVE_MESSAGE = "The stream is live now, come and watch!"


class SocialHandle(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    platform: StrictStr
    url: StrictStr


class ExternalAction(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    url: StrictStr
    title: StrictStr
    description: StrictStr = ""
    icon: StrictStr = ""
    color: StrictStr = ""
    open_externally: StrictBool = Field(default=False, alias="openExternally")

    def to_json(self) -> dict[str, object]:
        return self.model_dump(by_alias=True)


class StreamKeyEntry(BaseModel):
    """One of several stream keys (newer Owncast's `config/streamkeys`), with the streamer's note."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    key: StrictStr
    comment: StrictStr = ""

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "comment": self.comment}


class S3Config(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    enabled: StrictBool = False
    endpoint: StrictStr = ""
    serving_endpoint: StrictStr = Field(default="", alias="servingEndpoint")
    access_key: StrictStr = Field(default="", alias="accessKey")
    secret: StrictStr = ""
    bucket: StrictStr = ""
    region: StrictStr = ""
    acl: StrictStr = ""
    force_path_style: StrictBool = Field(default=False, alias="forcePathStyle")
    path_prefix: StrictStr = Field(default="", alias="pathPrefix")
    """Newer Owncast's (0.1.2): the live stream's objects go under `<pathPrefix>/hls/` ("": the root)."""

    def to_json(self) -> dict[str, object]:
        """Owncast omits empty strings."""
        out = self.model_dump(by_alias=True)
        return {key: value for key, value in out.items() if value != ""}


class BrowserPushConfig(BaseModel):
    """Go-live notifications by Web Push (newer Owncast's `browser_push_configuration`)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    enabled: StrictBool = True
    go_live_message: StrictStr = Field(default=DEFAULT_GO_LIVE_MESSAGE, alias="goLiveMessage")


class DiscordConfig(BaseModel):
    """Go-live notifications to a Discord webhook (newer Owncast's `discord_configuration`)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    enabled: StrictBool = False
    webhook: StrictStr = ""
    go_live_message: StrictStr = Field(default="", alias="goLiveMessage")


class RuntimeConfig(BaseModel):
    """One snapshot of the stored configuration. Immutable: updates produce a new snapshot."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    # Server and page
    stream_key: StrictStr = "abc123"
    stream_keys: tuple[StreamKeyEntry, ...] = ()
    """Newer Owncast's several keys; empty: `stream_key` is the one key, as in 0.0.11."""
    admin_password_hash: StrictStr = ""
    """bcrypt of the admin password; empty: the admin password is `stream_key` (auth/admin_password.py)."""
    stream_title: StrictStr = ""
    server_name: StrictStr = "Ownstream"
    server_summary: StrictStr = DEFAULT_SUMMARY
    welcome_message: StrictStr = ""
    extra_page_content: StrictStr = DEFAULT_PAGE_CONTENT
    logo_path: StrictStr = "logo.svg"
    favicon_path: StrictStr = ""
    """A custom favicon's file in the data dir (config/favicon.py); empty: drawn from the logo."""
    server_url: StrictStr = ""
    tags: tuple[StrictStr, ...] = ("owncast", "streaming")
    nsfw: StrictBool = False
    social_handles: tuple[SocialHandle, ...] = (
        SocialHandle(platform="github", url="https://github.com/owncast/owncast"),
    )
    external_actions: tuple[ExternalAction, ...] = ()
    custom_styles: StrictStr = ""
    offline_message: StrictStr = ""
    """Markdown shown in the video area while offline (newer Owncast's `offlinemessage`)."""
    custom_javascript: StrictStr = ""
    """Served at `/customjavascript` and loaded by the viewer page only (newer Owncast's setting)."""
    hide_viewer_count: StrictBool = False
    """`/api/status` leaves `viewerCount` out and the page shows no count (newer Owncast's setting)."""
    disable_search_indexing: StrictBool = False
    """`/robots.txt` asks crawlers to stay away from everything (newer Owncast's setting)."""
    socket_host_override: StrictStr = ""
    """Where the viewer page opens the chat socket instead of this server (newer Owncast's setting)."""
    video_serving_endpoint: StrictStr = ""
    """Newer Owncast's: the master playlist points players at this host's /hls/ (hls/serving_endpoint.py)."""
    appearance_variables: dict[StrictStr, StrictStr] | None = None
    """CSS custom properties the viewer page sets (newer Owncast's `appearance`); None: never set."""

    # Network
    web_server_port: StrictInt = Field(default=8080, ge=1, le=65535)
    web_server_ip: StrictStr = "0.0.0.0"
    rtmp_server_port: StrictInt = Field(default=1935, ge=1, le=65535)
    admin_origins: tuple[StrictStr, ...] = ()
    """Web origins besides this server's own (and its server URL's) whose pages may use the admin's
    browser credentials (auth/origins.py)."""

    # Video
    ffmpeg_path: StrictStr = ""
    video_latency_level: StrictInt = Field(default=2, ge=0, le=4)
    video_variants: tuple[StreamVariant, ...] = DEFAULT_VARIANTS
    video_codec: StrictStr = "libx264"
    s3: S3Config = S3Config()

    # Directory
    directory_enabled: StrictBool = False
    directory_registration_key: StrictStr = ""

    # Chat
    chat_disabled: StrictBool = False
    forbidden_usernames: tuple[StrictStr, ...] = DEFAULT_FORBIDDEN_USERNAMES
    suggested_usernames: tuple[StrictStr, ...] = ()
    # Newer Owncast's chat settings (reference newer §4.1, §9.3)
    chat_join_messages_enabled: StrictBool = True
    chat_established_user_mode: StrictBool = False
    chat_spam_protection_enabled: StrictBool = True
    chat_slur_filter_enabled: StrictBool = False
    chat_require_authentication: StrictBool = False
    """Newer Owncast 0.2.5: only authenticated users and moderators take part in chat."""

    # Federation (the feature comes with a later issue; its settings exist now)
    federation_enabled: StrictBool = False
    federation_private: StrictBool = False
    federation_username: StrictStr = "streamer"
    federation_go_live_message: StrictStr = DEFAULT_GO_LIVE_MESSAGE
    federation_show_engagement: StrictBool = True
    federation_blocked_domains: tuple[StrictStr, ...] = ()

    # Go-live notifications (newer Owncast §8)
    browser_push: BrowserPushConfig = BrowserPushConfig()
    discord: DiscordConfig = DiscordConfig()
    # Replays (issue 13): every stream recorded, continued after a reconnect within the window
    replays_enabled: StrictBool = True
    replays_reconnect_window: StrictInt = Field(default=60, ge=0, le=600)
    """Seconds a publisher may be gone and still continue the same replay."""
    replays_retention_days: StrictInt = Field(default=0, ge=0, le=36500)
    """Finished replays older than this many days are removed; 0 = kept however old."""
    replays_retention_bytes: StrictInt = Field(default=0, ge=0)
    """The replays may take at most this many bytes (oldest finished removed first); 0 = only the disk
    budget applies."""
    # Clips (issue 13): stretches of a replay anyone allowed can cut
    clips_enabled: StrictBool = True
    clips_max_duration: StrictInt = Field(default=60, ge=1, le=3600)
    """Seconds a clip may ask for (it is then widened to whole segments)."""
    clips_permission: StrictStr = Field(default="moderators", pattern="^(admin|moderators|everyone)$")
    """Who may cut clips besides the admin: `admin` (no one else), `moderators`, `everyone` (any chat
    user)."""
    replays_dvr_window: StrictInt = Field(default=7200, ge=0, le=43200)
    """Seconds a live viewer can rewind (DVR); 0 = off. Served from the recording, so with replays off
    only the live playlist's own window can be rewound."""

    # Scheduled streams (Owncast's development branch, reference newer §14.1; schedule/)
    schedule_enabled: StrictBool = False
    schedule_show_countdown: StrictBool = False
    schedule_chat_open_minutes: StrictInt = 0
    """Chat opens this long before a scheduled start while offline: 0, 5, 10, 30 or 60."""
    schedule_reminder_message: StrictStr = ""
    """The reminder's text when an occurrence has none of its own; empty: no reminders."""
    schedule_first_reminder_minutes: StrictInt = 120
    schedule_second_reminder_minutes: StrictInt = 15

    # Written once, at the first start (the viewer peaks and connect times live in `stream_stats`)
    server_init_date: datetime | None = None

    def publishing_keys(self) -> tuple[str, ...]:
        """Every key RTMP accepts: the stored list, else the one 0.0.11 key."""
        if self.stream_keys:
            return tuple(entry.key for entry in self.stream_keys)
        return (self.stream_key,)
