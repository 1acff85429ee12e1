from pathlib import Path

import pytest

from ownstream.settings import load_settings


def test_defaults() -> None:
    settings = load_settings([], environ={})
    assert settings.data_dir == Path("data")
    assert settings.database_path == Path("data/ownstream.db")
    assert settings.logs_path == Path("data/logs")
    assert settings.log_level == "info"
    assert settings.overrides.stream_key is None


def test_environment_then_flags_win() -> None:
    env = {"OWNSTREAM_DATADIR": "/srv/env", "OWNSTREAM_STREAMKEY": "from-env", "OWNSTREAM_RTMPPORT": "1936"}
    settings = load_settings(["--datadir", "/srv/flag"], environ=env)
    assert settings.data_dir == Path("/srv/flag")
    assert settings.overrides.stream_key == "from-env"
    assert settings.overrides.rtmp_port == 1936
    assert settings.database_path == Path("/srv/flag/ownstream.db")


def test_explicit_database_and_logdir() -> None:
    settings = load_settings(["--database", "/tmp/x.db", "--logdir", "/tmp/logs", "--loglevel", "debug"], {})
    assert settings.database_path == Path("/tmp/x.db")
    assert settings.logs_path == Path("/tmp/logs")
    assert settings.log_level == "debug"


@pytest.mark.parametrize("argv", [["--webserverport", "0"], ["--rtmpport", "70000"], ["--loglevel", "loud"]])
def test_bad_flags_exit(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        load_settings(argv, environ={})


def test_bad_environment_port_exits() -> None:
    with pytest.raises(SystemExit):
        load_settings([], environ={"OWNSTREAM_WEBSERVERPORT": "eighty"})
