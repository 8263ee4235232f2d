"""Honest progress from recorded and hand-made streams: phases, bytes, waiting sizes, rate, the end."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.pulls.layers import LayerPhase
from app.engine.pulls.progress import Outcome, PullProgress, PullTracker
from app.engine.pulls.stream import PullEvent, PullStreamParser
from tests.pulls.recorded import stream_bytes

BASE_LAYER = "e5dce149a3ff"  # the seeded base's layer, already here in the recorded pulls


def _events(name: str) -> list[PullEvent]:
    parser = PullStreamParser()
    return parser.feed(stream_bytes(name)) + parser.finish()


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _replay(events: list[PullEvent], tracker: PullTracker | None = None) -> tuple[PullTracker, list[PullProgress]]:
    tracker = tracker or PullTracker()
    snapshots = []
    for event in events:
        tracker.apply(event)
        snapshots.append(tracker.snapshot())
    return tracker, snapshots


def _layer_totals(events: list[PullEvent]) -> dict[str, int]:
    downloads = [event for event in events if event.status == "Downloading" and event.layer and event.total]
    return {event.layer: event.total for event in downloads if event.layer and event.total}


def test_a_recorded_pull_with_a_shared_base_ends_done_with_every_byte_counted() -> None:
    events = _events("shared_base_download")
    _, snapshots = _replay(events, PullTracker(known_sizes={BASE_LAYER: 1068598}))
    final = snapshots[-1]
    assert final.outcome is Outcome.DONE and final.phase == "Downloaded newer image"
    assert final.fraction == 1.0 and final.eta == 0.0 and final.error is None
    assert final.digest is not None and final.digest.startswith("sha256:")
    totals = _layer_totals(events)
    assert len(totals) == 3
    assert final.done_bytes == final.total_bytes == sum(totals.values())
    assert [layer.layer_id for layer in final.layers if layer.already_here] == [BASE_LAYER]
    assert final.layers_already_here == 1 and final.layers_done == 4
    assert final.saved_bytes == 1068598
    for layer in final.layers:
        if not layer.already_here:
            assert layer.phase is LayerPhase.PULL_COMPLETE
            assert layer.download_current == layer.download_total == totals[layer.layer_id]
            assert layer.extract_current == layer.extract_total == totals[layer.layer_id]


@pytest.mark.parametrize("name", ["shared_base_download", "multi_layer_download"])
def test_the_fraction_never_goes_backwards(name: str) -> None:
    _, snapshots = _replay(_events(name))
    fractions = [s.fraction for s in snapshots if s.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in fractions)


def test_layers_wait_for_their_size_until_their_download_starts() -> None:
    events = _events("shared_base_download")
    _, snapshots = _replay(events)
    announced = next(i for i, e in enumerate(events) if e.status == "Downloading") - 1
    before = snapshots[announced]
    assert before.waiting_for_size == 3 and before.fraction is None and before.total_bytes == 0
    assert "3 waiting for size" in before.phase
    first = snapshots[announced + 1]
    assert first.waiting_for_size == 2 and first.fraction is not None and first.total_bytes > 0
    assert snapshots[-1].waiting_for_size == 0


def test_sizes_from_a_preview_count_before_the_engine_tells_them() -> None:
    events = _events("shared_base_download")
    sizes = _layer_totals(events)
    _, snapshots = _replay(events, PullTracker(known_sizes=sizes))
    announced = next(i for i, e in enumerate(events) if e.status == "Downloading") - 1
    assert snapshots[announced].waiting_for_size == 0
    assert snapshots[announced].total_bytes == sum(sizes.values())
    assert snapshots[announced].fraction == 0.0


def test_an_image_already_here_is_done_at_once() -> None:
    _, snapshots = _replay(_events("up_to_date"))
    assert snapshots[0].phase == "Pulling from eris/ipfs"
    final = snapshots[-1]
    assert final.outcome is Outcome.DONE and final.phase == "Image is up to date" and final.fraction == 1.0
    assert final.total_bytes == 0 and final.layers == ()


def test_an_error_line_ends_the_pull_as_failed_and_nothing_after_changes_it() -> None:
    tracker, snapshots = _replay(_events("registry_stopped"))
    final = snapshots[-1]
    assert final.outcome is Outcome.FAILED and "connection refused" in (final.error or "")
    assert final.phase == "Failed" and final.rate is None and final.eta is None
    tracker.apply(PullEvent(status="Status: Downloaded newer image for x"))
    assert tracker.snapshot().outcome is Outcome.FAILED


def test_the_engine_retrying_a_download_shows_as_such() -> None:
    events = _events("registry_stopped")
    first_retry = next(i for i, e in enumerate(events) if e.status.startswith("Retrying"))
    _, snapshots = _replay(events[: first_retry + 1])
    retrying = [layer for layer in snapshots[-1].layers if layer.phase is LayerPhase.RETRYING]
    assert retrying and retrying[0].retry_in == 5
    assert snapshots[-1].phase == "A download failed; the engine retries in 5 s"


def _interleavings(events: list[PullEvent], seed: int) -> list[PullEvent]:
    """Another order in which the engine's download threads could have written the same lines."""
    rng = random.Random(seed)
    head = [e for e in events if e.layer is None and not e.status.startswith("Status")]
    tail = [e for e in events if e.status.startswith("Status")]
    queues: dict[str, list[PullEvent]] = {}
    for event in events:
        if event.layer is not None:
            queues.setdefault(event.layer, []).append(event)
    mixed: list[PullEvent] = []
    while queues:
        layer = rng.choice(sorted(queues))
        mixed.append(queues[layer].pop(0))
        if not queues[layer]:
            del queues[layer]
    return head + mixed + tail


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_any_interleaving_of_layers_ends_in_the_same_state(seed: int) -> None:
    events = _events("multi_layer_download")
    _, expected = _replay(events)
    _, snapshots = _replay(_interleavings(events, seed))
    assert snapshots[-1].layers_done == expected[-1].layers_done
    def state(snapshot: PullProgress) -> set[tuple[str, LayerPhase, int]]:
        return {(layer.layer_id, layer.phase, layer.download_current) for layer in snapshot.layers}

    assert state(snapshots[-1]) == state(expected[-1])
    fractions = [s.fraction for s in snapshots if s.fraction is not None]
    assert fractions == sorted(fractions)


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_even_fully_shuffled_events_never_move_the_bar_back(rng: random.Random) -> None:
    events = [e for e in _events("multi_layer_download") if not e.status.startswith("Status")]
    rng.shuffle(events)
    _, snapshots = _replay(events)
    fractions = [s.fraction for s in snapshots if s.fraction is not None]
    assert fractions == sorted(fractions)
    assert all(s.outcome is Outcome.RUNNING for s in snapshots)


def test_late_news_about_an_earlier_phase_is_ignored() -> None:
    tracker = PullTracker()
    for event in [
        PullEvent(status="Downloading", layer="a", current=10, total=100),
        PullEvent(status="Download complete", layer="a"),
        PullEvent(status="Downloading", layer="a", current=50, total=100),  # late
        PullEvent(status="Pulling fs layer", layer="a"),  # later still
    ]:
        tracker.apply(event)
    (layer,) = tracker.snapshot().layers
    assert layer.phase is LayerPhase.DOWNLOAD_COMPLETE and layer.download_current == 100


def test_a_layer_first_heard_of_mid_download_is_tracked() -> None:
    tracker = PullTracker()
    tracker.apply(PullEvent(status="Extracting", layer="b", current=5, total=20))
    snapshot = tracker.snapshot()
    (layer,) = snapshot.layers
    assert layer.phase is LayerPhase.EXTRACTING and layer.download_current == 20
    assert snapshot.done_bytes == 20 and snapshot.fraction == pytest.approx(25 / 40)


def test_a_layer_that_finishes_without_a_size_counts_as_done() -> None:
    tracker = PullTracker()
    for event in [
        PullEvent(status="Pulling fs layer", layer="a"),
        PullEvent(status="Pulling fs layer", layer="b"),
        PullEvent(status="Downloading", layer="b", current=0, total=100),
        PullEvent(status="Download complete", layer="a"),
    ]:
        tracker.apply(event)
    snapshot = tracker.snapshot()
    assert snapshot.waiting_for_size == 0 and snapshot.total_bytes == 100


def test_already_here_without_a_known_size_is_done_with_no_bytes_saved() -> None:
    tracker = PullTracker()
    tracker.apply(PullEvent(status="Already exists", layer="a"))
    tracker.apply(PullEvent(status="Pulling fs layer", layer="b"))
    snapshot = tracker.snapshot()
    assert snapshot.layers_already_here == 1 and snapshot.saved_bytes == 0 and snapshot.waiting_for_size == 1


def test_rate_and_eta_follow_a_moving_average() -> None:
    clock = FakeClock()
    tracker = PullTracker(clock=clock)
    mb = 1_000_000
    tracker.apply(PullEvent(status="Downloading", layer="a", current=0, total=100 * mb))
    assert tracker.snapshot().rate is None and tracker.snapshot().eta is None
    for second in range(1, 21):
        clock.now += 1.0
        tracker.apply(PullEvent(status="Downloading", layer="a", current=second * 2 * mb, total=100 * mb))
    snapshot = tracker.snapshot()
    assert snapshot.rate == pytest.approx(2 * mb)
    # 60 MB left to download and 100 MB to extract, at the same 2 MB/s of work.
    assert snapshot.eta == pytest.approx((200 - 40) / 2, rel=0.01)
    for _ in range(10):  # the download stalls; the engine keeps talking about another layer
        clock.now += 1.0
        tracker.apply(PullEvent(status="Waiting", layer="b"))
    slowed = tracker.snapshot()
    assert slowed.rate is not None and slowed.rate < 0.1 * mb
    assert slowed.eta is None  # layer b's size is not known: no honest ETA


def test_samples_closer_than_half_a_second_do_not_make_the_rate_jump() -> None:
    clock = FakeClock()
    tracker = PullTracker(clock=clock)
    tracker.apply(PullEvent(status="Downloading", layer="a", current=0, total=1000))
    clock.now += 0.01
    tracker.apply(PullEvent(status="Downloading", layer="a", current=500, total=1000))
    assert tracker.snapshot().rate is None


def test_a_pull_failed_from_outside_the_stream() -> None:
    tracker = PullTracker()
    tracker.apply(PullEvent(status="Downloading", layer="a", current=1, total=10))
    tracker.fail("Cancelled")
    snapshot = tracker.snapshot()
    assert snapshot.outcome is Outcome.FAILED and snapshot.error == "Cancelled"
    assert snapshot.fraction == pytest.approx(1 / 20)


def test_layers_the_engine_never_sized_keep_the_bar_honest() -> None:
    """A fast local download can skip every "Downloading" line: one sized layer must not read as 100 %."""
    tracker = PullTracker()
    for layer in "abcd":
        tracker.apply(PullEvent(status="Pulling fs layer", layer=layer))
    tracker.apply(PullEvent(status="Downloading", layer="a", current=100, total=100))
    for layer in "abcd":
        tracker.apply(PullEvent(status="Download complete", layer=layer))
    tracker.apply(PullEvent(status="Pull complete", layer="a"))
    fraction = tracker.snapshot().fraction
    assert fraction is not None and 0.5 < fraction < 0.75  # all downloaded, one of four extracted
    for layer in "bcd":
        tracker.apply(PullEvent(status="Pull complete", layer=layer))
    assert tracker.snapshot().fraction == 1.0


def test_a_layer_sized_only_by_the_preview_counts_whole_once_downloaded() -> None:
    """The preview knows "b"'s size; the engine never says it, and the layer still counts every byte."""
    tracker = PullTracker(known_sizes={"a": 1000, "b": 3000})
    for layer in "ab":
        tracker.apply(PullEvent(status="Pulling fs layer", layer=layer))
    tracker.apply(PullEvent(status="Downloading", layer="a", current=500, total=1000))
    assert tracker.snapshot().done_bytes == 500
    assert tracker.snapshot().total_bytes == 4000 and tracker.snapshot().waiting_for_size == 0
    tracker.apply(PullEvent(status="Download complete", layer="b"))
    snapshot = tracker.snapshot()
    assert snapshot.done_bytes == 3500
    assert snapshot.fraction == pytest.approx(3500 / 8000)
    tracker.apply(PullEvent(status="Download complete", layer="a"))
    tracker.apply(PullEvent(status="Pull complete", layer="b"))
    snapshot = tracker.snapshot()
    assert snapshot.done_bytes == snapshot.total_bytes == 4000
    assert snapshot.fraction == pytest.approx(7000 / 8000)  # only "a" still extracting


def test_the_phase_counts_a_layer_already_here_as_done() -> None:
    tracker = PullTracker()
    tracker.apply(PullEvent(status="Already exists", layer="base"))
    for layer in "ab":
        tracker.apply(PullEvent(status="Pulling fs layer", layer=layer))
    tracker.apply(PullEvent(status="Downloading", layer="a", current=10, total=100))
    assert tracker.snapshot().phase == "Downloading layers: 1 of 3 done (1 already here, 1 waiting for size)"
    for layer in "ab":
        tracker.apply(PullEvent(status="Download complete", layer=layer))
    tracker.apply(PullEvent(status="Pull complete", layer="a"))
    assert tracker.snapshot().phase == "Extracting layers: 2 of 3 done (1 already here)"
