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


def test_operation_flags_and_their_environment() -> None:
    settings = load_settings(
        ["--rtmpip", "127.0.0.1", "--access-log"],
        environ={
            "OWNSTREAM_LOG_FORMAT": "json",
            "OWNSTREAM_DEBUG_LIBRARIES": "yes",
            "OWNSTREAM_METRICS_TOKEN": "t0k",
        },
    )
    assert settings.rtmp_ip == "127.0.0.1"
    assert settings.access_log is True and settings.debug_libraries is True
    assert settings.log_format == "json"
    assert settings.metrics_token == "t0k" and "t0k" not in repr(settings)
    defaults = load_settings([], environ={})
    assert defaults.rtmp_ip == "0.0.0.0" and defaults.access_log is False and defaults.log_format == "text"
    assert defaults.metrics_token is None
    assert load_settings([], environ={"OWNSTREAM_ACCESS_LOG": "0"}).access_log is False
    assert load_settings([], environ={"OWNSTREAM_RTMPIP": "::1"}).rtmp_ip == "::1"


@pytest.mark.parametrize("environ", [{"OWNSTREAM_ACCESS_LOG": "maybe"}, {"OWNSTREAM_LOG_FORMAT": "xml"}])
def test_bad_operation_environment_exits(environ: dict[str, str]) -> None:
    with pytest.raises(SystemExit):
        load_settings([], environ=environ)


def test_edge_settings_defaults() -> None:
    settings = load_settings([], environ={})
    assert settings.trusted_proxies == ()
    assert settings.max_connections_per_address == 200
    assert settings.allow_private_addresses is False


def test_edge_settings_from_environment_and_flags() -> None:
    env = {
        "OWNSTREAM_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
        "OWNSTREAM_MAX_CONNECTIONS_PER_ADDRESS": "0",
        "OWNSTREAM_FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1",
    }
    settings = load_settings([], environ=env)
    assert [str(network) for network in settings.trusted_proxies] == ["10.0.0.1/32", "192.168.0.0/16"]
    assert settings.max_connections_per_address == 0
    assert settings.allow_private_addresses is True
    flags = ["--trusted-proxies", "::1", "--max-connections-per-address", "7", "--allow-private-addresses"]
    settings = load_settings(flags, environ={"OWNSTREAM_MAX_CONNECTIONS_PER_ADDRESS": "0"})
    assert [str(network) for network in settings.trusted_proxies] == ["::1/128"]
    assert settings.max_connections_per_address == 7
    assert settings.allow_private_addresses is True


@pytest.mark.parametrize(
    "env",
    [
        {"OWNSTREAM_TRUSTED_PROXIES": "10.0.0.1, proxy.local"},
        {"OWNSTREAM_MAX_CONNECTIONS_PER_ADDRESS": "-1"},
        {"OWNSTREAM_MAX_CONNECTIONS_PER_ADDRESS": "many"},
        {"OWNSTREAM_FEDERATION_ALLOW_PRIVATE_ADDRESSES": "maybe"},
    ],
)
def test_bad_edge_settings_exit(env: dict[str, str]) -> None:
    with pytest.raises(SystemExit):
        load_settings([], environ=env)


def test_process_slot_from_environment_and_flag() -> None:
    assert load_settings([], environ={}).process_slot == 0
    assert load_settings([], environ={"OWNSTREAM_PROCESS_SLOT": "7"}).process_slot == 7
    settings = load_settings(["--process-slot", "1023"], environ={"OWNSTREAM_PROCESS_SLOT": "7"})
    assert settings.process_slot == 1023


@pytest.mark.parametrize("text", ["-1", "1024", "two", "1.5"])
def test_bad_process_slot_exits(text: str) -> None:
    with pytest.raises(SystemExit):
        load_settings([], environ={"OWNSTREAM_PROCESS_SLOT": text})
    with pytest.raises(SystemExit):
        load_settings(["--process-slot", text], environ={})


def test_a_database_url_names_a_database_server_instead_of_a_file() -> None:
    url = "postgresql+asyncpg://ownstream:s3cret@db.internal/ownstream"
    for settings in (
        load_settings(["--database-url", url], {}),
        load_settings([], {"OWNSTREAM_DATABASE_URL": url}),
    ):
        assert settings.database_url == url
        assert settings.database is None
        assert "s3cret" not in repr(settings)
    sqlite_url = "sqlite+aiosqlite:////srv/own.db"
    assert load_settings(["--database-url", sqlite_url], {}).database_url == sqlite_url
    assert load_settings(["--database", "/srv/own.db"], {}).database_url == "sqlite+aiosqlite:////srv/own.db"
    assert load_settings([], {"OWNSTREAM_DATABASE": "own.db"}).database_url == "sqlite+aiosqlite:///own.db"


def test_a_database_url_without_a_driver_gets_the_shipped_one() -> None:
    for scheme in ("postgresql", "postgres"):
        settings = load_settings(["--database-url", f"{scheme}://u:p@h:5432/d"], {})
        assert settings.database_url == "postgresql+asyncpg://u:p@h:5432/d"
    assert load_settings(["--database-url", "sqlite:///x.db"], {}).database_url == "sqlite+aiosqlite:///x.db"


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["--database", "a.db", "--database-url", "postgresql://h/d"], {}, "both name the database"),
        (["--database", "a.db"], {"OWNSTREAM_DATABASE_URL": "postgresql://h/d"}, "both name the database"),
        (["--database", "postgresql+asyncpg://h/d"], {}, "takes a file: give a URL as --database-url"),
        (["--database-url", "not a url"], {}, "expected a URL"),
    ],
)
def test_database_settings_that_contradict_exit_with_one_line(
    argv: list[str], environ: dict[str, str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        load_settings(argv, environ)
    assert expected in capsys.readouterr().err


def test_the_replay_disk_budget_takes_sizes_with_units() -> None:
    assert load_settings([], environ={}).replay_disk_budget is None
    assert load_settings(["--replay-disk-budget", "5G"], environ={}).replay_disk_budget == 5 * 1024**3
    assert (
        load_settings([], environ={"OWNSTREAM_REPLAY_DISK_BUDGET": "500M"}).replay_disk_budget
        == 500 * 1024**2
    )
    assert load_settings(["--replay-disk-budget", "1048576"], environ={}).replay_disk_budget == 1048576


@pytest.mark.parametrize("text", ["0", "-1G", "lots", "5X", "1.5G"])
def test_a_bad_replay_disk_budget_exits(text: str) -> None:
    with pytest.raises(SystemExit):
        load_settings(["--replay-disk-budget", text], environ={})


def test_a_redis_url_joins_the_process_to_others_and_stays_out_of_repr() -> None:
    assert load_settings([], {}).redis_url is None
    url = "redis://:hunter2@cache:6379/1"
    assert load_settings(["--redis-url", url], {}).redis_url == url
    from_env = load_settings([], {"OWNSTREAM_REDIS_URL": "unix:///run/redis.sock"})
    assert from_env.redis_url == "unix:///run/redis.sock"
    assert "hunter2" not in repr(load_settings(["--redis-url", url], {}))


def test_a_redis_url_that_is_not_one_exits_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        load_settings(["--redis-url", "cache:6379"], {})
    assert "--redis-url / OWNSTREAM_REDIS_URL: expected a URL such as redis://" in capsys.readouterr().err


def test_roles_workers_and_the_media_url() -> None:
    plain = load_settings([], {})
    assert (plain.role, plain.workers, plain.media_url, plain.listen_fd) == ("all", 0, None, None)
    web = load_settings(
        ["--role", "web", "--media-url", "http://10.0.0.5:8080/", "--redis-url", "redis://r"], {}
    )
    assert (web.role, web.media_url) == ("web", "http://10.0.0.5:8080")
    shared = load_settings(
        ["--workers", "3", "--redis-url", "redis://r/0", "--database-url", "postgresql://h/d"],
        {"OWNSTREAM_LISTEN_FD": "7"},
    )
    assert (shared.workers, shared.listen_fd) == (3, 7)
    assert load_settings(["--workers", "1"], {}).workers == 1  # one worker: one process, nothing shared


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--role", "web"], "--role web needs --media-url / OWNSTREAM_MEDIA_URL"),
        (
            ["--role", "web", "--media-url", "10.0.0.5:8080"],
            "--media-url / OWNSTREAM_MEDIA_URL: expected a URL",
        ),
        (
            ["--role", "web", "--media-url", "http://m:8080"],
            "--role web needs --redis-url / OWNSTREAM_REDIS_URL",
        ),
        (["--workers", "2"], "above 1 needs --redis-url / OWNSTREAM_REDIS_URL"),
        (["--workers", "2", "--redis-url", "redis://r/0"], "above 1 needs --database-url"),
        (["--workers", "two"], "must be a whole number from 0 to 64"),
        (
            [
                "--workers",
                "2",
                "--redis-url",
                "redis://r/0",
                "--database-url",
                "postgresql://h/d",
                "--role",
                "media",
            ],
            "the parent is the media process; leave --role out",
        ),
        (
            [
                "--workers",
                "4",
                "--redis-url",
                "redis://r/0",
                "--database-url",
                "postgresql://h/d",
                "--process-slot",
                "1020",
            ],
            "which end at 1023",
        ),
    ],
)
def test_role_and_worker_settings_that_cannot_work_exit_with_one_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        load_settings(argv, {})
    assert expected in capsys.readouterr().err


def test_the_site_wide_chat_socket_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_settings([], {}).max_chat_sockets == 0
    assert load_settings(["--max-chat-sockets", "5000"], {}).max_chat_sockets == 5000
    assert load_settings([], {"OWNSTREAM_MAX_CHAT_SOCKETS": "7"}).max_chat_sockets == 7
    with pytest.raises(SystemExit):
        load_settings(["--max-chat-sockets", "-1"], {})
    error = capsys.readouterr().err
    assert "--max-chat-sockets / OWNSTREAM_MAX_CHAT_SOCKETS: must be a whole number" in error
