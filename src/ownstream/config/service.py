"""The runtime configuration service: typed snapshot in memory, validated writes, change events."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from ownstream.config.model import RuntimeConfig
from ownstream.config.stream_keys import single_key_changes
from ownstream.database.repos.config import ConfigRepository
from ownstream.errors import Invalid
from ownstream.events import ConfigChanged, EventBus
from ownstream.settings import RuntimeOverrides

log = logging.getLogger(__name__)
audit = logging.getLogger("ownstream.audit")

FIELDS = tuple(RuntimeConfig.model_fields)
SECRET_SETTINGS = frozenset(
    {"stream_key", "stream_keys", "admin_password_hash", "s3", "directory_registration_key"}
)
"""Audited by name only: their values never reach a log."""


def audit_line(name: str, before: Any, after: Any) -> str | None:
    """The audit line for one changed setting, or None when it is not worth one."""
    if before == after:
        return None
    if name == "s3" and isinstance(before, BaseModel) and isinstance(after, BaseModel):
        fields = [key for key in type(after).model_fields if getattr(before, key) != getattr(after, key)]
        return f"setting s3 changed ({', '.join(fields)})"
    if name not in SECRET_SETTINGS and isinstance(after, bool | int):
        return f"setting {name} changed to {after!r}"
    return f"setting {name} changed"


class ConfigService:
    """Reads are plain attribute access on `current`; writes go through `update`, one at a time."""

    def __init__(self, repository: ConfigRepository, bus: EventBus) -> None:
        self._repository = repository
        self._bus = bus
        self._current = RuntimeConfig()
        self._write_lock = asyncio.Lock()
        self.origin = secrets.token_hex(8)
        """Names this service's writes in `ConfigChanged`, so it does not reload its own."""
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def current(self) -> RuntimeConfig:
        return self._current

    async def load(self, overrides: RuntimeOverrides | None = None) -> RuntimeConfig:
        """Load stored values; write defaults for anything missing (first start); apply CLI overrides."""
        stored = await self._repository.load_all()
        snapshot = self._snapshot(stored)
        defaults = RuntimeConfig().model_dump(mode="json")
        missing = {name: defaults[name] for name in FIELDS if name not in stored}
        if snapshot.server_init_date is None:
            snapshot = snapshot.model_copy(update={"server_init_date": datetime.now(UTC)})
            missing["server_init_date"] = snapshot.model_dump(mode="json")["server_init_date"]
        await self._repository.save(missing)
        self._current = snapshot
        if overrides is not None:
            await self._apply_overrides(overrides)
        return self._current

    def follow(self) -> None:
        """From now on, reload whenever another `ConfigService` on this bus (another process, once the
        bus is shared) says it changed the stored configuration."""
        if self._unsubscribe is None:
            self._unsubscribe = self._bus.subscribe(
                ConfigChanged, self._changed_elsewhere, from_everywhere=True
            )

    def unfollow(self) -> None:
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()

    async def _changed_elsewhere(self, event: ConfigChanged) -> None:
        if event.origin != self.origin:
            await self.reload()

    async def reload(self) -> RuntimeConfig:
        """Take the stored configuration as it is now (what another writer stored)."""
        async with self._write_lock:
            self._current = self._snapshot(await self._repository.load_all())
        return self._current

    def _snapshot(self, stored: dict[str, Any]) -> RuntimeConfig:
        values = {name: stored[name] for name in FIELDS if name in stored}
        try:
            return RuntimeConfig.model_validate(values)
        except ValidationError as exc:
            return self._salvage(values, exc)

    def _salvage(self, values: dict[str, Any], error: ValidationError) -> RuntimeConfig:
        broken = {str(item["loc"][0]) for item in error.errors() if item["loc"]}
        for name in broken:
            log.warning("stored setting %s is invalid; using its default", name)
            values.pop(name, None)
        return RuntimeConfig.model_validate(values)

    async def _apply_overrides(self, overrides: RuntimeOverrides) -> None:
        changes: dict[str, Any] = {}
        if overrides.stream_key is not None:
            changes.update(single_key_changes(self._current, overrides.stream_key))
        if overrides.web_server_port is not None:
            changes["web_server_port"] = overrides.web_server_port
        if overrides.web_server_ip is not None:
            changes["web_server_ip"] = overrides.web_server_ip
        if overrides.rtmp_port is not None:
            changes["rtmp_server_port"] = overrides.rtmp_port
        if changes:
            await self.update(**changes)

    async def update(self, **changes: Any) -> RuntimeConfig:
        """Validate, persist and publish. A rejected change raises `Invalid` and changes nothing."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise Invalid(f"unknown setting {sorted(unknown)[0]}")
        async with self._write_lock:
            merged = {**self._current.model_dump(), **changes}
            try:
                snapshot = RuntimeConfig.model_validate(merged)
            except ValidationError as exc:
                first = exc.errors()[0]
                raise Invalid(
                    f"invalid value for {'.'.join(map(str, first['loc']))}: {first['msg']}"
                ) from None
            dumped = snapshot.model_dump(mode="json")
            await self._repository.save({name: dumped[name] for name in changes})
            previous, self._current = self._current, snapshot
        for name in changes:
            line = audit_line(name, getattr(previous, name), getattr(snapshot, name))
            if line is not None:
                audit.info(line)
        self._bus.publish(ConfigChanged(keys=tuple(changes), origin=self.origin))
        return snapshot
