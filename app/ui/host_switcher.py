"""The toolbar's engine chooser: the saved profiles, the engine in use, and a way into the setup wizard."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from app.hosts.profiles import ProfileStore

_SETUP = "\x00setup"  # the last entry opens the wizard instead of naming an engine


class HostSwitcher(QComboBox):
    profile_chosen = Signal(str)
    setup_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hostSwitcher")
        self.setAccessibleName("Docker Engine")
        self.setMinimumContentsLength(22)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.activated.connect(self._chosen)
        self._current = ""

    def show_engines(self, profiles: ProfileStore, current: str, address: str) -> None:
        """List the profiles with ``current`` selected; an unsaved engine shows by its ``address``."""
        self._current = current
        self.blockSignals(True)
        self.clear()
        names = [profile.name for profile in profiles.profiles]
        if current not in names:
            self.addItem(current or address, None)
        for name in names:
            self.addItem(name, name)
        self.insertSeparator(self.count())
        self.addItem("Engine setup…", _SETUP)
        self.setCurrentIndex(names.index(current) if current in names else 0)
        self.blockSignals(False)

    def _chosen(self, index: int) -> None:
        choice = self.itemData(index)
        if choice == _SETUP:
            self.setCurrentIndex(max(0, self.findText(self._current)))
            self.setup_requested.emit()
        elif isinstance(choice, str) and choice != self._current:
            self.profile_chosen.emit(choice)
