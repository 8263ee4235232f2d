"""The views follow the real engine: what the docker CLI does outside the app shows up, row by row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.engine.rows import Kind
from app.qt.resource_model import KEY_ROLE
from app.ui.main_window import MainWindow
from tests.conftest import DockerCLI
from tests.gui.conftest import names_in


def _state_of(main: MainWindow, key: str) -> str:
    index = main.models.model(Kind.CONTAINER).index_of(key, 2)
    return str(index.data()) if index.isValid() else ""


def test_views_have_the_stable_names_and_columns(window: MainWindow) -> None:
    for name in ("containersView", "imagesView", "volumesView", "networksView"):
        assert window.findChild(object, name) is not None, name
    headers = window.panes[Kind.CONTAINER].view.model()
    titles = [headers.headerData(column, Qt.Orientation.Horizontal) for column in range(headers.columnCount())]
    assert titles == ["Name", "Image", "State", "Status", "Ports", "Created"]
    assert "eris/base:latest" in names_in(window, Kind.IMAGE)
    assert {"host", "none"} <= set(names_in(window, Kind.NETWORK))
    assert window.status.version_label.text().startswith("Engine ")


def test_cli_changes_appear_change_and_disappear(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot,
                                                 qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    key = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "gui-live",
                     "eris/base:latest", "sleep", "300")
    qtbot.waitUntil(lambda: "gui-live" in names_in(window, Kind.CONTAINER), timeout=10_000)
    assert _state_of(window, key) == "created"

    # The person selects the row; updates must not lose the selection or reset the model.
    pane = window.panes[Kind.CONTAINER]
    resets: list[bool] = []
    window.models.model(Kind.CONTAINER).modelReset.connect(lambda: resets.append(True))
    pane.select_key(key)
    assert [row.key for row in pane.selected_rows()] == [key]

    docker_cli("start", key)
    qtbot.waitUntil(lambda: _state_of(window, key) == "running", timeout=10_000)
    assert [row.key for row in pane.selected_rows()] == [key]
    docker_cli("stop", "-t", "0", key)
    qtbot.waitUntil(lambda: _state_of(window, key) == "exited", timeout=10_000)
    assert [row.key for row in pane.selected_rows()] == [key]
    qtmodeltester.check(window.models.model(Kind.CONTAINER))

    docker_cli("rm", key)
    qtbot.waitUntil(lambda: "gui-live" not in names_in(window, Kind.CONTAINER), timeout=10_000)
    assert resets == []


def test_images_count_their_containers_and_volumes_their_users(window: MainWindow, docker_cli: DockerCLI,
                                                               qtbot: QtBot) -> None:
    docker_cli("volume", "create", "--label", "eris-test=1", "gui-data")
    docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "gui-user",
               "-v", "gui-data:/data", "eris/data:latest", "true")
    volumes = window.models.model(Kind.VOLUME)
    qtbot.waitUntil(lambda: volumes.index_of("gui-data", 3).data() == "gui-user", timeout=10_000)

    images = window.models.model(Kind.IMAGE)
    image_key = docker_cli("image", "inspect", "-f", "{{.Id}}", "eris/data:latest")
    before = int(images.index_of(image_key, 5).data())
    assert before >= 1
    docker_cli("rm", "gui-user")
    qtbot.waitUntil(lambda: volumes.index_of("gui-data", 3).data() == "", timeout=10_000)
    qtbot.waitUntil(lambda: int(images.index_of(image_key, 5).data()) == before - 1, timeout=10_000)


def test_filter_and_sort_work_on_what_the_person_sees(window: MainWindow, docker_cli: DockerCLI,
                                                      qtbot: QtBot) -> None:
    for name in ("gui-filter-b", "gui-filter-a"):
        docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", name, "eris/base:latest")
    pane = window.panes[Kind.CONTAINER]
    qtbot.keyClicks(pane.filter_box, "gui-filter")
    qtbot.waitUntil(lambda: names_in(window, Kind.CONTAINER) == ["gui-filter-a", "gui-filter-b"], timeout=10_000)
    pane.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert names_in(window, Kind.CONTAINER) == ["gui-filter-b", "gui-filter-a"]
    pane.filter_box.setText("no container is called this")
    assert names_in(window, Kind.CONTAINER) == []
    assert pane.showing_empty_state()
    assert "No containers match" in pane.empty_label.text()


def test_selection_survives_updates_to_other_rows(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot) -> None:
    keep = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "gui-keep", "eris/base:latest")
    other = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "gui-other",
                       "eris/base:latest", "sleep", "300")
    qtbot.waitUntil(lambda: {"gui-keep", "gui-other"} <= set(names_in(window, Kind.CONTAINER)), timeout=10_000)
    pane = window.panes[Kind.CONTAINER]
    pane.select_key(keep)
    selection = pane.view.selectionModel()
    current = selection.currentIndex()
    docker_cli("start", other)
    qtbot.waitUntil(lambda: _state_of(window, other) == "running", timeout=10_000)
    docker_cli("rm", "-f", other)
    qtbot.waitUntil(lambda: "gui-other" not in names_in(window, Kind.CONTAINER), timeout=10_000)
    assert selection.currentIndex().data(KEY_ROLE) == current.data(KEY_ROLE) == keep
    assert selection.isSelected(selection.currentIndex())
