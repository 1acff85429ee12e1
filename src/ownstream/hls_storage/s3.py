"""An `ObjectStore` on an S3-compatible bucket through aiobotocore: one client per stream (reference §6.6)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, cast

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from ownstream.config.model import S3Config

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_s3.literals import ObjectCannedACLType

DEFAULT_ACL = "public-read"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
DELETE_BATCH = 1000
"""The most keys one DeleteObjects request may name."""


class S3StoreError(RuntimeError):
    """The bucket answered, but refused part of a request."""


def public_base_url(config: S3Config, video_serving_endpoint: str = "") -> str:
    """Where viewers read objects (the address that stands for `<endpoint>/<bucket>`).

    Newer Owncast's `videoServingEndpoint` (a CDN in front of the bucket) wins; else 0.0.11's
    `s3.servingEndpoint`; else the bucket's own address. Newer Owncast moved the S3 value into
    `videoServingEndpoint`; both settings exist here, so a 0.0.11 client's keeps working until a newer
    client sets the newer one.
    """
    for endpoint in (video_serving_endpoint, config.serving_endpoint):
        if endpoint:
            return endpoint.rstrip("/")
    return f"{config.endpoint.rstrip('/')}/{config.bucket}"


def client_config(config: S3Config) -> AioConfig:
    return AioConfig(
        s3={"addressing_style": "path" if config.force_path_style else "auto"},
        # One layer of retries, with back-off, lives in the segment publisher.
        retries={"total_max_attempts": 1},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        # Checksums only where S3 requires them: many S3-compatible services reject the newer headers.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


class S3ObjectStore:
    """Puts and deletes objects in one bucket with the configured canned ACL."""

    def __init__(
        self, client: S3Client, resources: AsyncExitStack, config: S3Config, video_serving_endpoint: str = ""
    ) -> None:
        self._client = client
        self._resources = resources
        self._bucket = config.bucket
        # Any canned ACL name the admin typed is passed on; the bucket rejects unknown ones.
        self._acl = cast("ObjectCannedACLType", config.acl or DEFAULT_ACL)
        self._base_url = public_base_url(config, video_serving_endpoint)

    @classmethod
    async def open(cls, config: S3Config, video_serving_endpoint: str = "") -> S3ObjectStore:
        """A client for `config`. No request is made yet, so an unreachable endpoint does not fail here."""
        session = AioSession()
        # Loading botocore's JSON service models takes a blocking ~0.2 s: do it off the event loop.
        # (The aiobotocore stubs do not know this method yet.)
        await asyncio.to_thread(session.warm_up_loader_caches, "s3")  # type: ignore[attr-defined]
        resources = AsyncExitStack()
        client = await resources.enter_async_context(
            session.create_client(
                "s3",
                endpoint_url=config.endpoint,
                region_name=config.region or None,
                aws_access_key_id=config.access_key,
                aws_secret_access_key=config.secret,
                config=client_config(config),
            )
        )
        return cls(client, resources, config, video_serving_endpoint)

    @property
    def public_base_url(self) -> str:
        return self._base_url

    async def put(self, key: str, body: bytes, *, content_type: str, cache_control: str) -> None:
        await self._client.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=body,
            ACL=self._acl,
            ContentType=content_type,
            CacheControl=cache_control,
        )

    async def copy(self, source_key: str, key: str) -> None:
        """Copy an object inside the bucket on the server's side (CopyObject): its content type and cache
        control come along; the ACL, which a copy does not keep, is set again."""
        await self._client.copy_object(
            Bucket=self._bucket,
            Key=key,
            CopySource={"Bucket": self._bucket, "Key": source_key},
            ACL=self._acl,
            MetadataDirective="COPY",
        )

    async def delete(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = keys[start : start + DELETE_BATCH]
            response = await self._client.delete_objects(
                Bucket=self._bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )
            errors = response.get("Errors", [])
            if errors:
                first = errors[0]
                raise S3StoreError(
                    f"{len(errors)} object(s) not deleted, e.g. {first.get('Key')}: {first.get('Message')}"
                )

    async def close(self) -> None:
        await self._resources.aclose()
