"""Replays recorded to S3: when a stream's storage is S3, its replay's init and media segments are
uploaded to the bucket under `recordings/<replay id>/<name>` (the packager's own names), or
`<pathPrefix>/recordings/<replay id>/<name>` with newer Owncast's S3 `pathPrefix` (beside the live
stream's `<pathPrefix>/hls/`), instead of being kept under `<datadir>/recordings/`. Only the replay's
thumbnail stays on local disk (it is small, and served by the origin as for any replay).

The replay's row keeps the bucket and the prefix it was uploaded under (`BucketLocation`): a replay is
read and deleted there, whatever the prefix is now, so changing the prefix leaves older replays playing.

Viewers read the media from the bucket, as they read the live stream: the replay's playlist names
absolute URLs under the bucket's public address (the serving endpoint, a CDN, when one is set), so the
origin serves playlists and never the video. `download.mp4` is remuxed by ffmpeg reading the same URLs.
The bucket must therefore be readable by viewers, which S3 storage for live streams already needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from ownstream.config.model import S3Config
from ownstream.database.repos.replays import BucketLocation
from ownstream.hls_storage.backend import SEGMENT_CACHE_CONTROL, ObjectStore, segment_content_type
from ownstream.hls_storage.retry import DEFAULT_ATTEMPTS, with_backoff
from ownstream.hls_storage.s3 import S3ObjectStore, public_base_url

KEY_PREFIX: Final = "recordings"


class BucketUploadFailed(OSError):
    """A file could not be uploaded after the retries: the segment is left out of the replay."""


def recordings_folder(path_prefix: str = "") -> str:
    """The folder of the replays' objects: `recordings`, or `<pathPrefix>/recordings`."""
    return f"{path_prefix}/{KEY_PREFIX}" if path_prefix else KEY_PREFIX


def object_key(replay_id: str, name: str, path_prefix: str = "") -> str:
    return f"{recordings_folder(path_prefix)}/{replay_id}/{name}"


def location_of(config: S3Config) -> BucketLocation:
    """Where a replay starting now is uploaded: the configured bucket, under its path prefix."""
    return BucketLocation(config.endpoint.rstrip("/"), config.bucket, config.path_prefix)


def is_configured(location: BucketLocation, config: S3Config) -> bool:
    """Whether `config` (the S3 settings now) reaches the bucket the replay was uploaded to (the path
    prefix may have changed since: the replay's objects stay under the one it was recorded with)."""
    now = location_of(config)
    same_bucket = (now.endpoint, now.bucket) == (location.endpoint, location.bucket)
    return same_bucket and bool(config.endpoint and config.bucket)


def media_base_url(
    location: BucketLocation, replay_id: str, config: S3Config, video_serving_endpoint: str = ""
) -> str:
    """The URL the replay's files are read under (ending in `/`): the configured public address (CDN)
    while the replay's bucket is the configured one, else the bucket's own address."""
    base = bucket_base_url(location, config, video_serving_endpoint)
    return f"{base}/{object_key(replay_id, '', location.path_prefix)}"


def bucket_base_url(location: BucketLocation, config: S3Config, video_serving_endpoint: str = "") -> str:
    """The address standing for the bucket `location` names (no `/` at the end): the configured public
    address (CDN) while it is the configured bucket, else the bucket's own."""
    if is_configured(location, config):
        return public_base_url(config, video_serving_endpoint)
    return f"{location.endpoint}/{location.bucket}"


class RecordingBucket:
    """Uploads one replay's files (each init segment once) and removes replays' files, under one path
    prefix."""

    def __init__(
        self,
        store: ObjectStore,
        *,
        retry_delay: float,
        attempts: int = DEFAULT_ATTEMPTS,
        path_prefix: str = "",
    ) -> None:
        self._store = store
        self._retry_delay = retry_delay
        self._attempts = attempts
        self._path_prefix = path_prefix
        self._uploaded: set[str] = set()

    @classmethod
    async def open(
        cls, config: S3Config, *, retry_delay: float, path_prefix: str | None = None
    ) -> RecordingBucket:
        """A client for `config`'s bucket, under `path_prefix` (default: `config`'s own)."""
        prefix = config.path_prefix if path_prefix is None else path_prefix
        return cls(await S3ObjectStore.open(config), retry_delay=retry_delay, path_prefix=prefix)

    async def upload(self, replay_id: str, source: Path, name: str) -> None:
        """Put `source` as the replay's `name` (retried with back-off); once per name."""
        key = object_key(replay_id, name, self._path_prefix)
        if key in self._uploaded:
            return
        body = await asyncio.to_thread(source.read_bytes)
        uploaded = await with_backoff(
            lambda: self._store.put(
                key, body, content_type=segment_content_type(name), cache_control=SEGMENT_CACHE_CONTROL
            ),
            what=f"uploading {key}",
            attempts=self._attempts,
            first_delay=self._retry_delay,
        )
        if not uploaded:
            raise BucketUploadFailed(f"{key} could not be uploaded")
        self._uploaded.add(key)

    async def remove(self, replay_id: str, names: Iterable[str]) -> None:
        """Delete the replay's objects (raises when the bucket refuses or cannot be reached)."""
        await self._store.delete(sorted({object_key(replay_id, name, self._path_prefix) for name in names}))

    async def close(self) -> None:
        await self._store.close()
