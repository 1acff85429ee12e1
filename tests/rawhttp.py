"""A minimal HTTP/1.1 client over raw sockets that sends the request target byte for byte.

aiohttp and yarl normalise `..`, percent-escapes and backslashes before a request leaves the client, so
tests that must reach the server with hostile paths (traversal corpora) use this instead.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

HEADER_LIMIT = 64 * 1024


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


class RawHttpConnection:
    """One keep-alive connection; reopened transparently when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self._host = host
        self._port = port
        self._timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None or self._writer.is_closing():
            await self.close()
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        return self._reader, self._writer

    async def get(self, target: bytes, extra_headers: bytes = b"") -> RawResponse:
        """`GET <target> HTTP/1.1`; `target` goes on the wire exactly as given."""
        reader, writer = await self._connect()
        host = f"{self._host}:{self._port}".encode()
        writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\n" + extra_headers + b"\r\n")
        try:
            async with asyncio.timeout(self._timeout):
                await writer.drain()
                response, keep_alive = await _read_response(reader)
        except (ConnectionError, asyncio.IncompleteReadError):
            await self.close()
            raise
        if not keep_alive:
            await self.close()
        return response

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


async def _read_response(reader: asyncio.StreamReader) -> tuple[RawResponse, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > HEADER_LIMIT:
        raise ConnectionError("response head too large")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    keep_alive = connection == "keep-alive" if lines[0].startswith("HTTP/1.0") else connection != "close"
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            body += chunk[:-2]
            if size == 0:
                break
        return RawResponse(status, headers, bytes(body)), keep_alive
    if "content-length" in headers:
        body_bytes = await reader.readexactly(int(headers["content-length"]))
        return RawResponse(status, headers, body_bytes), keep_alive
    if status in (204, 304) or 100 <= status < 200:
        return RawResponse(status, headers, b""), keep_alive
    return RawResponse(status, headers, await reader.read()), False
