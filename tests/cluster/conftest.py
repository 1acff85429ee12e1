"""Redis (Debian's redis-server, one per test) and PostgreSQL (the run's, or one per module) for the tests
of several processes serving one site."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.postgres import POSTGRES_URL_ENV, PostgresServer, postgres_bin_dir, prepare_migrated_template
from tests.redis_server import RedisServer, redis_server_binary


def started_redis() -> RedisServer:
    binary = redis_server_binary()
    assert binary is not None, "Debian's redis-server is a test dependency (scripts/system-deps.sh --test)"
    server = RedisServer(binary)
    server.start()
    return server


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = started_redis()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def postgres_admin_url() -> Iterator[str]:
    """The run's PostgreSQL (`--database-engine postgresql`), or one started for this module."""
    running = os.environ.get(POSTGRES_URL_ENV)
    if running:
        yield running
        return
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None, "Debian's postgresql package is a test dependency (scripts/system-deps.sh)"
    server = PostgresServer(bin_dir)
    server.start()
    try:
        prepare_migrated_template(server.admin_url)
        yield server.admin_url
    finally:
        server.stop()
