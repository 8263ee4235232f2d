"""The main window: the four live resource views, their actions, details and the engine's state."""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.engine.connection import Endpoint
from app.engine.errors import EngineError
from app.engine.incidents import Incident
from app.engine.pulls import Pull
from app.engine.rows import ImageRow, Kind
from app.engine.tracker import ConnectionState, Status
from app.hosts.profiles import ProfileStore
from app.qt.icons import app_icon
from app.qt.live import EngineModels
from app.qt.notifications import Category, Notification, NotificationCenter, Severity
from app.qt.operations import OperationRunner
from app.qt.pulls import PullsController
from app.settings import Settings, SettingsStore
from app.ui.actions import ActionController
from app.ui.details_pane import DetailsPane
from app.ui.down_containers import DownContainers
from app.ui.engine_status import EngineBanner, EngineStatusBar
from app.ui.errors import show_error
from app.ui.notification_area import NotificationBar, NotificationHistory
from app.ui.notifier import EngineNotifier
from app.ui.pull_dialog import PullDialog
from app.ui.pull_notices import pull_finished_notice
from app.ui.pulls_panel import PullsPanel
from app.ui.resource_pane import ResourcePane
from app.ui.services_pane import build_services_tab
from app.ui.settings_dialog import SettingsDialog
from app.ui.setup_wizard import SetupWizard
from app.ui.tray import Tray
from app.ui.window_menus import TAB_TITLES, build_toolbar_and_menus
from app.ui.window_state import WindowState


class MainWindow(QMainWindow):
    def __init__(
        self,
        endpoint: Endpoint,
        settings_store: SettingsStore | None = None,
        profiles: ProfileStore | None = None,
        host_label: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.resize(1280, 780)
        self.settings_store = settings_store or SettingsStore()
        self.settings, settings_problem = self.settings_store.load()
        self.profiles = profiles or ProfileStore()
        self.host_label = host_label
        self.offer_setup_on_failure = False  # set on start-up: a saved engine that fails opens the wizard
        self._ever_connected = False
        self._quitting = False
        self.models = EngineModels(self)
        # The engine's answers arrive as queued signals, after the window is built; asking first
        # lets the engine's list run while the widgets are made.
        self.models.connect_to(endpoint)
        self.runner = OperationRunner(endpoint, self)
        self.runner.failed.connect(lambda error: show_error(self, error))

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("resourceTabs")
        self.panes: dict[Kind, ResourcePane] = {}
        for kind, title in TAB_TITLES.items():
            pane = ResourcePane(kind, self.models.model(kind), self.tabs)
            self.panes[kind] = pane
            self.tabs.addTab(pane, title)
            pane.selection_changed.connect(self._selection_changed)
            pane.view.customContextMenuRequested.connect(lambda point, pane=pane: self._context_menu(pane, point))
            self.models.model(kind).dataChanged.connect(self._update_actions)
            self.models.model(kind).rows_changed.connect(self._rows_changed)

        self.pulls = PullsController(endpoint, self, max_parallel=self.settings.parallel_pulls)
        self.services_pane = build_services_tab(self)
        self.tabs.insertTab(0, self.services_pane, "Services")
        self.details = DetailsPane(self.runner, self)
        self.banner = EngineBanner(self)
        self.controller = ActionController(self, self.runner, self.models)

        self.notifications = NotificationCenter(self._category_enabled, self)
        self.tray = Tray(self)
        self.notifications.add_adapter(self.tray)
        self.notification_bar = NotificationBar(self)
        self.notification_history = NotificationHistory(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.notification_history)
        self.notification_history.hide()
        self.notifications.posted.connect(self.notification_history.add)
        self.notifications.presented_in_window.connect(self.notification_bar.present)
        for source in (self.notification_bar.opened, self.notification_history.opened, self.tray.opened):
            source.connect(self.open_notification)
        self.tray.show_window.connect(self.bring_to_front)
        self.tray.quit_requested.connect(self.quit_app)
        self.pulls_panel = PullsPanel(self.pulls, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.pulls_panel)
        self.pulls_panel.hide()
        self.pulls.finished.connect(self._pull_finished)
        self.services_pane.set_notifications(self.notifications)
        self.notifier = EngineNotifier(self.notifications, self)
        self.models.state_changed.connect(self.notifier.state_changed)
        self.models.incident.connect(self.notifier.incident)
        self.down_containers = DownContainers(self.models)
        self.models.incident.connect(self._container_down)
        self.models.incident_over.connect(self._container_well)
        self.models.relisted.connect(self._relisted)
        for model in (self.pulls.model, self.models.model(Kind.CONTAINER)):
            for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged):
                signal.connect(self._refresh_tray)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 460])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.notification_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status = EngineStatusBar(self)
        self.setStatusBar(self.status)
        self.pull_action, self.host_switcher = build_toolbar_and_menus(self)
        self.models.state_changed.connect(self._state_changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._details_refresh = QTimer(self)
        self._details_refresh.setSingleShot(True)
        self._details_refresh.setInterval(300)
        self._details_refresh.timeout.connect(self.details.refresh)
        self.window_state = WindowState()
        self.window_state.restore(self, self.splitter, self.tabs, self._views())
        self._tab_changed()
        if settings_problem is not None:
            self.notifications.post(Notification(Category.ENGINE, "Settings reset", settings_problem.message,
                                                 Severity.WARNING))
        if self.profiles.problem:
            self.notifications.post(Notification(Category.ENGINE, "Saved engines reset", self.profiles.problem,
                                                 Severity.WARNING))
        self._refresh_host_switcher()

    def current_pane(self) -> ResourcePane | None:
        """The resource view in front, or None while the Services tab is."""
        pane = self.tabs.currentWidget()
        return pane if isinstance(pane, ResourcePane) else None

    def show_services(self) -> None:
        self.tabs.setCurrentWidget(self.services_pane)

    def show_kind(self, kind: Kind) -> None:
        self.tabs.setCurrentWidget(self.panes[kind])

    def _tab_changed(self) -> None:
        self.controller.set_pane(self.current_pane())
        self._selection_changed()

    def _selection_changed(self) -> None:
        pane = self.current_pane()
        self.controller.update_enabled()
        if pane is None:
            self.details.show_row(None, None)
            return
        rows = pane.selected_rows()
        self.details.show_row(pane.kind if len(rows) == 1 else None, rows[0] if len(rows) == 1 else None)

    def _update_actions(self) -> None:
        if hasattr(self, "controller"):  # rows can arrive while the window is still being built
            self.controller.update_enabled()

    def _rows_changed(self, keys: list[str]) -> None:
        pane = self.current_pane()
        rows = pane.selected_rows() if pane is not None else []
        if len(rows) == 1 and rows[0].key in keys:
            self._details_refresh.start()

    def _context_menu(self, pane: ResourcePane, point: QPoint) -> None:
        self.controller.set_pane(pane)
        menu = self.controller.context_menu()
        if pane.kind is Kind.IMAGE:
            self._add_pull_entries(menu, pane)
        menu.popup(pane.view.viewport().mapToGlobal(point))

    def _add_pull_entries(self, menu: QMenu, pane: ResourcePane) -> None:
        """On images: pull the selected tags again (a newer image under the same tag), or any other."""
        menu.addSeparator()
        tags = [row.tags[0] for row in pane.selected_rows() if isinstance(row, ImageRow) and row.tags]
        if tags:
            again = menu.addAction(f"Pull {tags[0]} again" if len(tags) == 1 else f"Pull {len(tags)} images again")
            again.setObjectName("pullAgainAction")
            again.triggered.connect(lambda: [self.start_pull(tag) for tag in tags])
        menu.addAction(self.pull_action)

    # -- engines and profiles

    def _refresh_host_switcher(self) -> None:
        self.host_switcher.show_engines(self.profiles, self.host_label, self.runner.endpoint.display_address)

    def use_profile(self, name: str) -> None:
        profile = self.profiles.get(name)
        if profile is None:
            return
        self.profiles.mark_used(name)
        self.switch_endpoint(profile.to_candidate().to_endpoint(), name)

    def switch_endpoint(self, endpoint: Endpoint, label: str) -> None:
        """Follow another engine from now on, live: its rows replace the old engine's row by row."""
        self.host_label = label
        self._ever_connected = False
        self.details.show_row(None, None)
        self.runner.switch_endpoint(endpoint)
        self.pulls.switch_endpoint(endpoint)
        self.down_containers.forget_all()
        self.models.connect_to(endpoint)
        self._refresh_host_switcher()
        self.setWindowTitle(f"{APP_NAME} — {label}" if label else APP_NAME)

    # -- pulls

    def open_pull_dialog(self) -> PullDialog:
        images = self.models.model(Kind.IMAGE).rows()
        tags = [tag for row in images if isinstance(row, ImageRow) for tag in row.tags]
        dialog = PullDialog(self.runner, tags, self)
        dialog.accepted.connect(lambda: self.start_pull(dialog.image(), dialog.known_sizes))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def start_pull(self, image: str, known_sizes: dict[str, int] | None = None) -> Pull | None:
        try:
            pull = self.pulls.pull(image, known_sizes)
        except EngineError as error:
            show_error(self, error)
            return None
        self.pulls_panel.show()
        self.pulls_panel.select(pull)
        return pull

    def _pull_finished(self, pull: Pull) -> None:
        notice = pull_finished_notice(pull)
        if notice is not None:
            self.notifications.post(notice)

    def open_setup(self) -> SetupWizard:
        wizard = SetupWizard(self.profiles, self.runner, self)
        wizard.profile_saved.connect(lambda profile: self.use_profile(profile.name))
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        self.setup_wizard = wizard
        return wizard

    def _refresh_tray(self) -> None:
        pulling = sum(not pull.finished for pull in self.pulls.model.pulls())
        self.tray.show_state(self.models.state, pulling=pulling, down=self.down_containers.names())

    def _container_down(self, incident: Incident) -> None:
        self.down_containers.add(incident)
        self._refresh_tray()

    def _container_well(self, key: str) -> None:
        self.down_containers.over(key)
        self._refresh_tray()

    def _relisted(self, kind: Kind) -> None:
        if kind is Kind.CONTAINER:
            self.down_containers.relisted()
            self._refresh_tray()

    def _state_changed(self, state: ConnectionState) -> None:
        self._refresh_tray()
        if state.status is Status.CONNECTED:
            self._ever_connected = True
        elif state.status is Status.LOST and not self._ever_connected and self.offer_setup_on_failure:
            self.offer_setup_on_failure = False  # once: the banner keeps explaining afterwards
            self.open_setup()
        for pane in self.panes.values():
            pane.set_connected(state.status is Status.CONNECTED)
        self.banner.show_state(state)
        self.status.show_state(state)
        self.controller.update_enabled()

    # -- notifications, tray and settings

    def _category_enabled(self, category: Category) -> bool:
        return {
            Category.PULL: self.settings.notify_pulls,
            Category.SERVICE: self.settings.notify_service_exits,
            Category.ENGINE: self.settings.notify_engine,
            Category.UPDATE: self.settings.notify_updates,
        }[category]

    def open_notification(self, notification: Notification | None) -> None:
        self.bring_to_front()
        if notification is not None and notification.category is Category.PULL:
            self.pulls_panel.show()
        if notification is None or notification.target is None:
            return
        kind, key = notification.target
        self.show_kind(kind)
        self.panes[kind].select_key(key)

    def bring_to_front(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_settings(dialog.settings())

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.settings_store.save(settings)
        self.pulls.set_max_parallel(settings.parallel_pulls)
        apply_theme(settings.theme)
        logging.getLogger().setLevel(settings.log_level)  # at once, not at the next start

    def _views(self) -> dict[str, QTreeView]:
        return {pane.view.objectName(): pane.view for pane in self.panes.values()}

    def quit_app(self) -> None:
        self._quitting = True
        self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self._quitting and self.settings.close_to_tray and self.tray.available():
            event.ignore()
            self.hide()
            if not self.settings.told_about_tray:
                self.tray.present(Notification(Category.ENGINE, APP_NAME,
                                               "Eris Desktop keeps running in the tray. Quit it from the tray menu."))
                self.apply_settings(replace(self.settings, told_about_tray=True))
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        if getattr(self, "_shut_down", False):
            return
        self._shut_down = True
        self.window_state.save(self, self.splitter, self.tabs, self._views())
        self.tray.icon.hide()
        self.details.shutdown()
        self.services_pane.shutdown()
        self.pulls.close()
        self.models.disconnect_engine(wait=5.0)
        self.runner.shutdown()


def apply_theme(theme: str) -> None:
    hints = QApplication.styleHints()
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme, Qt.ColorScheme.Unknown)
    hints.setColorScheme(scheme)
