from app.engine.events import Effect, parse_event
from app.engine.rows import Kind


def _event(kind: str, action: str, actor: str = "x" * 64) -> dict:
    return {"Type": kind, "Action": action, "Actor": {"ID": actor, "Attributes": {"name": "web"}},
            "timeNano": 5}


def test_actions_that_change_a_row_refresh_it() -> None:
    for action in ("create", "start", "die", "stop", "pause", "unpause", "rename", "health_status: healthy"):
        event = parse_event(_event("container", action))
        assert event is not None and event.effect is Effect.REFRESH, action


def test_destroy_and_delete_remove_the_row() -> None:
    assert parse_event(_event("container", "destroy")).effect is Effect.REMOVE  # type: ignore[union-attr]
    assert parse_event(_event("image", "delete")).effect is Effect.REMOVE  # type: ignore[union-attr]
    assert parse_event(_event("volume", "destroy", "data")).effect is Effect.REMOVE  # type: ignore[union-attr]


def test_events_that_change_no_column_cost_nothing() -> None:
    for action in ("exec_create: sh", "exec_start: sh", "exec_die", "attach", "resize", "top", "archive-path"):
        assert parse_event(_event("container", action)).effect is None  # type: ignore[union-attr]
    assert parse_event(_event("volume", "mount", "data")).effect is None  # type: ignore[union-attr]
    assert parse_event(_event("network", "connect")).effect is None  # type: ignore[union-attr]


def test_other_types_and_broken_events_are_ignored() -> None:
    assert parse_event(_event("daemon", "reload")) is None
    assert parse_event({"Type": "container", "Action": "start", "Actor": {}}) is None
    assert parse_event({}) is None


def test_old_style_events_still_parse() -> None:
    event = parse_event({"Type": "container", "status": "start", "id": "y" * 64, "time": 3})
    assert event is not None
    assert event.kind is Kind.CONTAINER and event.actor_id == "y" * 64 and event.time_nano == 3_000_000_000


def test_what_a_row_must_show_once_the_list_caught_up() -> None:
    rename = parse_event(_event("container", "rename"))
    assert rename is not None and rename.expectation is not None
    assert rename.expectation.met_by("exited", "web") and not rename.expectation.met_by("exited", "old-name")
    stop = parse_event(_event("container", "die"))
    assert stop is not None and stop.expectation is not None
    assert stop.expectation.met_by("exited", "anything") and not stop.expectation.met_by("running", "web")
    assert parse_event(_event("container", "create")).expectation is None  # type: ignore[union-attr]
    assert parse_event(_event("image", "tag")).expectation is None  # type: ignore[union-attr]
