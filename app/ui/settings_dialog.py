"""The settings a person can change, checked before they are saved."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.settings import LOG_LEVELS, THEMES, Settings

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self._original = settings
        self.parallel_pulls = QSpinBox(self)
        self.parallel_pulls.setRange(1, 10)
        self.parallel_pulls.setValue(settings.parallel_pulls)
        self.close_to_tray = QCheckBox("Closing the window keeps Eris Desktop running in the tray", self)
        self.close_to_tray.setChecked(settings.close_to_tray)
        self.theme = QComboBox(self)
        for theme in THEMES:
            self.theme.addItem(THEME_LABELS[theme], theme)
        self.theme.setCurrentIndex(THEMES.index(settings.theme))
        self.log_level = QComboBox(self)
        self.log_level.addItems(list(LOG_LEVELS))
        self.log_level.setCurrentText(settings.log_level)

        self.notify_pulls = QCheckBox("A pull finished or failed", self)
        self.notify_pulls.setChecked(settings.notify_pulls)
        self.notify_service_exits = QCheckBox("A container exited unexpectedly or became unhealthy", self)
        self.notify_service_exits.setChecked(settings.notify_service_exits)
        self.notify_engine = QCheckBox("The connection to the engine was lost or came back", self)
        self.notify_engine.setChecked(settings.notify_engine)
        self.notify_updates = QCheckBox("A service update finished", self)
        self.notify_updates.setChecked(settings.notify_updates)
        notifications = QGroupBox("Notify me when", self)
        notifications_layout = QVBoxLayout(notifications)
        for box in (self.notify_pulls, self.notify_service_exits, self.notify_engine, self.notify_updates):
            notifications_layout.addWidget(box)

        form = QFormLayout()
        form.addRow("Parallel pulls", self.parallel_pulls)
        form.addRow("Theme", self.theme)
        form.addRow("Log level", self.log_level)
        form.addRow(self.close_to_tray)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(notifications)
        layout.addWidget(buttons)

    def settings(self) -> Settings:
        return replace(
            self._original,
            parallel_pulls=self.parallel_pulls.value(),
            close_to_tray=self.close_to_tray.isChecked(),
            theme=str(self.theme.currentData()),
            log_level=self.log_level.currentText(),
            notify_pulls=self.notify_pulls.isChecked(),
            notify_service_exits=self.notify_service_exits.isChecked(),
            notify_engine=self.notify_engine.isChecked(),
            notify_updates=self.notify_updates.isChecked(),
        )
