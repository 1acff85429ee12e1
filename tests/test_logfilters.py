"""Redaction and client-error shortening, applied by every log handler (`logfilters`)."""

from __future__ import annotations

import logging
import sys

from aiohttp.http_exceptions import LineTooLong

from ownstream.logfilters import REDACTED, SafeRecordFilter, redact


def record(
    message: str, *args: object, name: str = "ownstream.test", exc: BaseException | None = None
) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, args or None, exc_info)


def test_tokens_credentials_and_rtmp_keys_are_redacted() -> None:
    cases = {
        "GET /ws?accessToken=s3cr3t-T0ken&x=1": f"GET /ws?accessToken={REDACTED}&x=1",
        "/api/integrations?accesstoken=abc": f"/api/integrations?accesstoken={REDACTED}",
        "Authorization: Basic YWRtaW46YWJjMTIz": f"Authorization: {REDACTED}",
        "headers {'Authorization': 'Bearer xyz.123'}": f"headers {{'Authorization': '{REDACTED}'}}",
        "sent Bearer abc.def-ghi": f"sent Bearer {REDACTED}",
        "publish rtmp://host:1935/live/my-key?x": f"publish rtmp://host:1935/live/{REDACTED}?x",
    }
    for text, expected in cases.items():
        assert redact(text) == expected


def test_secret_values_are_redacted_wherever_they_appear_but_not_tiny_ones() -> None:
    assert redact("key is hunter22, again hunter22", ["hunter22"]) == f"key is {REDACTED}, again {REDACTED}"
    assert redact("a banana", ["a"]) == "a banana"  # a one-letter key would blank every 'a'


def test_the_filter_reads_the_current_secret_for_every_record() -> None:
    current = ["first-key"]
    safety = SafeRecordFilter()
    safety.watch_secrets(lambda: current)
    one = record("key %s", "first-key")
    assert safety.filter(one) and one.getMessage() == f"key {REDACTED}"
    current[0] = "second-key"  # the admin changed the stream key
    two = record("old first-key, new second-key")
    assert safety.filter(two) and two.getMessage() == f"old first-key, new {REDACTED}"


def test_exception_text_is_redacted_too() -> None:
    try:
        raise ValueError("bad token accessToken=leaky")
    except ValueError as error:
        item = record("failed", exc=error)
    SafeRecordFilter().filter(item)
    assert item.exc_text is not None and "leaky" not in item.exc_text and REDACTED in item.exc_text


def test_a_malformed_request_is_one_info_line() -> None:
    try:
        raise LineTooLong("/api/x?accessToken=zzz" + "a" * 100, "8190")
    except LineTooLong as error:
        item = record("Error handling request from %s", "127.0.0.1", name="aiohttp.server", exc=error)
    SafeRecordFilter().filter(item)
    assert item.levelno == logging.INFO
    assert item.exc_info is None and item.exc_text is None
    assert item.getMessage() == "Error handling request from 127.0.0.1: LineTooLong (HTTP 400)"


def test_our_own_errors_keep_their_traceback() -> None:
    try:
        raise RuntimeError("a bug")
    except RuntimeError as error:
        item = record("oops", exc=error)
    SafeRecordFilter().filter(item)
    assert item.levelno == logging.ERROR and item.exc_text and "RuntimeError: a bug" in item.exc_text
    assert sys.exc_info() == (None, None, None)


def test_sqlite_debug_lines_keep_the_statement_and_drop_its_parameters() -> None:
    import functools
    import sqlite3

    connection = sqlite3.connect(":memory:")
    call = functools.partial(
        connection.execute, "UPDATE config SET value = ? WHERE key = ?", ("n3w-k3y", "k")
    )
    record = logging.LogRecord("aiosqlite", logging.DEBUG, __file__, 1, "executing %s", (call,), None)
    SafeRecordFilter().filter(record)
    assert record.getMessage() == "executing execute('UPDATE config SET value = ? WHERE key = ?', …)"
    connection.close()
