"""Why the server cannot start, in one line that names the setting to change (never a traceback).

The CLI logs a `StartupError` as one error line and exits with status 1.
"""

from __future__ import annotations

import errno
import os
import socket
import tempfile
from pathlib import Path
from typing import Literal

DATADIR_SETTING = "--datadir / OWNSTREAM_DATADIR"
DATABASE_SETTING = "--database / OWNSTREAM_DATABASE"
DATABASE_URL_SETTING = "--database-url / OWNSTREAM_DATABASE_URL"
LOGDIR_SETTING = "--logdir / OWNSTREAM_LOGDIR"
PORT_SETTINGS = {
    "HTTP": ("--webserverport / OWNSTREAM_WEBSERVERPORT", "--webserverip / OWNSTREAM_WEBSERVERIP"),
    "RTMP": ("--rtmpport / OWNSTREAM_RTMPPORT", "--rtmpip / OWNSTREAM_RTMPIP"),
}
Listener = Literal["HTTP", "RTMP"]


class StartupError(Exception):
    """A reason the server cannot start; its text is the whole message for the operator."""


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def prepare_directory(path: Path, what: str, setting: str) -> None:
    """Create `path` (and its parents) if missing, and prove that files can be written in it."""
    if path.exists() and not path.is_dir():
        raise StartupError(f"{what} {path} is a file, not a folder: set {setting}")
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (FileExistsError, NotADirectoryError):
        raise StartupError(
            f"{what} {path} cannot be created: part of its path is a file: set {setting}"
        ) from None
    except OSError as error:
        raise StartupError(f"{what} {path} cannot be created ({_reason(error)}): set {setting}") from None
    try:
        descriptor, probe = tempfile.mkstemp(dir=path, prefix=".write-test-")
        os.close(descriptor)
        os.unlink(probe)
    except OSError as error:
        raise StartupError(f"{what} {path} is not writable ({_reason(error)}): set {setting}") from None


def database_error(name: str | Path, error: BaseException, *, server: bool = False) -> StartupError:
    """`name`: the SQLite file, or the database URL without its password; `server`: it is a database
    server (named by `--database-url`), not a file."""
    reason = (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]
    if server:
        return StartupError(
            f"database {name} cannot be used ({reason}): set {DATABASE_URL_SETTING} "
            "or check that the server runs and lets this user in"
        )
    return StartupError(
        f"database {name} cannot be opened for writing ({reason}): set {DATABASE_SETTING} "
        "or make the file and its folder writable"
    )


def database_driver_missing(name: str, error: ImportError) -> StartupError:
    module = error.name or str(error)
    return StartupError(
        f"database {name} needs the Python package {module!r}, which is not installed: install it, "
        f"or set {DATABASE_URL_SETTING} to a postgresql+asyncpg:// URL "
        f"(or {DATABASE_SETTING} to an SQLite file)"
    )


def database_in_use(name: str | Path) -> StartupError:
    return StartupError(
        f"database {name} is in use by another Ownstream: stop it, or set {DATABASE_SETTING} "
        f"(or {DATADIR_SETTING}) to another one"
    )


def bind_error(listener: Listener, host: str, port: int, error: OSError) -> StartupError:
    port_setting, address_setting = PORT_SETTINGS[listener]
    code = error.errno
    if code == errno.EADDRINUSE:
        return StartupError(f"{listener} port {port} is in use: set {port_setting}")
    if code == errno.EACCES:
        return StartupError(
            f"{listener} port {port} needs more privileges (ports below 1024 need root): set {port_setting}"
        )
    if code == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror):
        return StartupError(f"{listener} listen address {host} is not available here: set {address_setting}")
    return StartupError(
        f"{listener} port {port} on {host} cannot be opened ({_reason(error)}): set {port_setting}"
    )
