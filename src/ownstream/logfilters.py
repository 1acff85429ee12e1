"""What every log handler applies before a record is written anywhere.

- Secrets are redacted: `accessToken=…` in URLs, `Authorization: …` headers, Bearer tokens, the key in
  `/live/<key>` RTMP paths, and the current stream key (and S3 secret) wherever they appear. The stream
  key changes at runtime, so the filter asks for the current secrets on every record.
- Client-caused errors are one line, not a traceback: aiohttp logs a malformed request (an over-long
  request line, a bad header) with the parser's exception, whose text quotes the raw request line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

from aiohttp.http_exceptions import HttpProcessingError

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4
"""Shorter configured secrets are not replaced wherever they occur: a one-letter key would blank every
occurrence of that letter. The patterns below still catch them in URLs, headers and RTMP paths."""

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)(accesstoken=)[^&\s\"'<>]+"), rf"\1{REDACTED}"),
    (
        re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(?:(?:basic|bearer)\s+)?[^\s,;\"']+"),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), rf"\1{REDACTED}"),
    (re.compile(r"(/live/)[^\s\"'?&#]+"), rf"\1{REDACTED}"),
)

SecretSource = Callable[[], Iterable[str]]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with tokens, credentials, RTMP keys and the given secret values replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _no_secrets() -> Iterable[str]:
    return ()


class SafeRecordFilter(logging.Filter):
    """Installed on every handler; rewrites each record once (a record passes several handlers)."""

    _DONE = "_ownstream_safe"

    def __init__(self) -> None:
        super().__init__()
        self._secrets: SecretSource = _no_secrets

    def watch_secrets(self, source: SecretSource) -> None:
        """From now on also redact the values `source` returns (read again for every record)."""
        self._secrets = source

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, self._DONE, False):
            return True
        setattr(record, self._DONE, True)
        _shorten_client_errors(record)
        _drop_statement_parameters(record)
        try:
            secrets = tuple(self._secrets())
        except Exception:  # the source reads live config; a logging call must never fail because of it
            secrets = ()
        message = record.getMessage()
        record.msg = redact(message, secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


def _drop_statement_parameters(record: logging.LogRecord) -> None:
    """aiosqlite's debug lines (`--debug-libraries`) show each call with its bound parameters; a new
    stream key is one of them before the redaction above knows it. Keep the call and its SQL only."""
    if record.name != "aiosqlite" or not isinstance(record.args, tuple) or not record.args:
        return
    call = record.args[0]
    if not callable(call):
        return
    function = getattr(call, "func", call)
    name = getattr(function, "__name__", type(function).__name__)
    bound = getattr(call, "args", ())
    statement = next((arg for arg in bound if isinstance(arg, str)), None)
    shown = f"{name}({statement!r}, …)" if statement is not None else f"{name}(…)"
    record.args = (shown, *record.args[1:])


def _shorten_client_errors(record: logging.LogRecord) -> None:
    """aiohttp's 'Error handling request' for a malformed request → one info line, no traceback."""
    if not record.name.startswith("aiohttp") or not record.exc_info:
        return
    error = record.exc_info[1]
    if isinstance(error, HttpProcessingError):
        detail = f"{type(error).__name__} (HTTP {error.code})"
    elif isinstance(error, ConnectionError):
        detail = f"{type(error).__name__}: the client went away"
    else:
        return
    record.msg = f"{record.getMessage()}: {detail}"
    record.args = None
    record.exc_info = None
    record.exc_text = None
    record.levelno = logging.INFO
    record.levelname = logging.getLevelName(logging.INFO)
