"""Entry point: the window by default; subcommands for people and scripts without a screen."""

from __future__ import annotations

import argparse
import logging
import sys

from app import APP_NAME, __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eris-desktop", description=f"{APP_NAME}: eris services on Docker.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def run_gui(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from app.engine.connection import Endpoint
    from app.ui.main_window import MainWindow

    application = QApplication.instance() or QApplication([sys.argv[0], *argv])
    application.setApplicationName(APP_NAME)
    application.setApplicationVersion(__version__)
    window = MainWindow(Endpoint.from_environment())
    window.show()
    return int(application.exec())


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_gui([])
