"""Table definitions (SQLAlchemy Core). Alembic migrations under `migrations/` create and evolve them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

config = sa.Table(
    "config",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("value", sa.JSON, nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
"""Runtime configuration, one typed JSON value per key (Owncast's `datastore`, without gob blobs)."""

stream_stats = sa.Table(
    "stream_stats",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("session_peak_viewers", sa.Integer, nullable=False, server_default="0"),
    sa.Column("overall_peak_viewers", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_connect_time", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_disconnect_time", sa.DateTime(timezone=True), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
"""The stream statistics the server keeps across restarts (reference §7): one row, id 1. Bookkeeping the
server writes itself, every minute while it changes, so not runtime configuration."""

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("access_token", sa.String(64), nullable=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("display_color", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("previous_names", sa.JSON, nullable=False),
    sa.Column("namechanged_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("type", sa.String(16), nullable=False, server_default="STANDARD"),
    sa.Column("last_used", sa.DateTime(timezone=True), nullable=True),
    sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True),
)
"""Chat users and integration (API) users. Tokens are looked up by their SHA-256; only API users keep the
token itself, because the admin lists integration tokens (reference §4)."""

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(32), nullable=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("subtitle", sa.Text, nullable=True),
    sa.Column("image", sa.Text, nullable=True),
    sa.Column("link", sa.Text, nullable=True),
    sa.Index("ix_messages_timestamp", "timestamp"),
    sa.Index("ix_messages_user_id", "user_id"),
)
"""Stored chat messages (rendered HTML bodies); rows older than the retention window are pruned."""

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", sa.JSON, nullable=False),
    sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used", sa.DateTime(timezone=True), nullable=True),
    sqlite_autoincrement=True,
)
"""Outbound webhooks: the URL and the event types it is subscribed to (reference §4, §5)."""

ap_followers = sa.Table(
    "ap_followers",
    metadata,
    sa.Column("iri", sa.Text, primary_key=True),
    sa.Column("inbox", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("username", sa.Text, nullable=False),
    sa.Column("image", sa.Text, nullable=True),
    sa.Column("request", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("shared_inbox", sa.Text, nullable=True),
)
"""Fediverse followers: approved (`approved_at` set), pending (neither set) or blocked (`disabled_at` set)."""

ap_outbox = sa.Table(
    "ap_outbox",
    metadata,
    sa.Column("iri", sa.Text, primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("live_notification", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_ap_outbox_created_at", "created_at"),
)
"""Objects this server published (Notes), served at their IRI and counted in the outbox."""

ap_accepted_activities = sa.Table(
    "ap_accepted_activities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("iri", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_ap_accepted_activities_timestamp", "timestamp"),
    sa.Index("ix_ap_accepted_activities_seen", "iri", "actor", "type"),
)
"""Inbound activities that were handled (follows, likes, shares): de-duplication and the admin list."""

outbound_deliveries = sa.Table(
    "outbound_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("queue", sa.String(64), nullable=False),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("content_type", sa.String(128), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("topic", sa.Text, nullable=False),
    sa.Column("tag", sa.Text, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Index("ix_outbound_deliveries_queue_due", "queue", "due_at"),
    sqlite_autoincrement=True,
)
"""Outbound HTTP deliveries of a persistent queue (outbound/queue.py) waiting for their next attempt: a
row lives from submission until delivered or given up, so a restart loses none."""

restream_destinations = sa.Table(
    "restream_destinations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("variant", sa.Integer, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)
"""Simulcast destinations: where the live stream is forwarded (the URL holds the stream key), whether it
is, and what is sent (`variant` NULL: the source as received; else a video variant's index)."""
notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("destination", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("channel", "destination", name="uq_notifications_destination"),
    sqlite_autoincrement=True,
)
"""Go-live notification subscriptions (Owncast's `notifications`): for `BROWSER_PUSH_NOTIFICATION` the
destination is the browser's PushSubscription JSON. The same subscription registered twice is one row."""
ip_bans = sa.Table(
    "ip_bans",
    metadata,
    sa.Column("ip_address", sa.String, primary_key=True),
    sa.Column("notes", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
"""Banned client addresses (newer Owncast §5), in the canonical text form of `ipaddress`."""
replays = sa.Table(
    "replays",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("rendition", sa.Integer, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("s3_endpoint", sa.Text, nullable=True),
    sa.Column("s3_bucket", sa.Text, nullable=True),
    sa.Column("s3_path_prefix", sa.Text, nullable=True),
    sa.Index("ix_replays_started_at", "started_at"),
)
"""Recorded streams: one row per replay (a stream, continued across reconnects within the window);
`ended_at` is None until it is finalised. `s3_endpoint` and `s3_bucket` name the bucket its files were
uploaded to, under `<s3_path_prefix>/recordings/<id>/` (the S3 `pathPrefix` of its start; null or empty:
`recordings/<id>/` at the root); all null for a replay kept on local disk."""

replay_segments = sa.Table(
    "replay_segments",
    metadata,
    sa.Column("replay_id", sa.String(32), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("init_name", sa.Text, nullable=False),
    sa.Column("program_date_time", sa.DateTime(timezone=True), nullable=False),
    sa.Column("duration", sa.Float, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("discontinuity", sa.Boolean, nullable=False),
)
"""Each kept segment of a replay, in order (`position` from 0): its file name in the replay's folder,
the init segment it needs, the wall-clock time of its first frame, its length and size, and whether a
reconnect came before it (`EXT-X-DISCONTINUITY`)."""

clips = sa.Table(
    "clips",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("replay_id", sa.String(32), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("duration", sa.Float, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_by_name", sa.Text, nullable=False),
    sa.Column("s3_endpoint", sa.Text, nullable=True),
    sa.Column("s3_bucket", sa.Text, nullable=True),
    sa.Column("s3_path_prefix", sa.Text, nullable=True),
    sa.Index("ix_clips_created_at", "created_at"),
)
"""Clips (issue 13): a stretch of a replay cut on segment boundaries. Never changes once made; it keeps
its own links to its segment files, so it outlives its replay (`replay_id` is where it came from, not a
foreign key). `created_by` is the chat user's id, or `admin`. `s3_endpoint`, `s3_bucket` and
`s3_path_prefix` (migration 0019) name the bucket a clip of a replay recorded to S3 was copied into
(null: its files are under `<datadir>/clips/<id>/`)."""

clip_segments = sa.Table(
    "clip_segments",
    metadata,
    sa.Column("clip_id", sa.String(32), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("init_name", sa.Text, nullable=False),
    sa.Column("program_date_time", sa.DateTime(timezone=True), nullable=False),
    sa.Column("duration", sa.Float, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("discontinuity", sa.Boolean, nullable=False),
)
"""A clip's segments, as `replay_segments` (files in the clip's own folder)."""
chat_auth = sa.Table(
    "chat_auth",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(32), nullable=False, index=True),
    sa.Column("identity", sa.Text, nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("type", "identity", name="uq_chat_auth_identity"),
    sqlite_autoincrement=True,
)
"""Verified identities of chat users (Owncast's `auth`, newer §7): `type` `indieauth` (the canonical
profile URL) or `fediverse` (`user@host`, lower case). An identity belongs to one user."""
user_access_tokens = sa.Table(
    "user_access_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(32), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
"""Further access tokens of a chat user, by SHA-256: a token that proved an identity another user already
owned is moved to that user here (newer §7); the user's first token stays in `users.token_hash`."""

stream_event_series = sa.Table(
    "stream_event_series",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("reminder_message", sa.Text, nullable=False),
    sa.Column("recurrence", sa.Text, nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
"""Recurring scheduled streams (Owncast's development-branch `stream_event_series`, newer §14.1)."""
stream_events = sa.Table(
    "stream_events",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("series_id", sa.String(32), nullable=True, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("reminder_message", sa.Text, nullable=False),
    sa.Column("start_time", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("original_start", sa.DateTime(timezone=True), nullable=True),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reminded", sa.String(64), nullable=False),
    sa.Column("announced", sa.String(64), nullable=False),
    sa.Column("federated_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("federation_updated_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("federation_pending", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("series_id", "original_start", name="uq_stream_events_slot"),
)
"""Scheduled occurrences, one-offs and those a series produced (newer §14.1); times in UTC. A series'
occurrence keeps the instant it was produced for in `original_start`, so re-expanding never duplicates a
moved or cancelled one. `reminded`: the reminder lead times (minutes, comma-separated) already sent;
`announced`: the SCHEDULED_EVENTS webhook actions already sent (comma-separated). Federation (migration
0016): `federated_at` when the occurrence's `Create(Event)` was sent (null: never announced),
`federation_pending` an edit or cancellation still to send as `Update`, `federation_updated_at` the last
`Update`'s time (the Event's `updated`)."""
stream_event_federation_deletes = sa.Table(
    "stream_event_federation_deletes",
    metadata,
    sa.Column("event_id", sa.String(32), primary_key=True),
    sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
)
"""Announced occurrences whose rows were deleted: the `Delete` each still owes to followers."""
pending_sign_ins = sa.Table(
    "pending_sign_ins",
    metadata,
    sa.Column("state_hash", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("user_id", sa.String(32), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)
"""Chat sign-ins waiting for the user's next step, shared by every process (newer §7): `kind` `indieauth`
(keyed by the SHA-256 of the `state` the browser brings back; `details` the profile URL, the endpoint, the
PKCE verifier, the client id and redirect URI) or `fediverse` (keyed by the SHA-256 of the chat token, one
code per token; `details` the account and the code, `failures` the wrong guesses). The chat user's token
is kept as its SHA-256. Expired rows are dropped as new ones come; a row is deleted when used, so each
works once."""
