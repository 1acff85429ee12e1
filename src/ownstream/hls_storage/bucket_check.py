"""Testing S3 settings before they are saved: upload a small object, delete it, report what happened.

The admin dashboard's **Test connection** runs this with the form's values; nothing is stored. It uses
the same client and ACL as a stream's uploads, so a bucket that refuses the ACL or the credentials fails
here with the same error the stream would have hit, worded by the bucket.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass

import aiohttp
from botocore.exceptions import BotoCoreError, ClientError

from ownstream.config.model import S3Config
from ownstream.hls_storage.s3 import S3ObjectStore, S3StoreError

CHECK_TIMEOUT = 20.0
TEST_BODY = b"Ownstream connection test: safe to delete.\n"


@dataclass(frozen=True)
class BucketCheck:
    ok: bool
    message: str


def describe_failure(error: BaseException) -> str:
    """The bucket's own words: `Code: Message` for an S3 error, else the client's message."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code = details.get("Code") or "Error"
        message = details.get("Message") or str(error)
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return f"{code}: {message}" + (f" (HTTP {status})" if status else "")
    return str(error) or type(error).__name__


async def check_bucket(config: S3Config, *, timeout: float = CHECK_TIMEOUT) -> BucketCheck:
    key = f"ownstream-connection-test-{secrets.token_hex(6)}.txt"
    if config.path_prefix:  # where the stream's objects go: a key policy may allow only that folder
        key = f"{config.path_prefix}/{key}"
    store = await S3ObjectStore.open(config)
    step = "upload"
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            await store.put(key, TEST_BODY, content_type="text/plain", cache_control="no-store")
            step = "delete"
            await store.delete([key])
    except TimeoutError:
        return BucketCheck(False, f"The {step} timed out after {timeout:.0f} s: is the endpoint reachable?")
    except (ClientError, BotoCoreError, S3StoreError, aiohttp.ClientError, OSError, ValueError) as error:
        if step == "upload":
            return BucketCheck(False, f"Upload to bucket {config.bucket} failed: {describe_failure(error)}")
        return BucketCheck(
            False,
            f"The test file {key} was uploaded but could not be deleted: {describe_failure(error)}",
        )
    finally:
        await store.close()
    elapsed = (time.monotonic() - started) * 1000
    return BucketCheck(
        True, f"Uploaded and deleted a test file in bucket {config.bucket} ({elapsed:.0f} ms)."
    )
