"""The prune confirmation: what a prune would remove, listed with its bytes, before anything is removed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import humanize
from app.engine.disk_usage import ImageRule, PrunePlan, UsageKind
from app.ui.disk_usage_tables import SINGULAR, plural


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
            self.headline.setText(f"Remove {plural(len(plan.items), word)} and free "
                                  f"{'at least ' if plan.kind is UsageKind.IMAGES else ''}"
                                  f"{humanize.size(plan.frees)}?")
            self.prune_button.setEnabled(True)
            self.prune_button.setText(f"Remove {plural(len(plan.items), word)}")
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
