"""Disk usage: where the engine's disk goes (system df), and prunes shown before they are done."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QCloseEvent, QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import humanize
from app.engine.disk_usage import (
    DiskUsage,
    ImageRule,
    KindTotals,
    PrunePlan,
    PruneResult,
    UsageKind,
    fetch_disk_usage,
    plan_prune,
    prune,
)
from app.engine.errors import EngineError
from app.engine.rows import Row, short_id
from app.qt.operations import OperationRunner
from app.qt.resource_model import SORT_ROLE, Column, ResourceModel
from app.ui.errors import show_error
from app.ui.image_family_view import open_image_family

KIND_NAMES = {UsageKind.IMAGES: "images", UsageKind.CONTAINERS: "containers", UsageKind.VOLUMES: "volumes",
              UsageKind.BUILD_CACHE: "buildCache"}
SINGULAR = {UsageKind.IMAGES: "image", UsageKind.CONTAINERS: "container", UsageKind.VOLUMES: "volume",
            UsageKind.BUILD_CACHE: "cache record"}
ACTIVE_WORD = {UsageKind.IMAGES: "in use", UsageKind.CONTAINERS: "running", UsageKind.VOLUMES: "in use",
               UsageKind.BUILD_CACHE: "in use"}
USED_COLOR = QColor("#3b78c3")
RECLAIMABLE_COLOR = QColor("#9cc3ee")
RECLAIM_RULES = {
    UsageKind.IMAGES: "Reclaimable as docker system df counts it: all image bytes except those held only by images"
                      " a container uses. Layers an unused image shares with an image in use count as reclaimable"
                      " here, but a prune keeps them, so it may free less.",
    UsageKind.CONTAINERS: "The writable layers of containers that are not running (created, exited or dead).",
    UsageKind.VOLUMES: "Volumes no container mounts. Sizes of volumes of other drivers are not known.",
    UsageKind.BUILD_CACHE: "Build cache records no build is using and no image shares.",
}


def _plural(count: int, word: str) -> str:
    if word == "cache record":
        return f"{count} cache record{'' if count == 1 else 's'}"
    return f"{count} {word}{'' if count == 1 else 's'}"


def _names(names: Sequence[str], most: int = 3) -> str:
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])} +{len(names) - most}"


def _count_or(value: int, names: Sequence[str]) -> str:
    if names:
        return f"{len(names)}: {_names(names)}"
    return "—" if value < 0 else "none" if value == 0 else str(value)


def _columns(kind: UsageKind) -> list[Column]:
    size = humanize.size
    if kind is UsageKind.IMAGES:
        return [
            Column("Image", lambda r: r.name, tooltip=lambda r: "\n".join(r.tags) or r.key, width=230),
            Column("ID", lambda r: short_id(r.key), width=105),
            Column("Size", lambda r: size(r.size), sort_key=lambda r: r.size, align_right=True, width=85),
            Column("Shared", lambda r: size(r.shared_size), sort_key=lambda r: r.shared_size, align_right=True,
                   width=85, tooltip=lambda r: "Bytes in layers other images use too"),
            Column("Unique", lambda r: size(r.unique_size), sort_key=lambda r: r.unique_size, align_right=True,
                   width=85, tooltip=lambda r: "Bytes only this image holds: what removing it frees"),
            Column("Containers", lambda r: _count_or(r.containers, r.container_names),
                   sort_key=lambda r: max(r.containers, len(r.container_names)),
                   tooltip=lambda r: "\n".join(r.container_names) or "No container uses this image", width=170),
            Column("Created", lambda r: humanize.ago(r.created), sort_key=lambda r: r.created, width=110),
        ]
    if kind is UsageKind.CONTAINERS:
        return [
            Column("Container", lambda r: r.name, tooltip=lambda r: r.key, width=220),
            Column("Image", lambda r: humanize.short_image(r.image), width=150),
            Column("State", lambda r: r.state, width=85),
            Column("Writable layer", lambda r: size(r.size_rw), sort_key=lambda r: r.size_rw, align_right=True,
                   width=110, tooltip=lambda r: "Bytes the container wrote on top of its image"),
            Column("Root FS", lambda r: size(r.size_root_fs), sort_key=lambda r: r.size_root_fs, align_right=True,
                   width=90, tooltip=lambda r: "The image's layers plus the writable layer"),
            Column("Volumes", lambda r: ", ".join(r.volume_names), width=130),
            Column("Created", lambda r: humanize.ago(r.created), sort_key=lambda r: r.created, width=110),
        ]
    if kind is UsageKind.VOLUMES:
        return [
            Column("Volume", lambda r: r.name, tooltip=lambda r: r.mountpoint or r.name, width=260),
            Column("Driver", lambda r: r.driver, width=70),
            Column("Size", lambda r: size(r.size), sort_key=lambda r: r.size, align_right=True, width=85),
            Column("Used by", lambda r: _count_or(r.ref_count, r.users),
                   sort_key=lambda r: max(r.ref_count, len(r.users)),
                   tooltip=lambda r: "\n".join(r.users) or "No container mounts this volume", width=220),
            Column("Created", lambda r: humanize.ago(r.created), sort_key=lambda r: r.created, width=110),
        ]
    return [
        Column("Cache record", lambda r: r.name, tooltip=lambda r: r.key, width=260),
        Column("Type", lambda r: r.kind, width=110),
        Column("Size", lambda r: size(r.size), sort_key=lambda r: r.size, align_right=True, width=85),
        Column("In use", lambda r: "yes" if r.in_use else "", width=60),
        Column("Shared", lambda r: "yes" if r.shared else "", width=60),
        Column("Uses", lambda r: str(r.usage_count), sort_key=lambda r: r.usage_count, align_right=True, width=55),
        Column("Last used", lambda r: humanize.ago(r.last_used), sort_key=lambda r: r.last_used, width=110),
    ]


class UsageBar(QWidget):
    """A slim bar: the kind's share of all the disk it uses, the reclaimable part lighter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = 0
        self._reclaimable = 0
        self._whole = 1
        self.setMinimumWidth(140)

    def set_values(self, size: int, reclaimable: int, whole: int) -> None:
        self._size, self._reclaimable, self._whole = size, reclaimable, max(1, whole)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(180, 12)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = self.rect().adjusted(0, 2, -1, -2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Mid).lighter(135))
        painter.drawRoundedRect(bar, 3, 3)
        if self._size > 0:
            used = bar.adjusted(0, 0, 0, 0)
            used.setWidth(max(2, round(bar.width() * self._size / self._whole)))
            painter.setBrush(USED_COLOR)
            painter.drawRoundedRect(used, 3, 3)
            if self._reclaimable > 0:
                free = used.adjusted(0, 0, 0, 0)
                width = max(2, round(used.width() * self._reclaimable / self._size))
                free.setLeft(used.right() - width + 1)
                painter.setBrush(RECLAIMABLE_COLOR)
                painter.drawRoundedRect(free, 3, 3)
        painter.end()


class PruneDialog(QDialog):
    """What a prune would remove, listed with its bytes; nothing happens before "Remove" is clicked."""

    def __init__(self, plan_for: Callable[[ImageRule], PrunePlan], kind: UsageKind,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pruneConfirmDialog")
        self.setWindowTitle(f"Prune {kind.value}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(640, 420)
        self._plan_for = plan_for
        self.kind = kind
        self.headline = QLabel(self)
        self.headline.setObjectName("pruneHeadline")
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-weight: 600; font-size: 12pt;")
        self.rule = QLabel(self)
        self.rule.setWordWrap(True)
        self.rule_choice: QComboBox | None = None
        if kind is UsageKind.IMAGES:
            self.rule_choice = QComboBox(self)
            self.rule_choice.setObjectName("imageRuleChoice")
            self.rule_choice.setAccessibleName("Which images")
            for rule in ImageRule:
                self.rule_choice.addItem(rule.description, rule)
            self.rule_choice.currentIndexChanged.connect(self._rule_changed)
        self.items = QTreeWidget(self)
        self.items.setObjectName("pruneItems")
        self.items.setHeaderLabels([SINGULAR[kind].capitalize(), "Details", "Frees"])
        self.items.setRootIsDecorated(False)
        self.items.setAlternatingRowColors(True)
        self.items.setSortingEnabled(True)
        self.items.header().resizeSection(0, 260)
        self.items.header().resizeSection(1, 240)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid);")
        self.buttons = QDialogButtonBox(self)
        self.prune_button = self.buttons.addButton("Remove", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.prune_button.setObjectName("pruneButton")
        self.prune_button.clicked.connect(self.accept)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.headline)
        if self.rule_choice is not None:
            choice = QHBoxLayout()
            choice.addWidget(QLabel("Remove:", self))
            choice.addWidget(self.rule_choice, 1)
            layout.addLayout(choice)
            self.rule.hide()
        else:
            layout.addWidget(self.rule)
        layout.addWidget(self.items, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.plan = plan_for(ImageRule.UNUSED)
        self._show(self.plan)

    def _rule_changed(self) -> None:
        if self.rule_choice is not None:
            self._show(self._plan_for(ImageRule(self.rule_choice.currentData())))

    def _show(self, plan: PrunePlan) -> None:
        self.plan = plan
        self.rule.setText(plan.rule + ".")
        self.items.setSortingEnabled(False)
        self.items.clear()
        for item in plan.items:
            row = _SizedItem([item.name, item.detail, humanize.size(item.size)])
            row.setData(2, Qt.ItemDataRole.UserRole, item.size)
            row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.setToolTip(0, item.key)
            self.items.addTopLevelItem(row)
        self.items.setSortingEnabled(True)
        self.items.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        word = SINGULAR[plan.kind]
        if plan.empty:
            self.headline.setText(f"Nothing to prune: no {word}s match.")
            self.prune_button.setEnabled(False)
            self.prune_button.setText("Remove")
        else:
            self.headline.setText(f"Remove {_plural(len(plan.items), word)} and free "
                                  f"{'at least ' if plan.kind is UsageKind.IMAGES else ''}"
                                  f"{humanize.size(plan.frees)}?")
            self.prune_button.setEnabled(True)
            self.prune_button.setText(f"Remove {_plural(len(plan.items), word)}")
        self.note.setText(plan.note)
        self.note.setVisible(bool(plan.note))


class _SizedItem(QTreeWidgetItem):
    """Sorts the size column by bytes, not by its text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        if column == 2:
            return int(self.data(2, Qt.ItemDataRole.UserRole) or 0) < int(other.data(2, Qt.ItemDataRole.UserRole) or 0)
        return self.text(column).lower() < other.text(column).lower()


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

        summary = QFrame(self)
        summary.setObjectName("diskUsageSummary")
        summary.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(summary)
        grid.setHorizontalSpacing(18)
        grid.setColumnStretch(2, 1)
        self.summary_labels: dict[UsageKind, QLabel] = {}
        self.count_labels: dict[UsageKind, QLabel] = {}
        self.bars: dict[UsageKind, UsageBar] = {}
        self.prune_buttons: dict[UsageKind, QPushButton] = {}
        for row, kind in enumerate(UsageKind):
            name = QLabel(f"<b>{kind.heading}</b>", summary)
            label = QLabel("…", summary)
            label.setObjectName(f"{KIND_NAMES[kind]}Summary")
            label.setToolTip(RECLAIM_RULES[kind])
            counts = QLabel(summary)
            counts.setStyleSheet("color: palette(mid);")
            bar = UsageBar(summary)
            bar.setToolTip(RECLAIM_RULES[kind])
            button = QPushButton("Prune…", summary)
            button.setObjectName(f"prune{KIND_NAMES[kind][0].upper()}{KIND_NAMES[kind][1:]}Button")
            button.setAccessibleName(f"Prune {kind.value}")
            button.setToolTip(f"Shows which {kind.value} would be removed before anything is removed")
            button.clicked.connect(lambda _checked=False, kind=kind: self.ask_prune(kind))
            grid.addWidget(name, row, 0)
            grid.addWidget(label, row, 1)
            grid.addWidget(bar, row, 2)
            grid.addWidget(counts, row, 3)
            grid.addWidget(button, row, 4)
            self.summary_labels[kind] = label
            self.count_labels[kind] = counts
            self.bars[kind] = bar
            self.prune_buttons[kind] = button
        self.total_label = QLabel(summary)
        self.total_label.setObjectName("diskUsageTotal")
        legend = QLabel(f'<span style="color:{USED_COLOR.name()}">■</span> kept &nbsp; '
                        f'<span style="color:{RECLAIMABLE_COLOR.name()}">■</span> reclaimable &nbsp; '
                        "(bars: share of all the disk the engine uses)", summary)
        legend.setStyleSheet("color: palette(mid);")
        grid.addWidget(QLabel("<b>All</b>", summary), len(UsageKind), 0)
        grid.addWidget(self.total_label, len(UsageKind), 1)
        grid.addWidget(legend, len(UsageKind), 2, 1, 2)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("diskUsageTabs")
        self.models: dict[UsageKind, ResourceModel] = {}
        self.views: dict[UsageKind, QTreeView] = {}
        for kind in UsageKind:
            model = ResourceModel(_columns(kind), self)
            proxy = QSortFilterProxyModel(self)
            proxy.setSourceModel(model)
            proxy.setSortRole(SORT_ROLE)
            proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            proxy.setDynamicSortFilter(True)
            view = QTreeView(self.tabs)
            view.setObjectName(f"{KIND_NAMES[kind]}UsageView")
            view.setModel(proxy)
            view.setRootIsDecorated(False)
            view.setUniformRowHeights(True)
            view.setAlternatingRowColors(True)
            view.setSortingEnabled(True)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            view.header().setStretchLastSection(True)
            for number, column in enumerate(model.columns()):
                view.header().resizeSection(number, column.width)
            sort_column = 2 if kind is not UsageKind.CONTAINERS else 3  # the size column, largest first
            view.sortByColumn(sort_column, Qt.SortOrder.DescendingOrder)
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
        return f"{_plural(totals.count, word)}, {totals.active} {ACTIVE_WORD[totals.kind]}"

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
        self._set_busy(True, f"Removing {_plural(len(plan.items), SINGULAR[plan.kind])}…")
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
