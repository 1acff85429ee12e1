"""Settings for the whole test run.

Hypothesis' per-example deadline is off: `make test` runs under coverage and asyncio's debug mode on a
shared two-core machine, where a pure parser example can take 250 ms once and 0.1 ms the next time.
Tests check behaviour, not speed (the benchmarks in bench/ measure speed).

`--database-engine postgresql` runs the servers the tests start on PostgreSQL instead of SQLite files: one
PostgreSQL from Debian's packages is started for the run (tests/postgres.py) and every server gets a new
database on it. Tests about the SQLite file itself are marked `sqlite_only` and skipped then.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from tests.postgres import POSTGRES_URL_ENV, PostgresServer, postgres_bin_dir, prepare_migrated_template

settings.register_profile("ownstream", deadline=None)
settings.load_profile("ownstream")

_SERVER_KEY = pytest.StashKey[PostgresServer]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-engine",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the database of the servers the tests start (postgresql: one started from Debian's packages)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--database-engine") != "postgresql" or os.environ.get(POSTGRES_URL_ENV):
        return  # SQLite, or a server already started (by xdist's controller, or by hand)
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise pytest.UsageError("--database-engine postgresql: install Debian's postgresql package")
    server = PostgresServer(bin_dir)
    server.start()
    config.stash[_SERVER_KEY] = server
    prepare_migrated_template(server.admin_url)
    os.environ[POSTGRES_URL_ENV] = server.admin_url  # the xdist workers started after this inherit it


def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(_SERVER_KEY, None)
    if server is not None:
        os.environ.pop(POSTGRES_URL_ENV, None)
        server.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get(POSTGRES_URL_ENV):
        return
    skip = pytest.mark.skip(reason="about the SQLite file; the run is on PostgreSQL")
    for item in items:
        if item.get_closest_marker("sqlite_only") is not None:
            item.add_marker(skip)
