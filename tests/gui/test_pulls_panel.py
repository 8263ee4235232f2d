"""Pulls from the window: the reference checked as typed, a preview, the panel, and a notification at the end."""

from __future__ import annotations

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from app.engine.pulls import PullState
from app.qt.notifications import Category
from app.qt.pulls_model import FRACTION_ROLE, PROGRESS_COLUMN
from app.ui.main_window import MainWindow
from app.ui.pulls_panel import _bar_text
from tests.conftest import DockerCLI


def test_pull_dialog_validates_previews_and_pulls(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot,
                                                  qtmodeltester, engine) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.pulls.model)  # watches the pull and its layer rows as they come
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


def test_a_missing_tag_fails_readably_and_can_be_retried(window: MainWindow, qtbot: QtBot, qtmodeltester,
                                                         engine) -> None:  # type: ignore[no-untyped-def]
    model = window.pulls.model
    qtmodeltester.check(model)  # and, from here on, every change the pulls make
    pull = window.start_pull(engine.registry_ref("eris/keys:no-such-tag"))
    assert pull is not None
    qtbot.waitUntil(lambda: pull.finished, timeout=30_000)
    assert pull.state is PullState.FAILED
    row = model.pulls().index(pull)
    phase = str(model.index(row, 1).data()).lower()
    assert "has no image by that name and tag" in phase, phase  # the reason, not only "could not pull"
    # No size was ever known: the bar must stand still, not spin as if the pull still worked.
    assert model.index(row, PROGRESS_COLUMN).data(FRACTION_ROLE) == 0.0
    assert _bar_text(pull, 0.0) == "failed"
    assert model.index(row, 4).data() == "" and model.index(row, 5).data() == ""
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


def test_an_image_is_pulled_again_from_its_context_menu(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot,
                                                        engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import uuid

    from PySide6.QtWidgets import QMenu

    from app.engine.rows import Kind

    # An image of its own, known only by its name in the local registry (never Docker Hub's).
    reference = engine.registry_ref(f"eris/again:{uuid.uuid4().hex[:8]}")
    (tmp_path / "Dockerfile").write_text(f"FROM eris/base:latest\nLABEL eris-test-again={reference}\n")
    key = docker_cli("build", "-q", "-t", reference, str(tmp_path))
    docker_cli("push", reference)
    window.show_kind(Kind.IMAGE)
    pane = window.panes[Kind.IMAGE]
    qtbot.waitUntil(lambda: pane.source.index_of(key).isValid(), timeout=10_000)
    pane.select_key(key)
    menu = QMenu(window)
    window._add_pull_entries(menu, pane)
    again = menu.findChild(QAction, "pullAgainAction")
    assert again is not None and reference in again.text()
    assert window.pull_action in menu.actions()
    again.trigger()
    model = window.pulls.model
    qtbot.waitUntil(lambda: any(pull.name == reference and pull.finished for pull in model.pulls()), timeout=30_000)
    pull = next(pull for pull in model.pulls() if pull.name == reference)
    assert pull.state is PullState.DONE and pull.phase == "Image is up to date"
    menu.deleteLater()
    docker_cli("rmi", reference, check=False)


def test_a_layer_row_shows_its_extraction_too() -> None:
    from app.engine.pulls import LayerProgress
    from app.engine.pulls.layers import LayerPhase
    from app.qt.pulls_model import _layer_bytes

    downloading = LayerProgress("a", LayerPhase.DOWNLOADING, 500_000, 1_000_000, 0, None)
    extracting = LayerProgress("a", LayerPhase.EXTRACTING, 1_000_000, 1_000_000, 250_000, 1_000_000)
    assert downloading.work_fraction == 0.25 and extracting.work_fraction == 0.625
    # Sized by a preview, downloaded without one "Downloading" line: the phase vouches for the bytes.
    assert LayerProgress("c", LayerPhase.DOWNLOAD_COMPLETE, 0, 1_000_000, 0, None).work_fraction == 0.5
    assert _layer_bytes(downloading) == "500 kB of 1 MB"
    assert _layer_bytes(extracting) == "extracting 250 kB of 1 MB"
    assert LayerProgress("b", LayerPhase.WAITING, 0, None, 0, None).work_fraction is None
