"""The listener hears everything in order, one call at a time, progress at most ~30 times a second."""

from __future__ import annotations

import itertools
import threading
import time

from app.engine.pulls.notifier import Notifier
from app.engine.pulls.pull import Pull, PullState, waiting_progress
from app.engine.reference import parse_reference
from tests.pulls.conftest import PullRecorder


def _pull(name: str = "eris/ipfs") -> Pull:
    return Pull(parse_reference(name))


def test_progress_is_throttled_but_the_last_state_always_arrives() -> None:
    recorder = PullRecorder()
    seen: list[str] = []
    recorder.on_change = lambda pull: seen.append(pull.progress.phase)
    notifier = Notifier(recorder, changes_per_second=30)
    pull = _pull()
    notifier.post("added", pull)
    started = time.monotonic()
    count = 0
    while time.monotonic() - started < 0.5:
        count += 1
        pull.progress = waiting_progress(f"step {count}")
        notifier.changed(pull)
    pull.state = PullState.DONE
    notifier.post("finished", pull)
    assert notifier.flush()
    notifier.stop()
    elapsed = time.monotonic() - started
    assert count > 1000  # far more changes than a view should ever draw
    assert 2 <= len(seen) <= elapsed * 30 + 2
    assert seen[-1] == f"step {count}"  # the final state, before the end is announced
    assert recorder.kinds(pull)[0] == "added" and recorder.kinds(pull)[-1] == "finished"
    assert recorder.kinds(pull)[-2] == "changed"
    # The last change goes out with the end, whatever the budget; the others keep to it.
    changes = [call.at for call in recorder.calls if call.kind == "changed"][:-1]
    gaps = [later - earlier for earlier, later in itertools.pairwise(changes)]
    assert min(gaps) >= 1 / 30 - 0.005


def test_a_change_that_falls_silent_is_still_delivered_soon() -> None:
    recorder = PullRecorder()
    notifier = Notifier(recorder, changes_per_second=30)
    pull = _pull()
    notifier.changed(pull)
    notifier.changed(pull)  # coalesced with the first, or delivered one interval later
    recorder.wait_for(lambda: len(recorder.calls) >= 1, timeout=1)
    pull.progress = waiting_progress("last words")
    notifier.changed(pull)
    recorder.wait_for(lambda: recorder.calls[-1].pull.progress.phase == "last words", timeout=1)
    notifier.stop()


def test_pulls_changing_together_share_one_budget_and_none_is_starved() -> None:
    recorder = PullRecorder()
    notifier = Notifier(recorder, changes_per_second=20)
    pulls = [_pull(f"eris/app{number}") for number in range(4)]
    began = time.monotonic()
    while time.monotonic() - began < 0.6:
        for pull in pulls:
            notifier.changed(pull)
        time.sleep(0.002)
    assert notifier.flush()
    notifier.stop()
    changes = [call for call in recorder.calls if call.kind == "changed"]
    assert {call.pull.id for call in changes} == {pull.id for pull in pulls}
    # Each batch holds every pull; batches (a pause of more than 10 ms between calls) keep to 20 a second.
    batches = 1 + sum(1 for earlier, later in itertools.pairwise(changes) if later.at - earlier.at > 0.010)
    assert batches <= 0.6 * 20 + 2, batches
    assert len(changes) >= 4 * (batches - 1)


def test_a_failing_listener_does_not_stop_the_news() -> None:
    class Broken(PullRecorder):
        def pull_added(self, pull: Pull) -> None:
            raise RuntimeError("view bug")

    recorder = Broken()
    notifier = Notifier(recorder)
    pull = _pull()
    notifier.post("added", pull)
    notifier.post("finished", pull)
    assert notifier.flush()
    notifier.stop()
    assert recorder.kinds(pull) == ["finished"]


def test_calls_never_overlap_even_from_many_threads() -> None:
    recorder = PullRecorder()
    notifier = Notifier(recorder, changes_per_second=1000)
    pulls = [_pull(f"eris/app{number}") for number in range(8)]

    def hammer(pull: Pull) -> None:
        for _ in range(300):
            notifier.changed(pull)
        notifier.post("finished", pull)

    threads = [threading.Thread(target=hammer, args=(pull,)) for pull in pulls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert notifier.flush()
    notifier.stop()
    assert not recorder.overlapped
    for pull in pulls:
        assert recorder.kinds(pull)[-1] == "finished"
