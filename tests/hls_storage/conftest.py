from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hls_storage.moto_s3 import MotoS3


@pytest.fixture
def s3() -> Iterator[MotoS3]:
    """A moto S3 server of this test's own (so stopping it to simulate an outage affects nobody else)."""
    server = MotoS3()
    server.start()
    try:
        yield server
    finally:
        server.stop()
