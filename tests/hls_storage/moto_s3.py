"""A real S3 API on loopback for tests: moto's server app in a thread, on a free port, restartable.

This is `moto.server.ThreadedMotoServer` with two changes: stopping closes the listening socket (so the
endpoint really refuses connections while "down"), and responses carry one `Server` header, not two
(the dev server adds its own beside moto's, which strict HTTP parsers such as aiohttp's in asyncio debug
mode reject). moto keeps buckets in process memory, so they survive a restart on the same port; that is how
tests simulate an endpoint that is briefly down. Each test makes its own bucket.
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import aiohttp
from aiobotocore.session import AioSession
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from ownstream.config.model import S3Config

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

REGION = "us-east-1"
ACCESS_KEY = "test-access-key"
SECRET = "test-secret"

# moto's werkzeug prints one line per request; keep test output readable.
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _OneServerHeader(MotoRequestHandler):
    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())


class MotoS3:
    def __init__(self) -> None:
        self.port = free_port()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        """Blocking: call from a thread in async code."""
        if self._server is None:
            app = DomainDispatcherApplication(create_backend_app)
            self._server = make_server(
                "127.0.0.1", self.port, app, threaded=True, request_handler=_OneServerHeader
            )
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="moto-s3", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Blocking: call from a thread in async code. Connections are refused until `start`."""
        server, self._server = self._server, None
        thread, self._thread = self._thread, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join()

    def config(self, bucket: str, **changes: Any) -> S3Config:
        values: dict[str, Any] = {
            "enabled": True,
            "endpoint": self.endpoint,
            "accessKey": ACCESS_KEY,
            "secret": SECRET,
            "bucket": bucket,
            "region": REGION,
            "forcePathStyle": True,
        }
        values.update(changes)
        return S3Config.model_validate(values)

    @asynccontextmanager
    async def client(self) -> AsyncIterator[S3Client]:
        """A plain client for setting up buckets and inspecting what the code under test stored."""
        session = AioSession()
        async with session.create_client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET,
        ) as client:
            yield client


def bucket_name() -> str:
    return f"ownstream-{uuid.uuid4().hex[:12]}"


async def create_public_bucket(s3: MotoS3) -> str:
    """A bucket anyone may read, with CORS open to any page (what a streamer sets up for viewers)."""
    name = bucket_name()
    async with s3.client() as client:
        await client.create_bucket(Bucket=name, ACL="public-read")
        await client.put_bucket_cors(
            Bucket=name,
            CORSConfiguration={
                "CORSRules": [
                    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"], "MaxAgeSeconds": 60}
                ]
            },
        )
    return name


async def list_keys(s3: MotoS3, bucket: str, prefix: str = "") -> list[str]:
    async with s3.client() as client:
        response = await client.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in response.get("Contents", []))


@asynccontextmanager
async def signed_requests_only(s3: MotoS3) -> AsyncIterator[tuple[str, str]]:
    """Makes the moto server check signatures against its IAM users (by default it accepts any key),
    and yields the access key and secret of a user allowed everything on S3. Restores the default after.

    moto's setting is process-wide, so this is for a test that owns the server while it runs.
    """
    session = AioSession()
    async with session.create_client(
        "iam",
        endpoint_url=s3.endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET,
    ) as iam:
        user = f"tester-{uuid.uuid4().hex[:8]}"
        await iam.create_user(UserName=user)
        await iam.put_user_policy(
            UserName=user,
            PolicyName="s3-all",
            PolicyDocument='{"Version": "2012-10-17", "Statement": '
            '[{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}',
        )
        key = (await iam.create_access_key(UserName=user))["AccessKey"]
    async with aiohttp.ClientSession() as http:
        async with http.post(s3.endpoint + "/moto-api/reset-auth", data=b"0") as response:
            response.raise_for_status()
            previous = (await response.json(content_type=None))["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]
        try:
            yield key["AccessKeyId"], key["SecretAccessKey"]
        finally:
            async with http.post(
                s3.endpoint + "/moto-api/reset-auth", data=str(previous).encode()
            ) as response:
                response.raise_for_status()
