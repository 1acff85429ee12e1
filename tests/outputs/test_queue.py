"""One output's queue: from the first byte, or from a keyframe after falling behind or joining late."""

from __future__ import annotations

import asyncio

import pytest

from ownstream.ingest.flv import FlvTag, TagRole, TagType, media_tag, metadata_tag
from ownstream.ingest.stream_header import StreamHeader
from ownstream.outputs.protocol import QueuePolicy
from ownstream.outputs.queue import OutputQueue
from tests.outputs.fakes import audio, frame_number, opening, video

HEADERS = [TagRole.FILE_HEADER, TagRole.METADATA, TagRole.VIDEO_CONFIG, TagRole.AUDIO_CONFIG]


def feed(header: StreamHeader, queue: OutputQueue, tags: list[FlvTag]) -> None:
    """What the fan-out does with a batch: note it, then offer it."""
    for tag in tags:
        header.note(tag)
    queue.offer(tags, sum(len(tag.data) for tag in tags))


def frames(tags: list[FlvTag]) -> list[int]:
    return [number for tag in tags if (number := frame_number(tag)) is not None]


async def take(queue: OutputQueue) -> list[FlvTag]:
    taken = await asyncio.wait_for(queue.take(), 1)
    assert taken is not None
    return taken


async def test_a_queue_made_before_the_stream_gets_it_from_the_first_byte() -> None:
    header = StreamHeader()
    queue = OutputQueue("out", QueuePolicy(max_bytes=100_000), header)
    leading_audio = audio(0)  # before the first keyframe: kept, as the transcoder always got it
    feed(header, queue, [*opening(), leading_audio, video(0), video(1)])
    taken = await take(queue)
    assert [tag.role for tag in taken] == [*HEADERS, TagRole.AUDIO, TagRole.KEYFRAME, TagRole.VIDEO]
    assert taken[0].data.startswith(b"FLV\x01\x05")
    assert b"".join(tag.data for tag in taken[1:]) == b"".join(
        tag.data for tag in [*opening(), leading_audio, video(0), video(1)]
    )


async def test_falling_behind_drops_media_to_the_next_keyframe_and_keeps_the_configuration() -> None:
    header = StreamHeader()
    queue = OutputQueue("slow", QueuePolicy(max_bytes=2_000), header)
    feed(header, queue, opening())
    for index in range(41):
        feed(header, queue, [video(index), audio(index)])
    assert queue.queued_bytes <= 2_000
    taken = await take(queue)
    assert [tag.role for tag in taken[:4]] == HEADERS
    assert frames(taken) == list(range(30, 41))
    assert taken[4].role is TagRole.KEYFRAME  # no audio from before the keyframe
    assert queue.dropped_tags > 0
    assert queue.peak_bytes <= 2_000 + len(video(0).data) + len(audio(0).data)


async def test_a_new_configuration_while_dropping_replaces_the_queued_one() -> None:
    header = StreamHeader()
    queue = OutputQueue("slow", QueuePolicy(max_bytes=1_000), header)
    feed(header, queue, opening())
    for index in range(20):
        feed(header, queue, [video(index)])
    newer = media_tag(TagType.VIDEO, 700, b"\x17\x00\x00\x00\x00\x01\x4d")
    newer_metadata = metadata_tag({"videocodecid": 7.0, "width": 640.0}, 700)
    feed(header, queue, [newer, newer_metadata, video(21), video(30)])
    taken = await take(queue)
    configs = [tag for tag in taken if tag.role in (TagRole.VIDEO_CONFIG, TagRole.METADATA)]
    assert configs == [newer, newer_metadata] or configs == [newer_metadata, newer]
    assert frames(taken) == [30]


async def test_an_audio_only_stream_resumes_at_any_audio_frame() -> None:
    header = StreamHeader()
    queue = OutputQueue("slow", QueuePolicy(max_bytes=500), header)
    aac_config = media_tag(TagType.AUDIO, 0, b"\xaf\x00\x12\x10")
    feed(header, queue, [metadata_tag({"audiocodecid": 10.0}), aac_config])
    for index in range(60):
        feed(header, queue, [audio(index)])
    taken = await take(queue)
    assert taken[-1].payload == audio(59).payload
    assert queue.dropped_tags > 0


async def test_a_late_queue_starts_with_the_prelude_then_the_next_keyframe() -> None:
    header = StreamHeader()
    early = OutputQueue("early", QueuePolicy(max_bytes=100_000), header)
    feed(header, early, [*opening(), video(0), audio(0), video(1)])
    late = OutputQueue("late", QueuePolicy(max_bytes=100_000), header)
    for index in range(2, 33):
        for queue in (early, late):
            queue.offer([video(index)], len(video(index).data))
    taken = await take(late)
    assert [tag.role for tag in taken[:4]] == HEADERS
    assert taken[0].data == (await take(early))[0].data
    assert frames(taken) == [30, 31, 32]


async def test_a_lossless_queue_holds_ingest_until_the_output_takes() -> None:
    header = StreamHeader()
    queue = OutputQueue("primary", QueuePolicy(max_bytes=500, lossless=True), header)
    feed(header, queue, [*opening(), *(video(index) for index in range(10))])
    assert queue.queued_bytes > 500 and queue.dropped_tags == 0
    waiting = asyncio.create_task(queue.wait_for_room(5.0))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    taken = await take(queue)
    await asyncio.wait_for(waiting, 1)
    assert frames(taken) == list(range(10)) and not queue.stalled


async def test_a_lossless_queue_that_takes_nothing_stalls_and_then_drops() -> None:
    header = StreamHeader()
    queue = OutputQueue("primary", QueuePolicy(max_bytes=1_000, lossless=True), header)
    feed(header, queue, [*opening(), *(video(index) for index in range(10))])
    assert queue.queued_bytes > 1_000
    await asyncio.wait_for(queue.wait_for_room(0.05), 1)
    assert queue.stalled
    for index in range(10, 36):
        feed(header, queue, [video(index)])
    await asyncio.wait_for(queue.wait_for_room(5.0), 0.1)  # a stalled output holds nobody up
    assert queue.queued_bytes <= 1_000
    taken = await take(queue)
    assert not queue.stalled
    assert [tag.role for tag in taken[:4]] == HEADERS and frames(taken) == list(range(30, 36))


@pytest.mark.parametrize("discard", [False, True])
async def test_closing_hands_over_the_rest_unless_discarded(discard: bool) -> None:
    header = StreamHeader()
    queue = OutputQueue("out", QueuePolicy(max_bytes=100_000), header)
    feed(header, queue, [*opening(), video(0)])
    queue.close(discard=discard)
    if not discard:
        assert frames(await take(queue)) == [0]
    assert await asyncio.wait_for(queue.take(), 1) is None
    feed(header, queue, [video(1)])
    assert await asyncio.wait_for(queue.take(), 1) is None
