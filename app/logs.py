"""Logging to a rotating file in the platform's log folder, so a crash report can point at it."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.settings import log_dir

FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def setup_logging(level: str) -> Path:
    """Send the app's log to ``<log folder>/eris-desktop.log`` (1 MB × 5 files); returns its path."""
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "eris-desktop.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    return path
