"""Entry point: the window by default; subcommands for people and scripts without a screen."""

from __future__ import annotations

import argparse
import logging
import sys

from app import APP_NAME, __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eris-desktop", description=f"{APP_NAME}: eris services on Docker.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def run_gui() -> int:
    from app.ui.application import run

    return run()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    _ = args
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_gui()
