"""Disk usage: where the engine's disk goes (system df), and prunes shown before they are done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app import humanize
from app.engine.disk_usage import (
    DiskUsage,
    KindTotals,
    PrunePlan,
    PruneResult,
    UsageKind,
    fetch_disk_usage,
    plan_prune,
    prune,
)
from app.engine.errors import EngineError
from app.engine.rows import Row
from app.qt.operations import OperationRunner
from app.qt.resource_model import ResourceModel
from app.ui.disk_usage_summary import UsageBar, UsageSummary
from app.ui.disk_usage_tables import ACTIVE_WORD, SINGULAR, plural, usage_table
from app.ui.errors import show_error
from app.ui.image_family_view import open_image_family
from app.ui.prune_dialog import PruneDialog


class DiskUsageDialog(QDialog):
    def __init__(self, runner: OperationRunner, parent: QWidget | None = None, *,
                 prune_label: str | None = None) -> None:
        """``prune_label`` narrows every prune to objects with that label (tests: never the whole shared engine)."""
        super().__init__(parent)
        self.setObjectName("diskUsageDialog")
        self.setWindowTitle("Disk usage")
        self.resize(1000, 660)
        self.runner = runner
        self.prune_label = prune_label
        self.usage: DiskUsage | None = None
        self.last_result: PruneResult | None = None
        self.last_error: EngineError | None = None
        self.prune_dialog: PruneDialog | None = None
        self._slot = f"diskUsage-{id(self)}"
        self._busy = False

        title = QLabel("Disk usage", self)
        title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.where = QLabel(self)
        self.where.setStyleSheet("color: palette(mid);")
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("diskUsageRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addWidget(self.where, 1, Qt.AlignmentFlag.AlignBottom)
        header.addWidget(self.refresh_button)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("diskUsageProgress")
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(6)
        self.progress.setTextVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("diskUsageStatus")
        self.status.setWordWrap(True)

        summary = UsageSummary(self)
        summary.prune_requested.connect(self.ask_prune)
        # The summary's parts stay reachable from the dialog, as before the summary became a widget of its own.
        self.summary_labels: dict[UsageKind, QLabel] = summary.summary_labels
        self.count_labels: dict[UsageKind, QLabel] = summary.count_labels
        self.bars: dict[UsageKind, UsageBar] = summary.bars
        self.prune_buttons: dict[UsageKind, QPushButton] = summary.prune_buttons
        self.total_label = summary.total_label

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("diskUsageTabs")
        self.models: dict[UsageKind, ResourceModel] = {}
        self.views: dict[UsageKind, QTreeView] = {}
        for kind in UsageKind:
            model, view = usage_table(kind, self, self.tabs)
            self.models[kind] = model
            self.views[kind] = view
            self.tabs.addTab(view, kind.heading)

        self.families_button = QPushButton("Image families…", self)
        self.families_button.setObjectName("imageFamiliesButton")
        self.families_button.setToolTip("Which images share which layers")
        self.families_button.clicked.connect(self._open_families)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(self.families_button)
        footer.addStretch(1)
        footer.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(footer)
        self.refresh()

    # -- loading

    @property
    def busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        self.refresh_button.setEnabled(not busy)
        for button in self.prune_buttons.values():
            button.setEnabled(not busy and self.usage is not None)
        if busy:
            self._say(text)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b3261e;" if error else "color: palette(mid);")
        self.status.setVisible(bool(text))

    def refresh(self) -> None:
        self._set_busy(True, "Reading disk usage from the engine… (it measures every container and volume,"
                             " which can take a while)")
        self.where.setText(f"on {self.runner.endpoint.display_address}")
        self.runner.run(fetch_disk_usage, "Could not read the engine's disk usage", self._loaded, self._failed,
                        slot=self._slot)

    def _loaded(self, usage: DiskUsage) -> None:
        self.usage = usage
        self.last_error = None
        whole = max(1, usage.total_size)
        for kind in UsageKind:
            totals = usage.totals[kind]
            self.summary_labels[kind].setText(f"{humanize.size(totals.size)}  "
                                              f"({humanize.size(totals.reclaimable)} reclaimable)")
            self.count_labels[kind].setText(self._counts(totals))
            self.bars[kind].set_values(totals.size, totals.reclaimable, whole)
        self.total_label.setText(f"{humanize.size(usage.total_size)}  "
                                 f"({humanize.size(usage.total_reclaimable)} reclaimable)")
        rows: dict[UsageKind, Sequence[Any]] = {
            UsageKind.IMAGES: usage.images, UsageKind.CONTAINERS: usage.containers,
            UsageKind.VOLUMES: usage.volumes, UsageKind.BUILD_CACHE: usage.build_cache,
        }
        for kind, items in rows.items():
            self.models[kind].replace_all(cast(list[Row], list(items)))
            self.tabs.setTabText(list(UsageKind).index(kind), f"{kind.heading} ({len(items)})")
        self._set_busy(False)
        self._say(self.last_result.summary if self.last_result is not None else "")

    @staticmethod
    def _counts(totals: KindTotals) -> str:
        word = SINGULAR[totals.kind]
        return f"{plural(totals.count, word)}, {totals.active} {ACTIVE_WORD[totals.kind]}"

    def _failed(self, error: EngineError) -> None:
        self.last_error = error
        self._set_busy(False)
        self._say(error.message, error=True)

    def summary_text(self, kind: UsageKind) -> str:
        """"Images 230 MB (212 MB reclaimable)", as the summary shows it."""
        return "" if self.usage is None else self.usage.totals[kind].summary

    # -- pruning

    def ask_prune(self, kind: UsageKind) -> None:
        """Read disk usage afresh, then list what a prune would remove; prune only when confirmed."""
        self._set_busy(True, f"Finding what a prune of {kind.value} would remove…")
        self.runner.run(fetch_disk_usage, "Could not read the engine's disk usage",
                        lambda usage: self._confirm_prune(kind, usage), self._failed, slot=self._slot)

    def _confirm_prune(self, kind: UsageKind, usage: DiskUsage) -> None:
        self._loaded(usage)
        dialog = PruneDialog(lambda rule: plan_prune(usage, kind, image_rule=rule, label=self.prune_label), kind,
                             self)
        self.prune_dialog = dialog
        dialog.finished.connect(lambda result: self._answered(dialog, result))
        dialog.open()

    def _answered(self, dialog: PruneDialog, result: int) -> None:
        self.prune_dialog = None
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and not dialog.plan.empty:
            self._prune(dialog.plan)
        else:
            self._say("Nothing was removed.")

    def _prune(self, plan: PrunePlan) -> None:
        self._set_busy(True, f"Removing {plural(len(plan.items), SINGULAR[plan.kind])}…")
        self.runner.run(lambda api: prune(api, plan), f"Could not prune {plan.kind.value}", self._pruned,
                        self._prune_failed, slot=self._slot)

    def _pruned(self, result: PruneResult) -> None:
        self.last_result = result
        self.refresh()

    def _prune_failed(self, error: EngineError) -> None:
        self._failed(error)
        show_error(self, error)

    def _open_families(self) -> None:
        open_image_family(self, self.runner)

    # -- closing

    def done(self, result: int) -> None:
        self.runner.cancel_slot(self._slot)
        self._set_busy(False)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.runner.cancel_slot(self._slot)
        super().closeEvent(event)


def open_disk_usage(parent: QWidget | None, runner: OperationRunner) -> QDialog:
    """Show the disk usage dialog (one per parent window; a second call brings it back and refreshes)."""
    dialog = parent.findChild(DiskUsageDialog, "diskUsageDialog") if parent is not None else None
    if isinstance(dialog, DiskUsageDialog):
        if not dialog.busy:
            dialog.refresh()
    else:
        dialog = DiskUsageDialog(runner, parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
