"""`ownstream import-owncast`: move an Owncast server's data into Ownstream's database (newer-api §15).

Imported: configuration, stream key(s) and admin password, users (names, colours, moderators, bans) with
their access tokens, integration tokens, chat messages, webhooks, fediverse followers, the outbox and
accepted activities, the federation key pair (so followers keep following), the logo and custom emoji.
What Ownstream has no place for yet is counted and named in the report, never dropped unseen.

The server must be stopped (the database lock says so). A database that already holds anything is left
alone unless `force` is given; then it is first kept as `<database>.before-import` (SQLite) and
replaced. Everything is written in one transaction: a failed import leaves the database as it was.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ownstream.database import schema
from ownstream.database.backup import copy_database
from ownstream.database.db import describe_database, open_database, sqlite_file
from ownstream.database.lock import DatabaseInUse, DatabaseLock
from ownstream.database.repos.notifications import BROWSER_PUSH
from ownstream.domain.ids import new_access_token, token_hash
from ownstream.domain.users import MAX_DISPLAY_COLOR
from ownstream.owncast_import.settings_map import imported_password_hash, map_settings, unmapped_keys
from ownstream.owncast_import.source import (
    OwncastDatabase,
    OwncastPaths,
    SourceError,
    comma_list,
    locate,
    parse_timestamp,
)

DATA_TABLES = (
    schema.users,
    schema.chat_auth,
    schema.user_access_tokens,
    schema.messages,
    schema.webhooks,
    schema.ap_followers,
    schema.ap_outbox,
    schema.ap_accepted_activities,
    schema.stream_stats,
    schema.notifications,
    schema.ip_bans,
    schema.config,
)
AUTH_TYPES = frozenset({"indieauth", "fediverse"})
EMOJI_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"})


class ImportFailed(Exception):
    """Nothing was imported; the text is the whole message for the operator."""


@dataclass
class ImportReport:
    database: str
    owncast_schema: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    previous: Path | None = None
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        version = f" (schema version {self.owncast_schema})" if self.owncast_schema is not None else ""
        out = [f"imported the Owncast database{version} into {self.database}:"]
        out += [f"  {name}: {count}" for name, count in self.counts.items()]
        if self.previous is not None:
            out.append(f"the replaced database is kept as {self.previous}")
        out += [f"note: {note}" for note in self.notes]
        return out


def _now() -> datetime:
    return datetime.now(UTC)


def _text(row: sqlite3.Row, name: str, default: str | None = None) -> str | None:
    keys = row.keys()
    value = row[name] if name in keys else None
    if value is None:
        return default
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def _colour(value: Any) -> int:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return 0
    return number % (MAX_DISPLAY_COLOR + 1)


class _Import:
    def __init__(self, source: OwncastDatabase, report: ImportReport) -> None:
        self.source = source
        self.report = report
        self.tokens = source.user_tokens()
        self.seen_hashes: set[str] = set()

    def user_rows(self) -> Iterator[list[dict[str, Any]]]:
        for batch in self.source.users():
            rows = []
            for row in batch:
                user_id = _text(row, "id")
                if not user_id:
                    continue
                user_type = "API" if _text(row, "type") == "API" else "STANDARD"
                token = self.tokens.get(user_id)
                digest = token_hash(token) if token else ""
                if not token or digest in self.seen_hashes:
                    # No usable token (or one shared with another user): the user keeps the name but
                    # signs in anew, as after clearing the browser's storage.
                    token, digest = None, token_hash(new_access_token())
                self.seen_hashes.add(digest)
                display_name = _text(row, "display_name", "") or user_id
                rows.append(
                    {
                        "id": user_id[:32],
                        "token_hash": digest,
                        "access_token": token if user_type == "API" else None,
                        "display_name": display_name,
                        "display_color": _colour(row["display_color"]),
                        "created_at": parse_timestamp(row["created_at"]) or _now(),
                        "disabled_at": parse_timestamp(row["disabled_at"]),
                        "previous_names": comma_list(row["previous_names"]) or [display_name],
                        "namechanged_at": parse_timestamp(row["namechanged_at"]),
                        "scopes": comma_list(row["scopes"]),
                        "type": user_type,
                        "last_used": parse_timestamp(_text(row, "last_used")),
                        "authenticated_at": parse_timestamp(_text(row, "authenticated_at")),
                    }
                )
            yield rows

    def chat_auth_rows(self) -> Iterator[list[dict[str, Any]]]:
        """Newer Owncast's `auth` (the identities chat users proved): each (type, identity) once."""
        seen: set[tuple[str, str]] = set()
        for batch in self.source.table("auth"):
            rows = []
            for row in batch:
                kind = (_text(row, "type", "") or "").lower()
                identity, user_id = _text(row, "token", "") or "", _text(row, "user_id", "") or ""
                if kind not in AUTH_TYPES or not identity or not user_id or (kind, identity) in seen:
                    continue
                seen.add((kind, identity))
                rows.append(
                    {
                        "user_id": user_id[:32],
                        "identity": identity,
                        "type": kind,
                        "timestamp": parse_timestamp(row["timestamp"]) or _now(),
                    }
                )
            yield rows

    def message_rows(self) -> Iterator[list[dict[str, Any]]]:
        for batch in self.source.messages():
            yield [
                {
                    "id": str(row["id"])[:32],
                    "user_id": _text(row, "user_id"),
                    "body": _text(row, "body", "") or "",
                    "event_type": _text(row, "eventType", "CHAT") or "CHAT",
                    "hidden_at": parse_timestamp(row["hidden_at"]),
                    "timestamp": parse_timestamp(row["timestamp"]) or _now(),
                    "title": _text(row, "title"),
                    "subtitle": _text(row, "subtitle"),
                    "image": _text(row, "image"),
                    "link": _text(row, "link"),
                }
                for row in batch
                if row["id"] is not None
            ]

    def webhook_rows(self) -> Iterator[list[dict[str, Any]]]:
        for batch in self.source.table("webhooks"):
            yield [
                {
                    "id": int(row["id"]),
                    "url": _text(row, "url", "") or "",
                    "events": comma_list(row["events"]),
                    "timestamp": parse_timestamp(row["timestamp"]) or _now(),
                    "last_used": parse_timestamp(row["last_used"]),
                }
                for row in batch
            ]

    def follower_rows(self) -> Iterator[list[dict[str, Any]]]:
        for batch in self.source.table("ap_followers"):
            yield [
                {
                    "iri": _text(row, "iri"),
                    "inbox": _text(row, "inbox", "") or "",
                    "name": _text(row, "name"),
                    "username": _text(row, "username", "") or "",
                    "image": _text(row, "image"),
                    "request": _text(row, "request", "") or "",
                    "created_at": parse_timestamp(row["created_at"]) or _now(),
                    "approved_at": parse_timestamp(row["approved_at"]),
                    "disabled_at": parse_timestamp(row["disabled_at"]),
                }
                for row in batch
                if row["iri"]
            ]

    def outbox_rows(self) -> Iterator[list[dict[str, Any]]]:
        for batch in self.source.table("ap_outbox"):
            rows = []
            for row in batch:
                try:
                    value = json.loads(_text(row, "value", "") or "")
                except ValueError:
                    self.report.notes.append(f"outbox object {row['iri']} is not JSON; not imported")
                    continue
                rows.append(
                    {
                        "iri": _text(row, "iri"),
                        "value": value,
                        "type": _text(row, "type", "Note") or "Note",
                        "created_at": parse_timestamp(row["created_at"]) or _now(),
                        "live_notification": bool(row["live_notification"]),
                    }
                )
            yield rows

    def subscription_rows(self) -> Iterator[list[dict[str, Any]]]:
        """Browser push subscriptions (0.0.12 and later); they keep working with the imported key."""
        seen: set[str] = set()
        for batch in self.source.table("notifications"):
            rows = []
            for row in batch:
                channel, destination = _text(row, "channel"), _text(row, "destination")
                if channel != BROWSER_PUSH or not destination or destination in seen:
                    continue
                seen.add(destination)
                rows.append(
                    {
                        "channel": channel,
                        "destination": destination,
                        "created_at": parse_timestamp(row["created_at"]) or _now(),
                    }
                )
            yield rows

    def ip_ban_rows(self) -> Iterator[list[dict[str, Any]]]:
        """Banned addresses (0.0.12 and later), in the canonical form Ownstream compares (chat/ip_bans.py);
        an address that is not one is reported and left out."""
        seen: set[str] = set()
        for batch in self.source.table("ip_bans"):
            rows = []
            for row in batch:
                raw = (_text(row, "ip_address", "") or "").strip()
                try:
                    address = str(ipaddress.ip_address(raw))
                except ValueError:
                    self.report.notes.append(f"IP ban {raw[:64]!r} is not an IP address; not imported")
                    continue
                if address in seen:
                    continue
                seen.add(address)
                rows.append(
                    {
                        "ip_address": address,
                        "notes": _text(row, "notes", "") or "",
                        "created_at": parse_timestamp(_text(row, "created_at")) or _now(),
                    }
                )
            yield rows

    def activity_rows(self) -> Iterator[list[dict[str, Any]]]:
        for batch in self.source.table("ap_accepted_activities"):
            yield [
                {
                    "iri": _text(row, "iri", "") or "",
                    "actor": _text(row, "actor", "") or "",
                    "type": _text(row, "type", "") or "",
                    "timestamp": parse_timestamp(row["timestamp"]) or _now(),
                }
                for row in batch
            ]


async def _insert_all(conn: AsyncConnection, table: sa.Table, batches: Iterator[list[dict[str, Any]]]) -> int:
    total = 0
    while True:
        batch = await asyncio.to_thread(next, batches, None)
        if batch is None:
            return total
        if batch:
            await conn.execute(table.insert(), batch)
            total += len(batch)


async def _holds_data(conn: AsyncConnection) -> str | None:
    """The first table of the target database that holds rows, or None (`stream_stats` has its one row
    from the first migration on)."""
    for table in DATA_TABLES:
        if table is schema.stream_stats:
            continue
        if (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one():
            return table.name
    return None


def _copy_files(paths: OwncastPaths, data_dir: Path, logo_path: str | None, report: ImportReport) -> None:
    """The logo the configuration names and every custom emoji image (0.0.11 kept them under
    `webroot/img/emoji/`, later versions under `data/emoji/`)."""
    if logo_path:
        name = Path(logo_path).name
        logo = paths.data_dir / name
        if name and logo.is_file():
            data_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(logo, data_dir / name)
            report.counts["logo"] = 1
        else:
            report.notes.append(f"the logo {logo_path} is not in {paths.data_dir}; the default logo is used")
    copied = 0
    target = data_dir / "emoji"
    for folder in (paths.install_dir / "webroot" / "img" / "emoji", paths.data_dir / "emoji"):
        if not folder.is_dir():
            continue
        for item in sorted(folder.rglob("*")):
            if item.is_file() and item.suffix.lower() in EMOJI_SUFFIXES and not item.name.startswith("."):
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item, target / item.name)
                copied += 1
    report.counts["emoji"] = copied


async def _write(
    source: OwncastDatabase, database_url: str, data_dir: Path, force: bool, report: ImportReport
) -> None:
    datastore = await asyncio.to_thread(source.datastore)
    settings = map_settings(datastore.values)
    if settings.admin_password is not None:
        hashed = await asyncio.to_thread(imported_password_hash, settings.admin_password)
        settings.config["admin_password_hash"] = hashed
    for key in datastore.unreadable:
        report.notes.append(f"setting {key} could not be decoded; not imported")
    report.notes += [f"setting {item}; not imported" for item in settings.skipped]
    unknown = unmapped_keys(datastore.values)
    if unknown:
        report.notes.append(f"settings Ownstream has no place for yet: {', '.join(unknown)}")

    engine = await open_database(database_url)
    try:
        async with engine.begin() as conn:
            occupied = await _holds_data(conn)
            if occupied is not None and not force:
                raise ImportFailed(
                    f"{describe_database(database_url)} already holds data (table {occupied}); "
                    "give --force to replace it (it is kept as <database>.before-import first)"
                )
            if occupied is not None:
                for table in DATA_TABLES:
                    await conn.execute(table.delete())
            now = _now()
            config_rows = [
                {"key": key, "value": value, "updated_at": now}
                for key, value in {**settings.config, **settings.extra}.items()
            ]
            await conn.execute(schema.config.insert(), config_rows)
            report.counts["settings"] = len(settings.config)
            await conn.execute(schema.stream_stats.delete())
            await conn.execute(
                schema.stream_stats.insert().values(
                    id=1,
                    overall_peak_viewers=settings.overall_peak_viewers or 0,
                    last_disconnect_time=settings.last_disconnect_time,
                    updated_at=now,
                )
            )
            work = _Import(source, report)
            report.counts["users"] = await _insert_all(conn, schema.users, work.user_rows())
            report.counts["chat logins"] = await _insert_all(conn, schema.chat_auth, work.chat_auth_rows())
            report.counts["chat messages"] = await _insert_all(conn, schema.messages, work.message_rows())
            report.counts["webhooks"] = await _insert_all(conn, schema.webhooks, work.webhook_rows())
            report.counts["followers"] = await _insert_all(conn, schema.ap_followers, work.follower_rows())
            report.counts["published posts"] = await _insert_all(conn, schema.ap_outbox, work.outbox_rows())
            report.counts["accepted activities"] = await _insert_all(
                conn, schema.ap_accepted_activities, work.activity_rows()
            )
            report.counts["push subscriptions"] = await _insert_all(
                conn, schema.notifications, work.subscription_rows()
            )
            report.counts["IP bans"] = await _insert_all(conn, schema.ip_bans, work.ip_ban_rows())
            report.counts["federation key pair"] = int("federation_private_key" in settings.extra)
    finally:
        await engine.dispose()
    logo = settings.config.get("logo_path")
    await asyncio.to_thread(
        _copy_files, source.paths, data_dir, logo if isinstance(logo, str) else None, report
    )


def import_owncast(source_path: Path, database_url: str, data_dir: Path, force: bool = False) -> ImportReport:
    """Import the Owncast data at `source_path` (database file, data dir or install dir)."""
    report = ImportReport(database=describe_database(database_url))
    try:
        paths = locate(source_path)
    except SourceError as error:
        raise ImportFailed(str(error)) from None
    target = sqlite_file(database_url)
    lock = DatabaseLock(target) if target is not None else None
    with tempfile.TemporaryDirectory(prefix="ownstream-import-") as scratch:
        try:
            source = OwncastDatabase(paths, Path(scratch))
        except SourceError as error:
            raise ImportFailed(str(error)) from None
        try:
            report.owncast_schema = source.schema_version
            if lock is not None and target is not None:
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    lock.acquire()
                except DatabaseInUse:
                    raise ImportFailed(f"the server is running on {target}: stop it, then import") from None
                except OSError as error:
                    raise ImportFailed(f"{target} cannot be written ({error.strerror or error})") from None
                if force and target.exists() and target.stat().st_size:
                    report.previous = target.with_name(target.name + ".before-import")
                    report.previous.unlink(missing_ok=True)
                    copy_database(target, report.previous)
            asyncio.run(_write(source, database_url, data_dir, force, report))
        except (OSError, sqlite3.Error, sa.exc.SQLAlchemyError) as error:
            raise ImportFailed(f"the import failed and changed nothing: {error}") from None
        finally:
            source.close()
            if lock is not None:
                lock.release()
    return report
