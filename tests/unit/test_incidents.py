from app.engine.events import EngineEvent
from app.engine.incidents import Incident, IncidentKind, IncidentWatch
from app.engine.rows import Kind


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _event(action: str, exit_code: str = "", key: str = "c1") -> EngineEvent:
    attributes = {"name": "web", "image": "eris/ipfs"}
    if exit_code:
        attributes["exitCode"] = exit_code
    return EngineEvent(Kind.CONTAINER, action, key, attributes, 0)


def _watch() -> tuple[IncidentWatch, list[Incident], Clock]:
    seen: list[Incident] = []
    clock = Clock()
    return IncidentWatch(seen.append, clock), seen, clock


def test_a_signal_from_outside_the_engine_is_one_unexpected_exit() -> None:
    watch, seen, _ = _watch()
    watch.observe(_event("start"))
    watch.observe(_event("die", "137"))
    assert [(i.kind, i.exit_code) for i in seen] == [(IncidentKind.EXITED, 137)]
    assert seen[0].summary == "web exited unexpectedly with code 137 (killed by signal 9)."


def test_stops_and_kills_asked_for_are_not_news() -> None:
    watch, seen, clock = _watch()
    for asked in ("stop", "kill", "restart"):
        watch.observe(_event(asked))
        clock.now += 5
        watch.observe(_event("die", "143"))
    assert seen == []
    watch.observe(_event("die", "0"))  # a clean exit is never news
    assert seen == []


def test_an_old_request_does_not_excuse_a_later_crash() -> None:
    watch, seen, clock = _watch()
    watch.observe(_event("kill"))
    clock.now += 600
    watch.observe(_event("die", "1"))
    assert len(seen) == 1


def test_oom_is_reported_once_not_again_as_an_exit() -> None:
    watch, seen, _ = _watch()
    watch.observe(_event("oom"))
    watch.observe(_event("die", "137"))
    assert [i.kind for i in seen] == [IncidentKind.OOM]


def test_unhealthy_turns_are_reported() -> None:
    watch, seen, _ = _watch()
    watch.observe(_event("health_status: healthy"))
    watch.observe(_event("health_status: unhealthy"))
    assert [i.kind for i in seen] == [IncidentKind.UNHEALTHY]


def test_the_end_of_an_incident_is_told_by_its_key() -> None:
    over: list[str] = []
    seen: list[Incident] = []
    watch = IncidentWatch(seen.append, Clock(), cleared=over.append)
    watch.observe(_event("die", "1"))
    watch.observe(_event("stop", key="c2"))
    assert over == []
    watch.observe(_event("start"))  # running again, by a person or a restart policy
    watch.observe(_event("health_status: healthy", key="c2"))
    watch.observe(_event("destroy", key="c3"))
    watch.observe(_event("health_status: unhealthy", key="c2"))
    assert over == ["c1", "c2", "c3"]
    assert [i.kind for i in seen] == [IncidentKind.EXITED, IncidentKind.UNHEALTHY]
