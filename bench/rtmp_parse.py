"""CPU cost of the sans-IO RTMP ingest core per second of 8 Mbit/s media.

A synthetic publisher transcript (handshake, connect, publish, metadata, then 30 fps H.264-sized video
frames with a keyframe every 2 s and ~47 AAC frames/s, 8 Mbit/s in total) is fed through
`ServerSession` in socket-sized reads, at chunk size 128 (librtmp never raises it) and 4096. For each
case it reports the median, over several runs, of CPU microseconds per second of media and that as a
percentage of one core: for the session alone, and with FLV tag encoding (what the server then writes
into the sink).

    .venv/bin/python bench/rtmp_parse.py [--seconds 60] [--runs 5] [--kbps 8000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from ownstream.ingest.flv import media_tag
from ownstream.ingest.rtmp import amf0
from ownstream.ingest.rtmp.chunks import ChunkWriter
from ownstream.ingest.rtmp.events import MediaReceived, PublishRequested
from ownstream.ingest.rtmp.messages import Command, MessageType, RtmpMessage, command_message, set_chunk_size
from ownstream.ingest.rtmp.session import ServerSession

FPS = 30
AUDIO_FRAME_MS = 1024 / 48  # AAC at 48 kHz
AUDIO_KBPS = 128
KEYFRAME_EVERY = 2 * FPS
KEYFRAME_WEIGHT = 8  # a keyframe is this many times an inter frame


def transcript(seconds: float, kbps: int, chunk_size: int) -> bytes:
    rng = random.Random(1)
    noise = rng.randbytes(4 * 1024 * 1024)
    writer = ChunkWriter(128)
    parts = [b"\x03" + bytes(1536), bytes(1536)]

    def send(csid: int, message: RtmpMessage) -> None:
        parts.append(writer.write(csid, message))

    def command(name: str, transaction: float, obj: object, *args: object, stream_id: int = 0) -> None:
        send(3, command_message(Command(name, transaction, obj, args), stream_id))

    if chunk_size != 128:
        send(2, set_chunk_size(chunk_size))
        writer.chunk_size = chunk_size
    command("connect", 1.0, {"app": "live", "tcUrl": "rtmp://127.0.0.1/live", "flashVer": "FMLE/3.0"})
    command("releaseStream", 2.0, None, "abc123")
    command("FCPublish", 3.0, None, "abc123")
    command("createStream", 4.0, None)
    command("publish", 5.0, None, "abc123", "live", stream_id=1)
    metadata = amf0.EcmaArray(width=1280.0, height=720.0, videocodecid=7.0, audiocodecid=10.0, framerate=30.0)
    send(4, RtmpMessage(MessageType.DATA_AMF0, 1, 0, amf0.encode("@setDataFrame", "onMetaData", metadata)))

    video_bytes_per_second = (kbps - AUDIO_KBPS) * 1000 // 8
    weights = KEYFRAME_WEIGHT + KEYFRAME_EVERY - 1
    inter_frame = video_bytes_per_second * 2 // weights  # bytes per inter frame over a 2 s GOP
    audio_frame = AUDIO_KBPS * 1000 // 8 * AUDIO_FRAME_MS // 1000
    schedule = [(i * 1000 // FPS, 9, i) for i in range(int(seconds * FPS))]
    schedule += [(int(i * AUDIO_FRAME_MS), 8, i) for i in range(int(seconds * 1000 / AUDIO_FRAME_MS))]
    offset = 0
    for timestamp, kind, index in sorted(schedule):
        if kind == 9:
            size = inter_frame * (KEYFRAME_WEIGHT if index % KEYFRAME_EVERY == 0 else 1)
            header = b"\x17\x01\x00\x00\x00" if index % KEYFRAME_EVERY == 0 else b"\x27\x01\x00\x00\x00"
            csid = 6
        else:
            size, header, csid = int(audio_frame), b"\xaf\x01", 4
        offset = (offset + 7919) % (len(noise) - size)
        send(csid, RtmpMessage(kind, 1, timestamp, header + noise[offset : offset + size - len(header)]))
    return b"".join(parts)


def run_once(data: bytes, read_size: int, *, mux: bool) -> float:
    """CPU seconds to turn `data` into events (and FLV tags when `mux`)."""
    session = ServerSession()
    view = memoryview(data)
    started = time.process_time()
    for start in range(0, len(data), read_size):
        session.receive_data(view[start : start + read_size])
        while (event := session.next_event()) is not None:
            if isinstance(event, MediaReceived):
                if mux:
                    media_tag(event.type_id, event.timestamp, event.payload)
            elif isinstance(event, PublishRequested):
                session.accept_publish()
        session.data_to_send()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="media seconds in the transcript")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kbps", type=int, default=8000)
    args = parser.parse_args()

    print(f"{args.kbps} kbit/s, {args.seconds:.0f} s of media, median of {args.runs} runs")
    print(f"{'chunk':>6} {'read':>7} {'stage':<16} {'µs CPU / s media':>17} {'% of a core':>12} {'MB/s':>8}")
    for chunk_size in (128, 4096):
        data = transcript(args.seconds, args.kbps, chunk_size)
        for read_size in (4096, 65536):
            for mux in (False, True):
                runs = [run_once(data, read_size, mux=mux) for _ in range(args.runs)]
                cpu = statistics.median(runs)
                per_media_second = cpu / args.seconds
                stage = "session+flv" if mux else "session"
                print(
                    f"{chunk_size:>6} {read_size:>7} {stage:<16} {per_media_second * 1e6:>17.0f}"
                    f" {per_media_second * 100:>11.3f}% {len(data) / cpu / 1e6:>8.0f}"
                )


if __name__ == "__main__":
    main()
