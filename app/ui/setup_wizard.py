"""The setup wizard: every engine on this computer with its state, or one typed in, saved as a profile."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.hosts.candidate import Candidate
from app.hosts.host_option import UnknownHost, candidate_for_url
from app.hosts.probe import ProbeResult
from app.hosts.profiles import Profile, ProfileStore
from app.qt.icons import state_icon
from app.qt.operations import OperationRunner
from app.qt.probes import ProbeSession

DETECT_PAGE, MANUAL_PAGE, SAVE_PAGE = range(3)
CANDIDATE_ROLE = Qt.ItemDataRole.UserRole + 1


def describe(result: ProbeResult) -> str:
    if result.engine is not None:
        return result.engine.description
    return result.diagnosis.message if result.diagnosis else "No answer."


def advice(result: ProbeResult) -> str:
    candidate = result.candidate
    named = candidate.name and candidate.name != candidate.url
    lines = [f"<b>{candidate.name}</b> — {candidate.url}" if named else f"<b>{candidate.url}</b>", describe(result)]
    if result.diagnosis is not None and result.diagnosis.hint:
        lines.append(f"<i>What to do:</i> {result.diagnosis.hint}")
    lines += [f"⚠ {warning}" for warning in result.warnings]
    return "<br>".join(lines)


class DetectPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Find your Docker Engine")
        self.setSubTitle("Every engine found on this computer, checked. Pick one that works, or enter an address.")
        self.list = QTreeWidget(self)
        self.list.setObjectName("enginesList")
        self.list.setAccessibleName("Engines found")
        self.list.setHeaderLabels(["Engine", "Address", "State"])
        self.list.setRootIsDecorated(False)
        self.list.setColumnWidth(0, 190)
        self.list.setColumnWidth(1, 260)
        self.list.currentItemChanged.connect(self._selected)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.details = QLabel(self)
        self.details.setObjectName("engineDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setMinimumHeight(70)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.fix_button = QPushButton(self)
        self.fix_button.setObjectName("fixButton")
        self.fix_button.hide()
        self.fix_button.clicked.connect(self._run_fix)
        self.again_button = QPushButton("Search again", self)
        self.again_button.clicked.connect(self.search)
        self.manual_box = QCheckBox("Enter an address myself (TCP with TLS, SSH, or a socket)", self)
        self.manual_box.setObjectName("manualEntry")
        self.manual_box.toggled.connect(self.completeChanged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fix_button)
        buttons.addStretch(1)
        buttons.addWidget(self.again_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        layout.addWidget(self.manual_box)
        self.results: dict[int, ProbeResult] = {}
        self._session: ProbeSession | None = None
        self._expected = 0

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        if self._session is None:
            self.search()

    def search(self) -> None:
        self.stop()
        self.list.clear()
        self.results.clear()
        self.details.setText("")
        self.progress.setRange(0, 0)
        self.progress.setFormat("Looking for engines…")
        self._session = ProbeSession(self)
        self._session.found.connect(self._found)
        self._session.result.connect(self._result)
        self._session.finished.connect(self._finished)
        self._session.discover(self._wizard.store)
        self.completeChanged.emit()

    def stop(self) -> None:
        if self._session is not None:
            self._session.cancel()
            self._session.wait()

    def _found(self, candidates: list[Candidate]) -> None:
        self._expected = len(candidates)
        self.progress.setRange(0, max(1, self._expected))
        self.progress.setValue(0)
        self.progress.setFormat(f"Checking {self._expected} engines… %v done")
        for candidate in candidates:
            item = QTreeWidgetItem([candidate.name, candidate.url, "Checking…"])
            item.setData(0, CANDIDATE_ROLE, candidate)
            item.setToolTip(1, candidate.source)
            self.list.addTopLevelItem(item)

    def _item_for(self, candidate: Candidate) -> QTreeWidgetItem | None:
        for index in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(index)
            if item is not None and item.data(0, CANDIDATE_ROLE) == candidate:
                return item
        return None

    def _result(self, result: ProbeResult) -> None:
        item = self._item_for(result.candidate)
        if item is None:
            return
        self.results[id(item)] = result
        item.setText(2, "Works" if result.reachable else (result.diagnosis.what if result.diagnosis else "No answer"))
        item.setIcon(2, state_icon("running" if result.reachable else "exited"))
        item.setToolTip(2, describe(result))
        self.progress.setValue(len(self.results))
        if self.list.currentItem() is None and result.reachable:
            self.list.setCurrentItem(item)
        elif self.list.currentItem() is item:
            self._selected(item)
        self.completeChanged.emit()

    def _finished(self) -> None:
        working = sum(result.reachable for result in self.results.values())
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat(f"{len(self.results)} engines checked, {working} working")

    def _selected(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        result = self.results.get(id(item)) if item is not None else None
        self.details.setText(advice(result) if result else "")
        fix = result.diagnosis.fix if result and result.diagnosis else ()
        self.fix_button.setVisible(bool(fix))
        self.fix_button.setText(f"Run “{' '.join(fix)}”" if fix else "")
        self.completeChanged.emit()

    def _run_fix(self) -> None:
        result = self.chosen_result()
        if result is None or result.diagnosis is None or not result.diagnosis.fix:
            return
        from app.hosts.docker_machine import run_fix

        command = result.diagnosis.fix
        self.fix_button.setEnabled(False)
        self.details.setText(f"Running {' '.join(command)}… this can take a minute.")
        self._wizard.runner.call(lambda: run_fix(command), f"Could not run {' '.join(command)}",
                                 lambda _outcome: self._fix_done(), lambda error: self._fix_failed(error.message))

    def _fix_done(self) -> None:
        self.fix_button.setEnabled(True)
        self.search()

    def _fix_failed(self, message: str) -> None:
        self.fix_button.setEnabled(True)
        self.details.setText(message)

    def chosen_result(self) -> ProbeResult | None:
        item = self.list.currentItem()
        return self.results.get(id(item)) if item is not None else None

    def isComplete(self) -> bool:  # noqa: N802
        if self.manual_box.isChecked():
            return True
        result = self.chosen_result()
        return result is not None and result.reachable

    def nextId(self) -> int:  # noqa: N802
        return MANUAL_PAGE if self.manual_box.isChecked() else SAVE_PAGE


class ManualPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Enter the engine's address")
        self.setSubTitle("unix:///path/to/docker.sock, tcp://host:2376 (TLS, with a certificate folder), or "
                         "ssh://user@host.")
        self.url = QLineEdit(self)
        self.url.setObjectName("manualUrl")
        self.url.setPlaceholderText("tcp://192.168.99.100:2376")
        self.cert_folder = QLineEdit(self)
        self.cert_folder.setObjectName("manualCertFolder")
        self.cert_folder.setPlaceholderText("Folder with ca.pem, cert.pem and key.pem (for TLS)")
        choose = QPushButton("Choose…", self)
        choose.clicked.connect(self._choose_folder)
        self.validation = QLabel(self)
        self.validation.setObjectName("manualValidation")
        self.validation.setWordWrap(True)
        self.test_button = QPushButton("Test connection", self)
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self.test)
        self.outcome = QLabel(self)
        self.outcome.setObjectName("testOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.cert_folder, 1)
        folder_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("Address", self.url)
        form.addRow("Certificates", folder_row)
        form.addRow("", self.validation)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.outcome, 1)
        self.url.textChanged.connect(self._validate)
        self.cert_folder.textChanged.connect(self._validate)
        self.candidate: Candidate | None = None
        self.result: ProbeResult | None = None
        self._validate()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with the TLS certificates", self.cert_folder.text())
        if folder:
            self.cert_folder.setText(folder)

    def _validate(self) -> None:
        """Live: say what is wrong with the address while it is typed; a change forgets the last test."""
        self.result = None
        self.outcome.setText("")
        text = self.url.text().strip()
        try:
            self.candidate = candidate_for_url(text, name="", cert_folder=self.cert_folder.text().strip()) if text \
                else None
            problem = "" if text else "Type the address of the engine."
        except UnknownHost as error:
            self.candidate, problem = None, str(error)
        if self.candidate is not None:
            security = "TLS, verified with the folder's CA" if self.candidate.tls else "no TLS"
            self.validation.setText(f"✓ {self.candidate.url} ({security})")
            self.validation.setStyleSheet("color: #2e7d32;")
        else:
            self.validation.setText(problem)
            self.validation.setStyleSheet("color: #b3261e;")
        self.test_button.setEnabled(self.candidate is not None)
        self.completeChanged.emit()

    def test(self) -> None:
        if self.candidate is None:
            return
        self.test_button.setEnabled(False)
        self.outcome.setText("Connecting…")
        session = ProbeSession(self)
        session.result.connect(self._tested)
        session.finished.connect(lambda: self.test_button.setEnabled(True))
        session.probe([self.candidate])
        self._session = session

    def _tested(self, result: ProbeResult) -> None:
        if result.candidate != self.candidate:
            return  # the address changed while the test ran
        self.result = result
        self.outcome.setText(("✓ " if result.reachable else "✗ ") + advice(result))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.result is not None and self.result.reachable

    def nextId(self) -> int:  # noqa: N802
        return SAVE_PAGE


class SavePage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Save the connection")
        self.setSubTitle("The app connects to it from now on; switch engines any time from the toolbar.")
        self.name = QLineEdit(self)
        self.name.setObjectName("profileName")
        self.name.textChanged.connect(self.completeChanged)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout(self)
        form.addRow("Profile name", self.name)
        form.addRow(self.summary)

    def initializePage(self) -> None:  # noqa: N802
        result = self._wizard.chosen_result()
        if result is not None:
            self.name.setText(result.candidate.name)
            self.summary.setText(advice(result))

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.name.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        result = self._wizard.chosen_result()
        if result is None:
            return False
        profile = Profile.from_candidate(result.candidate, self.name.text().strip())
        self._wizard.store.put(profile)
        self._wizard.store.mark_used(profile.name)
        self._wizard.profile_saved.emit(profile)
        return True


class SetupWizard(QWizard):
    profile_saved = Signal(object)  # Profile

    def __init__(self, store: ProfileStore, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle("Engine setup")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.resize(760, 560)
        self.store = store
        self.runner = runner
        self.detect_page = DetectPage(self)
        self.manual_page = ManualPage(self)
        self.save_page = SavePage(self)
        self.setPage(DETECT_PAGE, self.detect_page)
        self.setPage(MANUAL_PAGE, self.manual_page)
        self.setPage(SAVE_PAGE, self.save_page)
        self.finished.connect(lambda _code: self.detect_page.stop())

    def chosen_result(self) -> ProbeResult | None:
        if self.detect_page.manual_box.isChecked():
            return self.manual_page.result
        return self.detect_page.chosen_result()
