"""Pulls from the window: the reference checked as typed, a preview, the panel, and a notification at the end."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.engine.pulls import PullState
from app.qt.notifications import Category
from app.qt.pulls_model import FRACTION_ROLE, PROGRESS_COLUMN
from app.ui.main_window import MainWindow
from tests.conftest import DockerCLI


def test_pull_dialog_validates_previews_and_pulls(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot,
                                                  engine) -> None:  # type: ignore[no-untyped-def]
    reference = engine.registry_ref("eris/keys:latest")
    docker_cli("rmi", reference, check=False)  # eris/keys:latest keeps the layers: the pull only re-tags
    dialog = window.open_pull_dialog()
    qtbot.keyClicks(dialog.reference, "Eris/Keys")
    assert "lowercase" in dialog.problem.text() and not dialog.pull_button.isEnabled()

    dialog.reference.setText(reference)
    assert dialog.problem.text() == "" and dialog.pull_button.isEnabled()
    qtbot.waitUntil(lambda: "already here" in dialog.preview.text() or "Nothing to download" in dialog.preview.text(),
                    timeout=15_000)
    assert "shared with" in dialog.preview.text()
    dialog.pull_button.click()

    panel = window.pulls_panel
    assert panel.isVisible()
    model = window.pulls.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.pulls()[0].finished, timeout=30_000)
    pull = model.pulls()[0]
    assert pull.state is PullState.DONE
    assert model.index(0, PROGRESS_COLUMN).data(FRACTION_ROLE) == 1.0
    assert model.index(0, 0).data() == reference
    qtbot.waitUntil(lambda: any(n.category is Category.PULL for n in window.notifications.history), timeout=5_000)
    note = [n for n in window.notifications.history if n.category is Category.PULL][-1]
    assert note.title == "Pull finished" and reference in note.text
    assert docker_cli("image", "inspect", "-f", "{{.Id}}", reference)


def test_a_missing_tag_fails_readably_and_can_be_retried(window: MainWindow, qtbot: QtBot,
                                                         engine) -> None:  # type: ignore[no-untyped-def]
    pull = window.start_pull(engine.registry_ref("eris/keys:no-such-tag"))
    assert pull is not None
    qtbot.waitUntil(lambda: pull.finished, timeout=30_000)
    assert pull.state is PullState.FAILED
    model = window.pulls.model
    row = model.pulls().index(pull)
    phase = str(model.index(row, 1).data()).lower()
    assert "has no image by that name and tag" in phase, phase  # the reason, not only "could not pull"
    qtbot.waitUntil(lambda: any("failed" in n.title for n in window.notifications.history), timeout=5_000)

    window.pulls_panel.select(pull)
    assert window.pulls_panel.retry_button.isEnabled()
    window.pulls_panel.retry_button.click()
    qtbot.waitUntil(lambda: pull.finished and pull.attempt == 2, timeout=30_000)
    assert pull.state is PullState.FAILED  # still missing, still said clearly


def test_the_same_image_twice_is_one_pull(window: MainWindow, qtbot: QtBot,
                                          engine) -> None:  # type: ignore[no-untyped-def]
    reference = engine.registry_ref("eris/data:latest")
    first = window.start_pull(reference)
    second = window.start_pull(reference)  # asked again while the first is queued or running
    assert first is not None and second is first
    qtbot.waitUntil(lambda: first.finished, timeout=30_000)
    assert window.pulls.model.rowCount() == 1
