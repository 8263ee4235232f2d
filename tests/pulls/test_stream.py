"""The pull stream parser: no object lost or doubled, however the bytes were cut."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.pulls.stream import PullEvent, PullStreamParser, event_from_json
from tests.pulls.recorded import STREAMS, chunks, lines, stream_bytes


def _parse(pieces: list[bytes]) -> list[PullEvent]:
    parser = PullStreamParser()
    events: list[PullEvent] = []
    for piece in pieces:
        events += parser.feed(piece)
    events += parser.finish()
    assert not parser.skipped
    return events


def _expected(name: str) -> list[PullEvent]:
    decoded = [event_from_json(line) for line in lines(name)]
    return [event for event in decoded if event is not None]


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_recorded_streams_parse_as_the_engine_cut_them(name: str) -> None:
    expected = _expected(name)
    assert len(expected) == len(lines(name)) > 2
    assert _parse(chunks(name)) == expected


@pytest.mark.parametrize("name", ["shared_base_download", "multi_layer_download", "up_to_date"])
def test_a_cut_at_every_byte_boundary_loses_nothing(name: str) -> None:
    data = stream_bytes(name)
    expected = _expected(name)
    for cut in range(len(data) + 1):
        assert _parse([data[:cut], data[cut:]]) == expected, f"cut at byte {cut}"


def test_a_long_stream_cut_in_three_at_many_places() -> None:
    data = stream_bytes("registry_stopped")
    expected = _expected("registry_stopped")
    rng = random.Random(4)
    for _ in range(200):
        first, second = sorted(rng.randrange(len(data) + 1) for _ in range(2))
        assert _parse([data[:first], data[first:second], data[second:]]) == expected


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_one_byte_at_a_time(name: str) -> None:
    data = stream_bytes(name)
    assert _parse([data[i : i + 1] for i in range(len(data))]) == _expected(name)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=300), min_size=1, max_size=80))
def test_any_chunking_gives_the_same_events(sizes: list[int]) -> None:
    data = stream_bytes("shared_base_download")
    pieces, offset = [], 0
    for size in sizes:
        pieces.append(data[offset : offset + size])
        offset += size
    pieces.append(data[offset:])
    assert _parse(pieces) == _expected("shared_base_download")


def test_several_objects_in_one_read_with_any_whitespace_between() -> None:
    data = (
        b'{"status":"Pulling fs layer","progressDetail":{},"id":"aaa"}{"status":"Waiting","id":"aaa"}'
        b' \t {"status":"Downloading","progressDetail":{"current":5,"total":10},"id":"aaa"}\r\n\r\n\n'
        b'  {"status":"Status: Image is up to date for x"}'
    )
    events = _parse([data])
    assert [event.status for event in events] == [
        "Pulling fs layer", "Waiting", "Downloading", "Status: Image is up to date for x"
    ]
    assert (events[2].layer, events[2].current, events[2].total) == ("aaa", 5, 10)


def test_a_character_split_between_reads_is_joined() -> None:
    message = '{"error":"registry says: no → manifest for “x”"}\n'.encode()
    arrow = message.index("→".encode())
    events = _parse([message[: arrow + 1], message[arrow + 1 : arrow + 2], message[arrow + 2 :]])
    assert events == [PullEvent(error="registry says: no → manifest for “x”")]


def test_braces_inside_strings_do_not_end_an_object() -> None:
    data = b'{"error":"bad {json} [here] \\"quoted\\" }}"}\n'
    for cut in range(len(data)):
        assert _parse([data[:cut], data[cut:]]) == [PullEvent(error='bad {json} [here] "quoted" }}')]


def test_error_lines_keep_the_engines_words() -> None:
    message = "write /x: no space left on device"
    line = {"errorDetail": {"message": message}, "error": message}
    assert event_from_json(line) == PullEvent(error=message)
    assert event_from_json({"errorDetail": {"message": "only detail"}}) == PullEvent(error="only detail")


def test_the_pulling_from_line_is_about_the_image_not_a_layer() -> None:
    event = event_from_json({"status": "Pulling from eris/ipfs", "id": "latest"})
    assert event == PullEvent(status="Pulling from eris/ipfs", subject="latest")


def test_text_that_is_not_json_is_skipped_and_parsing_goes_on() -> None:
    parser = PullStreamParser()
    events = parser.feed(b'<html>proxy error</html>\n{"status":"Waiting","id":"a"}\n{"status": nope}\n')
    events += parser.feed(b'{"status":"Pull complete","id":"a"}\n')
    assert [event.status for event in events] == ["Waiting", "Pull complete"]
    assert parser.skipped == ["<html>proxy error</html>\n", '{"status": nope}']


def test_a_stream_cut_mid_object_leaves_the_tail_unparsed() -> None:
    parser = PullStreamParser()
    events = parser.feed(b'{"status":"Waiting","id":"a"}\n{"status":"Downlo')
    assert len(events) == 1 and parser.has_partial_line
    assert parser.finish() == []
    assert parser.skipped == ['{"status":"Downlo']


def test_odd_values_do_not_become_numbers() -> None:
    event = event_from_json({"status": "Downloading", "id": "a", "progressDetail": {"current": True, "total": -1}})
    assert event == PullEvent(status="Downloading", layer="a")
    assert event_from_json(["not", "an", "object"]) is None
