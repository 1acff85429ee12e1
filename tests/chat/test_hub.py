"""The hub with in-memory outlets: bounded queues, batching, dropping slow sockets, delayed close."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from ownstream.chat.hub import DIRECT_WRITE_LIMIT, ChatClient, ChatHub, text_frame
from ownstream.domain.users import User

NOW = datetime(2024, 1, 1, tzinfo=UTC)
USER = User("u1", "one", 1, NOW, None, ("one",), None, (), "STANDARD", None, None)
OTHER = User("u2", "two", 2, NOW, None, ("two",), None, (), "STANDARD", None, None)


class MemoryOutlet:
    """A socket; by default its transport never takes direct writes, so every event goes through the
    queue (the path that batches and drops). `direct=True` takes them while its buffer is small."""

    def __init__(self, *, stalled: bool = False, direct: bool = False) -> None:
        self.frames: list[bytes] = []
        self.wire: list[bytes] = []
        self.direct = direct
        self.buffered = 0
        self.gate = asyncio.Event()
        if not stalled:
            self.gate.set()
        self.closed = False
        self.aborted = False

    async def send(self, frame: bytes) -> None:
        await self.gate.wait()
        self.frames.append(frame)

    def write_now(self, wire_frame: bytes, limit: int) -> bool:
        if not self.direct or self.buffered > limit:
            return False
        self.wire.append(wire_frame)
        return True

    async def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def events(self) -> list[bytes]:
        return [line for frame in self.frames for line in frame.split(b"\n")]


def connect(hub: ChatHub, outlet: MemoryOutlet, user: User = USER) -> ChatClient:
    return hub.connect(outlet, user, ip_address="127.0.0.1", user_agent="test", connected_at=NOW)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_client_ids_count_from_zero() -> None:
    hub = ChatHub()
    ids = [connect(hub, MemoryOutlet()).id for _ in range(3)]
    assert ids == [0, 1, 2]
    await hub.close_all()


async def test_events_queued_together_go_out_as_one_frame() -> None:
    hub = ChatHub()
    outlet = MemoryOutlet()
    connect(hub, outlet)
    for n in range(3):
        hub.broadcast(b'{"n":%d}' % n)
    await settle()
    assert outlet.frames == [b'{"n":0}\n{"n":1}\n{"n":2}']
    hub.broadcast(b'{"n":3}')
    await settle()
    assert outlet.frames[-1] == b'{"n":3}'
    await hub.close_all()


async def test_a_stalled_socket_is_dropped_and_the_others_get_everything() -> None:
    hub = ChatHub(queue_size=8)
    fast, slow = MemoryOutlet(), MemoryOutlet(stalled=True)
    connect(hub, fast)
    slow_client = connect(hub, slow, OTHER)
    for n in range(20):
        hub.broadcast(b"%d" % n)
        await asyncio.sleep(0)
    await settle()
    assert slow.aborted and slow_client.closed
    assert hub.get(slow_client.id) is None and len(hub) == 1 and hub.dropped == 1
    assert fast.events() == [b"%d" % n for n in range(20)]
    await hub.close_all()


async def test_broadcast_never_waits_for_a_socket() -> None:
    hub = ChatHub(queue_size=1000)
    outlets = [MemoryOutlet(stalled=True) for _ in range(100)]
    for outlet in outlets:
        connect(hub, outlet)
    for _ in range(500):
        hub.broadcast(b"x")  # synchronous: nothing here can block on a socket
    assert len(hub) == 100
    for outlet in outlets:
        outlet.gate.set()
    await settle()
    assert all(len(outlet.events()) == 500 for outlet in outlets)
    await hub.close_all()


async def test_send_to_one_and_to_a_user() -> None:
    hub = ChatHub()
    a, b, c = MemoryOutlet(), MemoryOutlet(), MemoryOutlet()
    first = connect(hub, a)
    connect(hub, b, OTHER)
    connect(hub, c)
    hub.send(first, b"only-a")
    hub.send_to(hub.clients_of(USER.id), b"user-one")
    await settle()
    assert a.events() == [b"only-a", b"user-one"]
    assert b.events() == []
    assert c.events() == [b"user-one"]
    await hub.close_all()


async def test_the_fanout_calls_address_sockets_by_id() -> None:
    hub = ChatHub(process_slot=2)
    a, b, c = MemoryOutlet(), MemoryOutlet(), MemoryOutlet()
    first, second, third = connect(hub, a), connect(hub, b, OTHER), connect(hub, c)
    assert [first.id, second.id, third.id] == [2 << 43, (2 << 43) + 1, (2 << 43) + 2]
    hub.send_to_client(second.id, b"only-b")
    hub.send_to_client(12345, b"nobody")  # an id nobody holds is not an error
    hub.send_to_user(USER.id, b"user-one")
    renamed = replace(USER, display_name="uno")
    hub.update_user(renamed)
    assert first.user is renamed and third.user is renamed and second.user is OTHER
    assert [client.client_id for client in await hub.connected_clients()] == [first.id, second.id, third.id]
    hub.close_user_sockets(USER.id, delay=0.05)
    hub.close_user_sockets(OTHER.id)
    await settle()
    assert a.events() == c.events() == [b"user-one"] and b.events() == [b"only-b"]
    assert b.closed and not a.closed
    await asyncio.sleep(0.1)
    assert a.closed and c.closed
    await hub.close_all()


async def test_close_after_flushes_first_then_closes() -> None:
    hub = ChatHub()
    outlet = MemoryOutlet()
    client = connect(hub, outlet)
    hub.send(client, b"bye")
    client.close_after(0.05)
    await asyncio.sleep(0.01)
    assert outlet.events() == [b"bye"] and not outlet.closed
    await asyncio.sleep(0.1)
    assert outlet.closed
    await hub.disconnect(client)
    assert client.writer_task.done()


async def test_disconnect_stops_the_writer_task() -> None:
    hub = ChatHub()
    client = connect(hub, MemoryOutlet(stalled=True))
    hub.send(client, b"x")
    await settle()
    await hub.disconnect(client)
    assert client.writer_task.done() and len(hub) == 0


async def test_a_failing_send_closes_the_client_quietly() -> None:
    class Broken(MemoryOutlet):
        async def send(self, frame: bytes) -> None:
            raise ConnectionResetError("gone")

    hub = ChatHub()
    outlet = Broken()
    client = connect(hub, outlet)
    hub.broadcast(b"x")
    await settle()
    assert client.closed and outlet.aborted
    hub.broadcast(b"y")  # ignored, not an error
    await hub.disconnect(client)


def test_text_frame_lengths() -> None:
    assert text_frame(b"hi") == b"\x81\x02hi"
    assert text_frame(b"x" * 200)[:4] == b"\x81\x7e\x00\xc8"
    assert text_frame(b"x" * 70_000)[:10] == b"\x81\x7f" + (70_000).to_bytes(8, "big")


async def test_sockets_that_keep_up_get_the_frame_written_directly() -> None:
    hub = ChatHub()
    fast = MemoryOutlet(direct=True)
    slow = MemoryOutlet(direct=True)
    connect(hub, fast)
    connect(hub, slow, OTHER)
    await settle()
    hub.broadcast(b'{"n":0}')
    slow.buffered = DIRECT_WRITE_LIMIT + 1
    hub.broadcast(b'{"n":1}')
    hub.broadcast(b'{"n":2}')
    await settle()
    assert fast.wire == [text_frame(b'{"n":0}'), text_frame(b'{"n":1}'), text_frame(b'{"n":2}')]
    assert fast.frames == []
    # Behind: the rest goes through the queue, batched into one frame, in order.
    assert slow.wire == [text_frame(b'{"n":0}')]
    assert slow.frames == [b'{"n":1}\n{"n":2}']
    await hub.close_all()


async def test_the_site_wide_limit_counts_the_sockets_of_the_other_processes() -> None:
    hub = ChatHub(max_sockets=10)
    assert not hub.full  # no site-wide limit: only the process's own
    hub.site_max_sockets = 3
    connect(hub, MemoryOutlet())
    assert not hub.full
    hub.sockets_elsewhere = 2
    assert hub.full
    hub.sockets_elsewhere = 1
    assert not hub.full
    hub.site_max_sockets = 20
    for _ in range(9):
        connect(hub, MemoryOutlet())
    assert hub.full  # the process's own limit still holds
    await hub.close_all()
