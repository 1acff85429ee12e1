"""Clips of replays recorded to S3: the clip keeps its own copy of its segments in the same bucket, as a
clip of a local replay keeps its own links. When it is cut, the chosen init and media segments are
copied on the bucket's side (S3 CopyObject: no byte passes through this server) from
`<pathPrefix>/recordings/<replay id>/<name>` to `<pathPrefix>/clips/<clip id>/<name>`, under the path
prefix the replay was recorded with. The clip's row keeps that location (`BucketLocation`), so the clip
outlives its replay's objects, plays from the bucket's public address as its replay did, and is deleted
there, whatever the S3 settings are later.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from botocore.exceptions import ClientError

from ownstream.config.model import S3Config
from ownstream.database.repos.replays import BucketLocation
from ownstream.hls_storage.s3 import S3ObjectStore
from ownstream.replays.bucket import bucket_base_url, object_key

KEY_PREFIX: Final = "clips"
MISSING_CODES: Final = frozenset({"NoSuchKey", "404", "NotFound"})


class SourceMissing(LookupError):
    """A replay's object to copy is not in the bucket (the replay was deleted meanwhile)."""


def clips_folder(path_prefix: str = "") -> str:
    """The folder of the clips' objects: `clips`, or `<pathPrefix>/clips`."""
    return f"{path_prefix}/{KEY_PREFIX}" if path_prefix else KEY_PREFIX


def clip_object_key(clip_id: str, name: str, path_prefix: str = "") -> str:
    return f"{clips_folder(path_prefix)}/{clip_id}/{name}"


def clip_media_base_url(
    location: BucketLocation, clip_id: str, config: S3Config, video_serving_endpoint: str = ""
) -> str:
    """The URL the clip's files are read under (ending in `/`), as for a replay in a bucket."""
    base = bucket_base_url(location, config, video_serving_endpoint)
    return f"{base}/{clip_object_key(clip_id, '', location.path_prefix)}"


class ClipBucket:
    """Copies replays' objects into clips and removes clips' objects, in one bucket under one prefix."""

    def __init__(self, store: S3ObjectStore, path_prefix: str) -> None:
        self._store = store
        self._path_prefix = path_prefix

    @classmethod
    async def open(cls, config: S3Config, path_prefix: str) -> ClipBucket:
        """A client for `config`'s bucket (no request made yet)."""
        return cls(await S3ObjectStore.open(config), path_prefix)

    async def copy(self, replay_id: str, clip_id: str, names: Iterable[str]) -> None:
        """Copy the replay's objects `names` into the clip (each name once). `SourceMissing` when one is
        not there; other failures raise as the client does."""
        for name in dict.fromkeys(names):
            source = object_key(replay_id, name, self._path_prefix)
            try:
                await self._store.copy(source, clip_object_key(clip_id, name, self._path_prefix))
            except ClientError as error:
                code = str(error.response.get("Error", {}).get("Code", ""))
                if code in MISSING_CODES:
                    raise SourceMissing(source) from error
                raise

    async def remove(self, clip_id: str, names: Iterable[str]) -> None:
        """Delete the clip's objects (missing ones are no error; raises when the bucket refuses)."""
        await self._store.delete(
            sorted({clip_object_key(clip_id, name, self._path_prefix) for name in names})
        )

    async def close(self) -> None:
        await self._store.close()
