"""Checks for the video and storage settings: latency level, output variants, codec and S3.

Pure code, no I/O: the encoders the ffmpeg in use offers are passed in. Owncast stored these unchecked,
and a negative latency level, an odd scaled width or an unknown codec broke the next stream
(reference §2.3, §6). Ranges of the variant fields come from `StreamVariant` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ownstream.config.model import S3Config
from ownstream.config.validation import ObjectFields, expect_integer, expect_string, is_http_url, objects
from ownstream.errors import Invalid
from ownstream.transcode.codecs import CODECS
from ownstream.transcode.latency import LATENCY_LEVELS
from ownstream.transcode.variants import StreamVariant

MAX_VARIANTS = 10
"""Each variant is one more encode of every frame; ten is already far past what one box can do live."""

S3_NEEDS_ENDPOINT = "s3 support requires an endpoint"
S3_NEEDS_CREDENTIALS = "s3 support requires an access key and secret"
S3_NEEDS_REGION = "s3 support requires a region and endpoint"
S3_NEEDS_BUCKET = "s3 support requires a bucket created for storing public video segments"
S3_BAD_PATH_PREFIX = (
    "s3 path prefix must be folder names separated by /, without . or .. and without spaces, ?, #, \\ or "
    "control characters"
)

_SCALED_SIZES = ("scaled_width", "scaled_height")
"""x264 and the other encoders want even frame sizes with 4:2:0 chroma."""


def parse_latency_level(value: Any) -> int:
    return expect_integer(value, "latency level", 0, len(LATENCY_LEVELS) - 1)


def _integer_range(name: str) -> tuple[int, int]:
    low, high = 0, 0
    for constraint in StreamVariant.model_fields[name].metadata:
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    return low, high


def parse_variant(fields: ObjectFields) -> StreamVariant:
    """One variant object: every known field type- and range-checked, unknown fields ignored."""
    values: dict[str, Any] = {}
    for name, info in StreamVariant.model_fields.items():
        key = info.alias or name
        if info.annotation is bool:
            values[name] = fields.boolean(key, default=bool(info.default))
        elif info.annotation is int:
            low, high = _integer_range(name)
            values[name] = fields.integer(key, int(info.default), low, high)
        else:
            values[name] = fields.string(key)
    for name in _SCALED_SIZES:
        if values[name] % 2:
            key = StreamVariant.model_fields[name].alias or name
            raise Invalid(f"{fields.what}: {key} must be an even number (or 0 to keep the source size)")
    return StreamVariant(**values)


def parse_variants(value: Any) -> tuple[StreamVariant, ...]:
    items = objects(value, "variant")
    if not 1 <= len(items) <= MAX_VARIANTS:
        raise Invalid(f"between 1 and {MAX_VARIANTS} variants are required")
    return tuple(parse_variant(fields) for fields in items)


def selectable_codecs(encoders: Iterable[str]) -> list[str]:
    """Codecs of our table that this ffmpeg has, in table order.

    Owncast listed only libx264, h264_omx, h264_vaapi and h264_nvenc; we also offer h264_qsv and
    h264_v4l2m2m, which Owncast's transcoder knew but its admin could not select.
    """
    available = set(encoders)
    return [name for name in CODECS if name in available]


def parse_video_codec(value: Any, encoders: Iterable[str]) -> str:
    name = expect_string(value, "video codec")
    if name not in CODECS:
        raise Invalid(f"unknown video codec {name!r}; known codecs are {', '.join(CODECS)}")
    if name not in selectable_codecs(encoders):
        raise Invalid(f"video codec {name} is not available in the ffmpeg in use")
    return name


def parse_s3(value: Any) -> S3Config:
    """The storage object. When enabled, Owncast's checks in Owncast's order, then the URLs."""
    fields = ObjectFields(value, "s3 configuration")
    config = S3Config(
        enabled=fields.boolean("enabled"),
        endpoint=fields.string("endpoint").strip(),
        servingEndpoint=fields.string("servingEndpoint").strip().rstrip("/"),
        accessKey=fields.string("accessKey"),
        secret=fields.string("secret"),
        bucket=fields.string("bucket"),
        region=fields.string("region"),
        acl=fields.string("acl"),
        forcePathStyle=fields.boolean("forcePathStyle"),
        pathPrefix=parse_s3_path_prefix(fields.string("pathPrefix")),
    )
    if config.enabled:
        check_s3_complete(config)
    return config


def parse_s3_path_prefix(text: str) -> str:
    """Newer Owncast's `pathPrefix`, stored without surrounding slashes. Owncast took any string; one that
    cannot be a folder of object keys inside a URL (`..`, `?`, `#`, spaces, empty folders) is refused here."""
    prefix = text.strip().strip("/")
    if not prefix:
        return ""
    folders = prefix.split("/")
    if any(folder in ("", ".", "..") for folder in folders) or any(
        char in "?#\\" or char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in prefix
    ):
        raise Invalid(S3_BAD_PATH_PREFIX)
    return prefix


def check_s3_complete(config: S3Config) -> None:
    if not is_http_url(config.endpoint):
        raise Invalid(S3_NEEDS_ENDPOINT)
    if not config.access_key or not config.secret:
        raise Invalid(S3_NEEDS_CREDENTIALS)
    if not config.region:
        raise Invalid(S3_NEEDS_REGION)
    if not config.bucket:
        raise Invalid(S3_NEEDS_BUCKET)
    if config.serving_endpoint and not is_http_url(config.serving_endpoint):
        raise Invalid("s3 serving endpoint must be an http or https URL")
