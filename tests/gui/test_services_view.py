"""The Services tab against the real private engine: states, actions, files on disk, drops, and the editor."""

from __future__ import annotations

import contextlib
import os
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.engine.connection import Endpoint, open_client
from app.engine.rows import ContainerRow, Kind
from app.engine.tracker import Status
from app.qt.live import EngineModels
from app.qt.notifications import Category, NotificationCenter
from app.qt.operations import OperationRunner
from app.qt.services_feed import ServicesFeed
from app.qt.services_model import ServicesModel
from app.services import data
from app.services.validation import check_text, load_all
from app.ui.new_service_dialog import NewServiceDialog
from app.ui.service_dialogs import TextDialog
from app.ui.service_editor import ServiceEditor
from app.ui.services_pane import ServicesPane
from tests.conftest import DockerCLI

pytestmark = pytest.mark.engine

# Exits at once on `docker stop`, so stopping and updating take no grace period.
SLEEPER = r'''"sh -c 'trap \"exit 0\" TERM; sleep 300 & wait'"'''
DATA_ROOT = "/home/eris/.eris"


@pytest.fixture
def eris_home(private_folders: Path) -> Path:
    home = Path(os.environ["ERIS"])
    (home / "services").mkdir(parents=True, exist_ok=True)
    return home


@pytest.fixture
def prefix() -> str:
    return f"v{uuid.uuid4().hex[:8]}"


@pytest.fixture
def api(endpoint: Endpoint, prefix: str) -> Iterator[docker.APIClient]:
    """A client of the private engine; this test's eris containers (and their volumes) go afterwards."""
    client = open_client(endpoint)
    yield client
    for item in client.containers(all=True, filters={"name": f"eris_(service|data)_{prefix}"}):
        with contextlib.suppress(docker.errors.NotFound):
            client.remove_container(item["Id"], force=True, v=True)
    client.close()



@pytest.fixture
def center() -> NotificationCenter:
    return NotificationCenter(lambda _category: True)


@pytest.fixture
def pane(qtbot: QtBot, endpoint: Endpoint, eris_home: Path, api: docker.APIClient,
         center: NotificationCenter) -> Iterator[ServicesPane]:
    host = QWidget()
    host.resize(1100, 500)
    qtbot.addWidget(host)
    models = EngineModels(host)
    runner = OperationRunner(endpoint, host)
    services = ServicesPane(runner, models, center, parent=host)
    host.show()
    services.resize(host.size())
    models.connect_to(endpoint)
    qtbot.waitUntil(lambda: models.state.status is Status.CONNECTED, timeout=15_000)
    qtbot.waitUntil(lambda: services.feed.catalog is not None, timeout=5_000)
    yield services
    services.shutdown()
    models.disconnect_engine(wait=5.0)
    runner.shutdown()


def define(home: Path, name: str, extra: str = "", *, image: str = "eris/keys:latest") -> Path:
    path = home / "services" / f"{name}.toml"
    body = f"""
        # {name}, for the services view's tests
        name = "{name}"

        [service]
        image = "{image}"
        data_container = true
        net = "none"
        command = {SLEEPER}
        {extra}
        """
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def shown(services: ServicesPane, name: str, column: int = 1, role: int = Qt.ItemDataRole.DisplayRole) -> str:
    """What the view shows for ``name`` in ``column`` (after sort and filter), "" when the row is not there."""
    model = services.view.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == name:
            return str(model.index(row, column).data(role) or "")
    return ""


def wait_shown(qtbot: QtBot, services: ServicesPane, name: str, words: str, column: int = 1) -> None:
    qtbot.waitUntil(lambda: shown(services, name, column) == words, timeout=15_000)


def trigger(services: ServicesPane, name: str, qtbot: QtBot, action: str) -> None:
    assert services.select(name)
    qaction = action_named(services, action)
    qtbot.waitUntil(qaction.isEnabled, timeout=10_000)
    qaction.trigger()


def action_named(services: ServicesPane, name: str) -> QAction:
    qaction = services.findChild(QAction, name)
    assert qaction is not None, name
    return qaction


def answer(dialog: str, *, accept: bool, tick: bool = False, seen: list[str] | None = None) -> None:
    """Answer the confirmation named ``dialog`` once it opens, as a person would (ticking its box if asked)."""
    tries = [0]

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != dialog:
            tries[0] += 1
            if tries[0] < 500:
                QTimer.singleShot(20, click)
            return
        if seen is not None:
            seen.append(f"{box.text()} {box.informativeText()}")
        if tick:
            checkbox = box.checkBox()
            assert checkbox is not None
            checkbox.setChecked(True)
        role = QMessageBox.ButtonRole.DestructiveRole if accept else QMessageBox.ButtonRole.RejectRole
        next(button for button in box.buttons() if box.buttonRole(button) == role).click()

    QTimer.singleShot(0, click)


def inspect(docker_cli: DockerCLI, container: str, template: str) -> str:
    return docker_cli("inspect", "-f", template, container, check=False)


def drop(services: ServicesPane, name: str, paths: list[Path]) -> tuple[bool, bool]:
    """Drag files into the view, over ``name``'s row, and drop them there; whether the move and the drop were accepted.

    Qt hands moves and the drop only to a widget that accepted the drag's entry, as in a real drag.
    """
    index = services.proxy.mapFromSource(services.source.index_of(name))
    point = services.view.visualRect(index).center()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    enter = QDragEnterEvent(QPoint(2, 2), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(services.view.viewport(), enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(services.view.viewport(), move)
    event = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(services.view.viewport(), event)
    return move.isAccepted(), event.isAccepted()


def test_lists_definitions_with_states_and_starts_from_the_view(
    pane: ServicesPane, eris_home: Path, prefix: str, docker_cli: DockerCLI, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    qtmodeltester.check(pane.source)  # Qt's model tester then watches every change of the test
    resets: list[bool] = []
    pane.source.modelReset.connect(lambda: resets.append(True))
    good, broken = f"{prefix}-good", f"{prefix}-broken"
    define(eris_home, good, 'ports = ["4001:4001"]')
    (eris_home / "services" / f"{broken}.toml").write_text(
        f'name = "{broken}"\n\n[service]\nimage = "eris/base:latest"\nports = ["4001:no"]\n', encoding="utf-8")

    # New files are seen without asking, and one broken file hides nothing.
    wait_shown(qtbot, pane, good, "not created")
    wait_shown(qtbot, pane, broken, "definition invalid")
    reason = shown(pane, broken, 1, Qt.ItemDataRole.ToolTipRole)
    assert f"{broken}.toml, line 5, service.ports[0]" in reason and '"4001:no" is not a port mapping' in reason
    assert shown(pane, good, 2) == "eris/keys:latest"
    assert shown(pane, good, 3) == "4001:4001"
    assert shown(pane, good, 4) == "made on first start"
    assert pane.select(broken)
    assert not action_named(pane, "startServiceAction").isEnabled()

    trigger(pane, good, qtbot, "startServiceAction")
    qtbot.waitUntil(lambda: inspect(docker_cli, f"eris_service_{good}_1", "{{.State.Status}}") == "running",
                    timeout=15_000)
    wait_shown(qtbot, pane, good, "running")
    assert shown(pane, good, 4) == f"eris_data_{good}_1"
    assert action_named(pane, "stopServiceAction").isEnabled()
    assert "Started" in pane.status_label.text()

    # The engine changes behind the window's back: the row follows its events.
    docker_cli("stop", "-t", "1", f"eris_service_{good}_1")
    wait_shown(qtbot, pane, good, "stopped")
    assert not resets


def test_a_changed_file_shows_changed_and_update_keeps_the_dropped_data(
    pane: ServicesPane, eris_home: Path, prefix: str, api: docker.APIClient, docker_cli: DockerCLI,
    qtbot: QtBot, center: NotificationCenter, tmp_path: Path
) -> None:
    name = f"{prefix}-web"
    path = define(eris_home, name, 'ports = ["4001:4001"]  # the port we had')
    wait_shown(qtbot, pane, name, "not created")
    trigger(pane, name, qtbot, "startServiceAction")
    wait_shown(qtbot, pane, name, "running")

    # Files dropped on the row land in the service's data container.
    dropped = tmp_path / "dropped.txt"
    dropped.write_text("kept across updates\n", encoding="utf-8")
    assert drop(pane, name, [dropped]) == (True, True)
    container = f"eris_data_{name}_1"
    qtbot.waitUntil(lambda: "Imported" in pane.status_label.text(), timeout=15_000)
    assert "dropped.txt" in {entry.path for entry in data.list_files(api, container)}

    path.write_text(path.read_text(encoding="utf-8").replace('"4001:4001"', '"5001:5001"'), encoding="utf-8")
    wait_shown(qtbot, pane, name, "changed (running)")
    assert shown(pane, name, 3) == "5001:5001"
    tip = shown(pane, name, 1, Qt.ItemDataRole.ToolTipRole)
    assert "update to apply it" in tip

    questions: list[str] = []
    answer("updateServiceDialog", accept=True, seen=questions)
    trigger(pane, name, qtbot, "updateServiceAction")
    assert "data container stays attached" in questions[0]
    wait_shown(qtbot, pane, name, "running")
    service = f"eris_service_{name}_1"
    assert '"5001/tcp"' in inspect(docker_cli, service, "{{json .HostConfig.PortBindings}}")
    assert inspect(docker_cli, service, "{{.State.Status}}") == "running"
    assert any(n.category is Category.UPDATE and n.title == f"{name} updated" for n in center.history)

    # The data is still there, seen from inside the new container...
    pane.controller.run_command(name, f"cat {DATA_ROOT}/dropped.txt")
    qtbot.waitUntil(lambda: any(isinstance(w, TextDialog) and w.isVisible() for w in QApplication.topLevelWidgets()),
                    timeout=10_000)
    output = next(w for w in QApplication.topLevelWidgets() if isinstance(w, TextDialog))
    assert output.output.toPlainText() == "kept across updates\n"
    output.close()
    # ...and can be copied out again.
    pane.controller.export_data(name, tmp_path / "out")
    qtbot.waitUntil(lambda: "Exported" in pane.status_label.text(), timeout=10_000)
    assert (tmp_path / "out" / ".eris" / "dropped.txt").read_text(encoding="utf-8") == "kept across updates\n"


def test_drops_are_refused_where_no_data_can_go(pane: ServicesPane, eris_home: Path, prefix: str,
                                               qtbot: QtBot, tmp_path: Path) -> None:
    plain = f"{prefix}-plain"
    (eris_home / "services" / f"{plain}.toml").write_text(
        f'name = "{plain}"\n[service]\nimage = "eris/base:latest"\nnet = "none"\n', encoding="utf-8")
    wait_shown(qtbot, pane, plain, "not created")
    file = tmp_path / "a.txt"
    file.write_text("a", encoding="utf-8")
    assert drop(pane, plain, [file]) == (False, False)  # its definition asks for no data container


def test_remove_keeps_the_data_unless_asked_twice(pane: ServicesPane, eris_home: Path, prefix: str,
                                                  docker_cli: DockerCLI, qtbot: QtBot) -> None:
    name = f"{prefix}-db"
    define(eris_home, name)
    wait_shown(qtbot, pane, name, "not created")
    trigger(pane, name, qtbot, "startServiceAction")
    wait_shown(qtbot, pane, name, "running")
    service, data_container = f"eris_service_{name}_1", f"eris_data_{name}_1"

    questions: list[str] = []
    answer("removeServiceDialog", accept=True, seen=questions)
    trigger(pane, name, qtbot, "removeServiceAction")
    assert "stays in its data container" in questions[0]
    qtbot.waitUntil(lambda: inspect(docker_cli, service, "{{.State.Status}}") == "", timeout=15_000)
    assert inspect(docker_cli, data_container, "{{.State.Status}}") == "created"
    wait_shown(qtbot, pane, name, "not created")
    assert shown(pane, name, 4) == data_container

    # Asking for the data to go too: a second question names what will be lost; saying no keeps it.
    answer("removeServiceDialog", accept=True, tick=True)
    answer("deleteDataDialog", accept=False, seen=questions)
    trigger(pane, name, qtbot, "removeServiceAction")
    qtbot.waitUntil(lambda: len(questions) == 2, timeout=10_000)
    assert data_container in questions[1] and f"every file of {name}'s data" in questions[1]
    qtbot.waitUntil(lambda: pane.status_label.text() == "Nothing was removed.", timeout=5_000)
    assert inspect(docker_cli, data_container, "{{.State.Status}}") == "created"

    answer("removeServiceDialog", accept=True, tick=True)
    answer("deleteDataDialog", accept=True)
    trigger(pane, name, qtbot, "removeServiceAction")
    qtbot.waitUntil(lambda: inspect(docker_cli, data_container, "{{.State.Status}}") == "", timeout=15_000)
    wait_shown(qtbot, pane, name, "made on first start", column=4)


def test_new_service_from_an_image_then_saved_from_the_editor(pane: ServicesPane, eris_home: Path, prefix: str,
                                                              qtbot: QtBot) -> None:
    name = f"{prefix}-new"
    editors: list[ServiceEditor] = []
    pane.controller.editor_opened.connect(editors.append)

    seen: dict[str, tuple[bool, str]] = {}

    def fill() -> None:  # no assertion in here: a failure must not leave the modal dialog open
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NewServiceDialog):
            QTimer.singleShot(20, fill)
            return
        dialog.name_field.setText(name)
        dialog.image_field.setEditText("eris/Keys")
        seen["bad image"] = (dialog.ok_button.isEnabled(), dialog.problem.text())
        dialog.image_field.setEditText("eris/keys:latest")
        seen["good image"] = (dialog.ok_button.isEnabled(), dialog.problem.text())
        if dialog.ok_button.isEnabled():
            dialog.ok_button.click()
        else:
            dialog.reject()

    QTimer.singleShot(0, fill)
    action_named(pane, "newServiceAction").trigger()
    enabled, problem = seen["bad image"]
    assert not enabled and "lowercase" in problem.lower()
    assert seen["good image"] == (True, "")
    qtbot.waitUntil(lambda: bool(editors), timeout=5_000)
    editor = editors[0]
    assert editor.objectName() == "serviceEditor"
    assert editor.field_value("image") == "eris/keys:latest" and editor.field_value("name") == name
    assert editor.save_button.isEnabled() and not editor.errors
    editor.save_button.click()
    path = eris_home / "services" / f"{name}.toml"
    assert check_text(path.read_text(encoding="utf-8"), path)[1] == []
    wait_shown(qtbot, pane, name, "not created")


def test_editor_keeps_form_and_text_in_step(qtbot: QtBot, eris_home: Path, prefix: str) -> None:
    path = define(eris_home, f"{prefix}-ed", 'ports = ["4001:4001"]  # the port we had')
    editor = ServiceEditor(path)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.field_value("ports") == ["4001:4001"] and editor.field_value("data_container") is True

    # Typing in the text: the form follows.
    text = editor.text_edit
    cursor = text.document().find("4001:4001")
    text.setTextCursor(cursor)
    qtbot.keyClicks(text, "5001:5001")
    qtbot.waitUntil(lambda: editor.field_value("ports") == ["5001:5001"], timeout=3_000)
    assert editor.ports_field.toPlainText() == "5001:5001"

    # Text that cannot be read: the error with its line, Save off, the form paused.
    cursor = text.document().find('"eris/keys:latest"')
    cursor.setPosition(cursor.selectionEnd())
    text.setTextCursor(cursor)
    qtbot.keyClick(text, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: not editor.save_button.isEnabled(), timeout=3_000)
    line = next(number for number, content in enumerate(editor.text().splitlines(), 1) if "image =" in content)
    problems = [editor.errors_list.item(row).text() for row in range(editor.errors_list.count())]
    assert problems and problems[0].startswith(f"Line {line}:") and "not valid TOML" in problems[0]
    assert line in text.marked_lines()
    assert not editor.image_field.isEnabled()

    # Fixed again, and a value the validation refuses: listed with its line, saving still possible.
    qtbot.keyClicks(text, '"')
    cursor = text.document().find("5001:5001")
    text.setTextCursor(cursor)
    qtbot.keyClicks(text, "5001:x")
    qtbot.waitUntil(lambda: editor.errors_list.count() == 1 and editor.save_button.isEnabled(), timeout=3_000)
    ports_line = next(n for n, content in enumerate(editor.text().splitlines(), 1) if "ports =" in content)
    assert editor.errors_list.item(0).text().startswith(f"Line {ports_line}, service.ports[0]:")

    # Editing the form rewrites only that key, comments kept.
    editor.ports_field.setPlainText("6001:6001\n127.0.0.1:7001:7001")
    assert 'ports = ["6001:6001", "127.0.0.1:7001:7001"]  # the port we had' in editor.text()
    editor.image_field.clear()
    qtbot.keyClicks(editor.image_field, "eris/ipfs:latest")
    assert 'image = "eris/ipfs:latest"' in editor.text()
    assert editor.text().startswith(f"# {prefix}-ed, for the services view's tests\n")
    editor.environment_field.setPlainText("MODE=test")
    assert 'environment = ["MODE=test"]' in editor.text()
    qtbot.waitUntil(lambda: editor.errors_list.count() == 0, timeout=3_000)
    assert editor.field_value("environment") == ["MODE=test"]

    before = path.read_text(encoding="utf-8")
    editor.save_button.click()
    assert 'image = "eris/ipfs:latest"' in path.read_text(encoding="utf-8")
    assert path.with_name(path.name + ".bak").read_text(encoding="utf-8") == before
    assert editor.result() == ServiceEditor.DialogCode.Accepted


def test_editor_flags_dependencies_no_file_defines(qtbot: QtBot, eris_home: Path, prefix: str) -> None:
    define(eris_home, f"{prefix}-base")
    path = define(eris_home, f"{prefix}-app")
    editor = ServiceEditor(path, catalog=load_all(eris_home))
    qtbot.addWidget(editor)
    editor.dependencies_field.setPlainText(f"{prefix}-base:db\n{prefix}-missing")
    assert f'services = ["{prefix}-base:db", "{prefix}-missing"]' in editor.text()
    qtbot.waitUntil(lambda: editor.errors_list.count() == 1, timeout=3_000)
    line = next(n for n, content in enumerate(editor.text().splitlines(), 1) if "services =" in content)
    problem = editor.errors_list.item(0).text()
    assert problem.startswith(f"Line {line}, dependencies.services[1]:")
    assert "no file in services/ defines it" in problem
    assert editor.save_button.isEnabled()


def test_a_burst_of_container_changes_is_one_refresh(qtbot: QtBot, endpoint: Endpoint, eris_home: Path,
                                                     prefix: str) -> None:
    """No engine connected: the rows say so; a burst of eris container rows costs one refresh, others none."""
    define(eris_home, f"{prefix}-burst")
    models = EngineModels()
    runner = OperationRunner(endpoint)
    model = ServicesModel()
    feed = ServicesFeed(runner, model, models, eris_home)
    refreshes: list[bool] = []
    feed.refreshed.connect(lambda: refreshes.append(True))
    feed.start()
    qtbot.waitUntil(lambda: bool(refreshes), timeout=5_000)
    row = model.service(f"{prefix}-burst")
    assert row is not None and not row.connected
    refreshes.clear()

    containers = models.model(Kind.CONTAINER)

    def container(number: int, name: str, labels: tuple[tuple[str, str], ...] = ()) -> ContainerRow:
        return ContainerRow(key=f"{number:064x}", name=name, image="eris/keys:latest", image_id="", state="exited",
                            status="", ports=(), created=0, command="", labels=labels, volume_names=())

    containers.upsert([container(n, f"someone-else-{n}") for n in range(5)])
    qtbot.wait(400)
    assert refreshes == []
    for number in range(20):
        containers.upsert([container(100 + number, f"eris_service_x{number}_1")])
    containers.upsert([container(200, "labelled", (("eris:NAME", "y"),))])
    qtbot.waitUntil(lambda: bool(refreshes), timeout=3_000)
    qtbot.wait(400)
    assert refreshes == [True]
    feed.shutdown()
    runner.shutdown()


def test_logs_open_in_a_window_that_stops_following_when_closed(pane: ServicesPane, eris_home: Path, prefix: str,
                                                                  qtbot: QtBot) -> None:
    name = f"{prefix}-log"
    define(eris_home, name).write_text(
        f'name = "{name}"\n[service]\nimage = "eris/base:latest"\nnet = "none"\n'
        "command = \"sh -c 'echo hello from the service; exec sleep 300'\"\n", encoding="utf-8")
    wait_shown(qtbot, pane, name, "not created")
    trigger(pane, name, qtbot, "startServiceAction")
    wait_shown(qtbot, pane, name, "running")
    dialog = pane.controller.logs_of_selected()
    assert dialog is not None and dialog.objectName() == "serviceLogsDialog"
    qtbot.waitUntil(lambda: "hello from the service" in dialog.log_view.text.toPlainText(), timeout=10_000)
    dialog.close()
    assert dialog.log_view._follower is None


def test_a_missing_image_is_pulled_through_the_pulls_panel(qtbot: QtBot, endpoint: Endpoint, eris_home: Path,
                                                           api: docker.APIClient, prefix: str, engine,
                                                           docker_cli: DockerCLI) -> None:  # type: ignore[no-untyped-def]
    from app.engine.pulls import PullState
    from app.ui.main_window import MainWindow

    image = engine.registry_ref("eris/keys:latest")
    docker_cli("rmi", image, check=False)  # only this name goes; eris/keys:latest keeps the layers
    name = f"{prefix}-pulled"
    define(eris_home, name, image=image)
    window = MainWindow(endpoint)
    qtbot.addWidget(window)
    try:
        services = window.services_pane
        qtbot.waitUntil(lambda: window.models.state.status is Status.CONNECTED, timeout=15_000)
        wait_shown(qtbot, services, name, "not created")
        trigger(services, name, qtbot, "startServiceAction")
        qtbot.waitUntil(lambda: any(pull.name == image for pull in window.pulls.model.pulls()), timeout=15_000)
        pull = next(pull for pull in window.pulls.model.pulls() if pull.name == image)
        qtbot.waitUntil(lambda: pull.finished, timeout=30_000)
        assert pull.state is PullState.DONE
        wait_shown(qtbot, services, name, "running")
    finally:
        window.shutdown()
