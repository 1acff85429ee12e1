"""Choosing a stream's storage at stream start, from the S3 settings as they are then (reference §1.5)."""

from __future__ import annotations

import logging
from pathlib import Path

from ownstream.config.model import S3Config
from ownstream.events import EventBus
from ownstream.hls_storage.backend import StreamStorage
from ownstream.hls_storage.local import LocalStorage
from ownstream.hls_storage.publisher import SegmentPublisher
from ownstream.hls_storage.s3 import S3ObjectStore
from ownstream.settings import Timings

log = logging.getLogger(__name__)


async def open_stream_storage(
    s3: S3Config,
    hls_dir: Path,
    variant_count: int,
    bus: EventBus,
    timings: Timings,
    video_serving_endpoint: str = "",
) -> StreamStorage:
    """A started storage: the S3 publisher when enabled, else local serving.

    With S3, `video_serving_endpoint` (newer Owncast's setting, a CDN in front of the bucket) stands for
    `<endpoint>/<bucket>` in the URLs players get, read once per stream as the S3 settings are.

    If the S3 client cannot even be built (a malformed endpoint, say), the stream is served locally
    rather than refused: storage trouble never stops a stream.
    """
    if not s3.enabled:
        return LocalStorage()
    try:
        store = await S3ObjectStore.open(s3, video_serving_endpoint)
    except Exception:
        log.exception("could not set up S3 storage at %s; serving this stream from local disk", s3.endpoint)
        return LocalStorage()
    publisher = SegmentPublisher(
        store,
        bus,
        hls_dir,
        variant_count,
        retry_delay=timings.storage_retry_delay,
        flush_timeout=timings.storage_flush_timeout,
        path_prefix=s3.path_prefix,
    )
    await publisher.start()
    return publisher
