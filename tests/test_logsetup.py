"""Where log lines go and in which form (`logsetup`): JSON lines, library noise kept out of debug."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ownstream.logsetup import LogOptions, configure_logging
from tests.logging_state import flush_all, own_logging


def test_json_format_is_one_object_per_line_with_the_exception(tmp_path: Path) -> None:
    with own_logging():
        configure_logging(LogOptions(level="info", log_dir=tmp_path, log_format="json"))
        log = logging.getLogger("ownstream.example")
        log.info("hello %s", "there")
        try:
            raise ValueError("broken\nacross lines")
        except ValueError:
            log.exception("it failed")
        flush_all()
    lines = (tmp_path / "ownstream.log").read_text().splitlines()
    documents = [json.loads(line) for line in lines]
    assert len(documents) == 2
    assert {"time", "level", "logger", "message"} <= set(documents[0])
    assert documents[0]["message"] == "hello there" and documents[0]["level"] == "info"
    assert documents[0]["logger"] == "ownstream.example"
    assert documents[1]["level"] == "error" and "ValueError: broken" in documents[1]["exception"]


def _debug_lines(tmp_path: Path, *, debug_libraries: bool) -> str:
    with own_logging():
        configure_logging(LogOptions(level="debug", log_dir=tmp_path, debug_libraries=debug_libraries))
        logging.getLogger("ownstream.example").debug("our own detail")
        logging.getLogger("aiosqlite").debug("executing SELECT 1")
        logging.getLogger("markdown_it.rules_block.code").debug("entering code")
        logging.getLogger("botocore.hooks").debug("event registered")
        logging.getLogger("aiosqlite").warning("a library warning")
        flush_all()
    return (tmp_path / "ownstream.log").read_text()


def test_debug_leaves_library_noise_out(tmp_path: Path) -> None:
    text = _debug_lines(tmp_path, debug_libraries=False)
    assert "our own detail" in text and "a library warning" in text
    for noise in ("executing SELECT 1", "entering code", "event registered"):
        assert noise not in text


def test_debug_libraries_brings_it_back(tmp_path: Path) -> None:
    text = _debug_lines(tmp_path, debug_libraries=True)
    for line in ("our own detail", "executing SELECT 1", "entering code", "event registered"):
        assert line in text


def test_access_and_transcoder_lines_have_their_own_files(tmp_path: Path) -> None:
    with own_logging():
        configure_logging(LogOptions(level="info", log_dir=tmp_path))
        logging.getLogger("ownstream.access").info('127.0.0.1 "GET / HTTP/1.1" 200')
        logging.getLogger("ownstream.transcoder").info("[abc] frame noise")
        flush_all()
    main = (tmp_path / "ownstream.log").read_text()
    assert "GET /" not in main and "frame noise" not in main
    assert "GET /" in (tmp_path / "access.log").read_text()
    assert "frame noise" in (tmp_path / "transcoder.log").read_text()
