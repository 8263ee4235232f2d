"""The tracker's batches of work: a failed kind is kept for a retry, and newer events win over it."""

from app.engine.events import Effect, parse_event
from app.engine.rows import Kind
from app.engine.tracker import _Pending

WEB, DB = "a" * 64, "b" * 64


def _batch(*events: tuple[str, str, str]) -> _Pending:
    pending = _Pending({}, {})
    for kind, action, actor in events:
        event = parse_event({"Type": kind, "Action": action, "Actor": {"ID": actor, "Attributes": {}},
                             "timeNano": 1})
        assert event is not None
        pending.add(event)
    return pending


def test_taking_one_kind_keeps_its_expectations_and_leaves_the_others() -> None:
    batch = _batch(("container", "start", WEB), ("volume", "create", "data"))
    failed = _Pending({}, {})
    failed.add_older(batch, Kind.CONTAINER)
    assert failed.effects == {(Kind.CONTAINER, WEB): Effect.REFRESH}
    assert failed.settled == batch.settled and not failed.settled[WEB].met_by("created", "web")


def test_work_kept_from_before_yields_to_newer_events() -> None:
    failed = _batch(("container", "start", WEB), ("container", "start", DB))
    newer = _batch(("container", "destroy", WEB))
    newer.add_older(failed)
    assert newer.effects == {(Kind.CONTAINER, WEB): Effect.REMOVE, (Kind.CONTAINER, DB): Effect.REFRESH}
    assert WEB not in newer.settled  # the removal has nothing to wait for
    assert newer.settled[DB] == failed.settled[DB]
