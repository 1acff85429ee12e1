"""The receiving side of bench/chat_fanout.py: many chat WebSocket clients in one lean process.

One thread, one `epoll`, non-blocking sockets and a hand-written RFC 6455 client (handshake, unmasked
server frames, pong, close): no task, coroutine or message object per socket or per frame, so the receiving
core stays well below the server's cost per delivery (see docs/benchmarks.md, "Chat fan-out").

Each socket opens `ws://host:port/ws?accessToken=…` (tokens are reused round-robin: the server allows
several sockets per user) and counts as ready once its `CONNECTED_USER_INFO` arrives (the hub has it).

Every text frame is split into events on `\\n`. Benchmark messages carry `bench <seq> <send time_ns>` in
their body; for each one the receive time (`time.time_ns()` right after `recv`, same machine, same clock)
minus the send time goes into a 0.1 ms histogram, and the per-message and per-socket counts are kept so the
parent can tell whether every message reached every socket.

Control is line-based JSON on stdin/stdout: the process prints `{"event": "ready", …}` once all sockets
are connected (or the connect deadline passed), answers `status` with the running totals and `stop` by
writing the full result (histogram included) to `--result-file`, then closes its sockets (RST, no
TIME_WAIT) and exits. EOF on stdin also stops it.

    .venv/bin/python bench/chat_fanout_clients.py --port P --tokens-file F --count N --messages 400 \
        --result-file R
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import errno
import json
import os
import re
import resource
import select
import socket
import struct
import sys
import time
from collections import Counter
from typing import Any

BENCH_EVENT = re.compile(rb"bench (\d+) (\d+)")
RECV_BYTES = 256 * 1024
BUCKET_NS = 100_000
"""Latency histogram resolution: 0.1 ms."""
MAX_BUCKET = 600_000
"""60 s; anything later lands in the last bucket."""

CONNECTING, HANDSHAKE, OPEN, CLOSED = range(4)
LINGER_RESET = struct.pack("ii", 1, 0)
PONG_EMPTY = b"\x8a\x80\x00\x00\x00\x00"
"""A masked (all-zero key) empty pong, as a client must mask its frames."""


def raise_open_file_limit() -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (payload < 126 bytes) with an all-zero masking key, which leaves the payload as is."""
    return bytes((0x80 | opcode, 0x80 | len(payload))) + b"\x00\x00\x00\x00" + payload


class Conn:
    __slots__ = ("buf", "fd", "got", "index", "ready", "sock", "started", "state")

    def __init__(self, index: int, sock: socket.socket) -> None:
        self.index = index
        self.sock = sock
        self.fd = sock.fileno()
        self.state = CONNECTING
        self.buf = b""
        self.ready = False
        self.got = 0
        self.started = time.monotonic()


class Clients:
    def __init__(self, args: argparse.Namespace, tokens: list[str]) -> None:
        self.host: str = args.host
        self.port: int = args.port
        self.count: int = args.count
        self.concurrency: int = args.concurrency
        self.connect_timeout: float = args.connect_timeout
        self.tokens = tokens
        self.epoll = select.epoll()
        self.conns: dict[int, Conn] = {}
        self.next_index = 0
        self.pending = 0
        self.ready = 0
        self.failures: Counter[str] = Counter()
        self.closed_after_ready: Counter[str] = Counter()
        self.hist = [0] * (MAX_BUCKET + 1)
        self.per_message = [0] * args.messages
        self.bench_events = 0
        self.other_events = 0
        self.frames = 0
        self.bytes = 0
        self.first_ns = 0
        self.last_ns = 0
        self.cpu_at_first = os.times()
        self.connect_started = time.monotonic()
        self.connect_seconds = 0.0

    # --- connecting ---------------------------------------------------------------------------------
    def open_more(self) -> None:
        while self.pending < self.concurrency and self.next_index < self.count:
            index = self.next_index
            self.next_index += 1
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
            code = sock.connect_ex((self.host, self.port))
            if code not in (0, errno.EINPROGRESS):
                self.failures[f"connect: {errno.errorcode.get(code, code)}"] += 1
                sock.close()
                continue
            conn = Conn(index, sock)
            self.conns[conn.fd] = conn
            self.epoll.register(conn.fd, select.EPOLLOUT)
            self.pending += 1

    def handshake_request(self, conn: Conn) -> bytes:
        token = self.tokens[conn.index % len(self.tokens)]
        key = base64.b64encode(os.urandom(16)).decode()
        return (
            f"GET /ws?accessToken={token} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\nUser-Agent: ownstream-bench\r\n\r\n"
        ).encode()

    def on_writable(self, conn: Conn) -> None:
        error = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            self.fail(conn, f"connect: {errno.errorcode.get(error, error)}")
            return
        try:
            conn.sock.send(self.handshake_request(conn))
        except OSError as exc:
            self.fail(conn, f"send: {exc.__class__.__name__}")
            return
        conn.state = HANDSHAKE
        self.epoll.modify(conn.fd, select.EPOLLIN)

    def on_handshake_data(self, conn: Conn, data: bytes) -> None:
        conn.buf += data
        end = conn.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(conn.buf) > 16384:
                self.fail(conn, "handshake: no header end")
            return
        head, rest = conn.buf[:end], conn.buf[end + 4 :]
        status = head.split(b"\r\n", 1)[0]
        if not status.startswith(b"HTTP/1.1 101"):
            self.fail(conn, f"handshake: {status.decode(errors='replace')} {rest[:60]!r}")
            return
        conn.state = OPEN
        conn.buf = b""
        if rest:
            self.on_frames(conn, rest, time.time_ns())

    def fail(self, conn: Conn, reason: str) -> None:
        self.failures[reason] += 1
        self.pending -= 1
        self.drop(conn)

    def drop(self, conn: Conn) -> None:
        conn.state = CLOSED
        self.conns.pop(conn.fd, None)
        with contextlib.suppress(OSError):
            self.epoll.unregister(conn.fd)
        conn.sock.close()

    def expire_slow_connects(self) -> None:
        now = time.monotonic()
        for conn in list(self.conns.values()):
            if not conn.ready and now - conn.started > self.connect_timeout:
                self.fail(conn, "connect: timed out")

    # --- receiving ----------------------------------------------------------------------------------
    def on_readable(self, conn: Conn) -> None:
        try:
            data = conn.sock.recv(RECV_BYTES)
        except BlockingIOError:
            return
        except OSError as exc:
            self.lost(conn, exc.__class__.__name__)
            return
        if not data:
            self.lost(conn, "EOF")
            return
        if conn.state == OPEN:
            self.on_frames(conn, data, time.time_ns())
        else:
            self.on_handshake_data(conn, data)

    def lost(self, conn: Conn, reason: str) -> None:
        if conn.ready:
            self.closed_after_ready[reason] += 1
            self.drop(conn)
        else:
            self.fail(conn, f"closed before ready: {reason}")

    def on_frames(self, conn: Conn, data: bytes, now: int) -> None:
        buf = conn.buf + data if conn.buf else data
        self.bytes += len(data)
        size = len(buf)
        pos = 0
        while size - pos >= 2:
            b1 = buf[pos + 1]
            length = b1 & 0x7F
            header = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = (buf[pos + 2] << 8) | buf[pos + 3]
                header = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                header = 10
            if b1 & 0x80:
                self.lost(conn, "protocol: masked server frame")
                return
            start = pos + header
            end = start + length
            if end > size:
                break
            opcode = buf[pos] & 0x0F
            pos = end
            if opcode <= 2:
                self.on_text(conn, buf, start, end, now)
            elif opcode == 9:
                payload = buf[start:end]
                pong = masked_frame(0xA, payload) if len(payload) < 126 else PONG_EMPTY
                try:
                    conn.sock.send(pong)
                except OSError as exc:
                    self.lost(conn, exc.__class__.__name__)
                    return
            elif opcode == 8:
                code = (buf[start] << 8) | buf[start + 1] if length >= 2 else 1005
                self.lost(conn, f"close frame {code}")
                return
        conn.buf = buf[pos:] if pos < size else b""

    def on_text(self, conn: Conn, buf: bytes, start: int, end: int, now: int) -> None:
        self.frames += 1
        events = buf.count(b"\n", start, end) + 1
        hits = 0
        hist = self.hist
        per_message = self.per_message
        for match in BENCH_EVENT.finditer(buf, start, end):
            hits += 1
            per_message[int(match[1])] += 1
            bucket = (now - int(match[2])) // BUCKET_NS
            hist[bucket if bucket < MAX_BUCKET else MAX_BUCKET] += 1
        if hits:
            conn.got += hits
            self.bench_events += hits
            if not self.first_ns:
                self.first_ns = now
                self.cpu_at_first = os.times()
            self.last_ns = now
        self.other_events += events - hits
        if not conn.ready and buf.find(b'"CONNECTED_USER_INFO"', start, end) >= 0:
            conn.ready = True
            self.pending -= 1
            self.ready += 1

    # --- reporting ----------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        return {
            "event": "status",
            "ready": self.ready,
            "open": sum(1 for c in self.conns.values() if c.ready),
            "bench_events": self.bench_events,
            "last_ns": self.last_ns,
            "closed_after_ready": sum(self.closed_after_ready.values()),
        }

    def result(self) -> dict[str, Any]:
        counts = [c.got for c in self.conns.values() if c.ready]
        cpu = os.times()
        return {
            "cpu_since_first_event": {
                "user": cpu.user - self.cpu_at_first.user,
                "system": cpu.system - self.cpu_at_first.system,
            },
            "event": "result",
            "ready": self.ready,
            "open": len(counts),
            "connect_seconds": self.connect_seconds,
            "failures": dict(self.failures),
            "closed_after_ready": dict(self.closed_after_ready),
            "bench_events": self.bench_events,
            "other_events": self.other_events,
            "frames": self.frames,
            "bytes": self.bytes,
            "first_ns": self.first_ns,
            "last_ns": self.last_ns,
            "per_message": self.per_message,
            "per_socket_min": min(counts) if counts else 0,
            "per_socket_max": max(counts) if counts else 0,
            "hist": {str(i): n for i, n in enumerate(self.hist) if n},
            "bucket_ns": BUCKET_NS,
        }

    def close_all(self) -> None:
        for conn in list(self.conns.values()):
            self.drop(conn)


def emit(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


def run(args: argparse.Namespace) -> None:
    if args.core is not None:
        os.sched_setaffinity(0, {args.core})
    raise_open_file_limit()
    with open(args.tokens_file) as handle:
        tokens = [line.strip() for line in handle if line.strip()]
    clients = Clients(args, tokens)
    stdin_fd = sys.stdin.fileno()
    os.set_blocking(stdin_fd, False)
    clients.epoll.register(stdin_fd, select.EPOLLIN)
    stdin_buf = b""
    announced = False
    next_expiry = time.monotonic() + 1.0
    conns = clients.conns
    clients.open_more()
    while True:
        for fd, mask in clients.epoll.poll(0.5):
            if fd == stdin_fd:
                chunk = os.read(stdin_fd, 4096)
                if not chunk:
                    clients.close_all()
                    return
                stdin_buf += chunk
                while b"\n" in stdin_buf:
                    line, stdin_buf = stdin_buf.split(b"\n", 1)
                    command = line.strip().decode()
                    if command == "status":
                        emit(clients.status())
                    elif command == "stop":
                        with open(args.result_file, "w") as out:
                            json.dump(clients.result(), out)
                        emit({"event": "stopped", "result_file": args.result_file})
                        clients.close_all()
                        return
                continue
            conn = conns.get(fd)
            if conn is None:
                continue
            if conn.state == CONNECTING:
                if mask & (select.EPOLLOUT | select.EPOLLERR | select.EPOLLHUP):
                    clients.on_writable(conn)
            else:
                clients.on_readable(conn)
        if not announced:
            clients.open_more()
            now = time.monotonic()
            if now >= next_expiry:
                clients.expire_slow_connects()
                next_expiry = now + 1.0
            done = clients.next_index >= clients.count and clients.pending == 0
            if done or now - clients.connect_started > args.connect_deadline:
                clients.connect_seconds = now - clients.connect_started
                announced = True
                emit(
                    {
                        "event": "ready",
                        "ready": clients.ready,
                        "pending": clients.pending,
                        "failures": dict(clients.failures),
                        "seconds": clients.connect_seconds,
                        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE),
                    }
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens-file", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--messages", type=int, required=True, help="number of bench messages (seq range)")
    parser.add_argument("--concurrency", type=int, default=100, help="connects in flight at once")
    parser.add_argument("--connect-timeout", type=float, default=30.0, help="per socket, seconds")
    parser.add_argument("--connect-deadline", type=float, default=150.0, help="all sockets, seconds")
    parser.add_argument("--result-file", required=True, help="where `stop` writes the result JSON")
    parser.add_argument("--core", type=int, default=None, help="pin this process to one CPU core")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
