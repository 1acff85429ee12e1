"""The runtime configuration service: typed snapshot in memory, validated writes, change events."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from ownstream.config.model import RuntimeConfig
from ownstream.errors import Invalid
from ownstream.events import ConfigChanged, EventBus
from ownstream.settings import RuntimeOverrides
from ownstream.store.repos.config import ConfigRepository

log = logging.getLogger(__name__)
audit = logging.getLogger("ownstream.audit")

FIELDS = tuple(RuntimeConfig.model_fields)
SECRET_SETTINGS = frozenset({"stream_key", "s3", "directory_registration_key"})
"""Audited by name only: their values never reach a log."""
BOOKKEEPING_SETTINGS = frozenset(
    {"peak_viewers_session", "peak_viewers_overall", "last_connect_time", "last_disconnect_time"}
)
"""Statistics the server itself saves every minute: not configuration changes worth an audit line."""


def audit_line(name: str, before: Any, after: Any) -> str | None:
    """The audit line for one changed setting, or None when it is not worth one."""
    if name in BOOKKEEPING_SETTINGS or before == after:
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

    @property
    def current(self) -> RuntimeConfig:
        return self._current

    async def load(self, overrides: RuntimeOverrides | None = None) -> RuntimeConfig:
        """Load stored values; write defaults for anything missing (first start); apply CLI overrides."""
        stored = await self._repository.load_all()
        values: dict[str, Any] = {}
        defaults = RuntimeConfig().model_dump(mode="json")
        for name in FIELDS:
            if name in stored:
                values[name] = stored[name]
        try:
            snapshot = RuntimeConfig.model_validate(values)
        except ValidationError as exc:
            snapshot = self._salvage(values, exc)
        missing = {name: defaults[name] for name in FIELDS if name not in stored}
        if snapshot.server_init_date is None:
            snapshot = snapshot.model_copy(update={"server_init_date": datetime.now(UTC)})
            missing["server_init_date"] = snapshot.model_dump(mode="json")["server_init_date"]
        await self._repository.save(missing)
        self._current = snapshot
        if overrides is not None:
            await self._apply_overrides(overrides)
        return self._current

    def _salvage(self, values: dict[str, Any], error: ValidationError) -> RuntimeConfig:
        broken = {str(item["loc"][0]) for item in error.errors() if item["loc"]}
        for name in broken:
            log.warning("stored setting %s is invalid; using its default", name)
            values.pop(name, None)
        return RuntimeConfig.model_validate(values)

    async def _apply_overrides(self, overrides: RuntimeOverrides) -> None:
        changes: dict[str, Any] = {}
        if overrides.stream_key is not None:
            changes["stream_key"] = overrides.stream_key
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
        for name in changes:
            self._bus.publish(ConfigChanged(key=name, value=getattr(snapshot, name)))
        return snapshot
