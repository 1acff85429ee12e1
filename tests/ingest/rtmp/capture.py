"""Records the bytes a real publisher sends, answering it with `ServerSession` (accepting any key).

`python -m tests.ingest.rtmp.capture` rewrites tests/ingest/data/ffmpeg_publish.bin with a fresh
capture from the bundled ffmpeg.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import imageio_ffmpeg

from ownstream.ingest.rtmp.events import PublishRequested
from ownstream.ingest.rtmp.session import ServerSession
from tests.ingest.rtmp.transcript import DATA_DIR

CAPTURE_FILE = DATA_DIR / "ffmpeg_publish.bin"


def ffmpeg_publish_command(url: str, seconds: float = 2.0) -> list[str]:
    return [
        imageio_ffmpeg.get_ffmpeg_exe(),
        *("-hide_banner", "-loglevel", "error", "-re"),
        *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10"),
        *("-f", "lavfi", "-i", "sine"),
        *("-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"),
        *("-f", "flv", url),
    ]


async def capture_publish(command_for_url: Sequence[str] | None = None, *, seconds: float = 2.0) -> bytes:
    """Run ffmpeg against a one-connection recording server; return everything it sent."""
    recorded = bytearray()
    finished = asyncio.Event()

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = ServerSession()
        try:
            while data := await reader.read(65536):
                recorded.extend(data)
                session.receive_data(data)
                while (event := session.next_event()) is not None:
                    if isinstance(event, PublishRequested):
                        session.accept_publish()
                writer.write(session.data_to_send())
                await writer.drain()
        finally:
            writer.close()
            finished.set()

    server = await asyncio.start_server(record, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        url = f"rtmp://127.0.0.1:{port}/live/abc123"
        command = ffmpeg_publish_command(url, seconds)
        process = await asyncio.create_subprocess_exec(*command)
        returncode = await asyncio.wait_for(process.wait(), timeout=60)
        if returncode != 0:
            raise RuntimeError(f"ffmpeg exited with {returncode}")
        await asyncio.wait_for(finished.wait(), timeout=10)
    return bytes(recorded)


if __name__ == "__main__":
    data = asyncio.run(capture_publish())
    CAPTURE_FILE.write_bytes(data)
    print(f"wrote {CAPTURE_FILE} ({len(data)} bytes)")
