"""The app's settings: where they live, their defaults, and a load that never loses a bad file."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from app.fileio import set_aside, write_atomically

THEMES = ("system", "light", "dark")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def config_dir() -> Path:
    """``$ERIS_DESKTOP_CONFIG`` when set (tests, portable installs), else the platform's config folder."""
    override = os.environ.get("ERIS_DESKTOP_CONFIG")
    return Path(override) if override else Path(platformdirs.user_config_dir("eris-desktop", appauthor=False))


def log_dir() -> Path:
    override = os.environ.get("ERIS_DESKTOP_CONFIG")
    if override:
        return Path(override) / "logs"
    return Path(platformdirs.user_log_dir("eris-desktop", appauthor=False))


@dataclass(frozen=True)
class Settings:
    parallel_pulls: int = 3
    notify_pulls: bool = True
    notify_service_exits: bool = True
    notify_engine: bool = True
    notify_updates: bool = True
    close_to_tray: bool = True
    told_about_tray: bool = False
    theme: str = "system"
    log_level: str = "WARNING"


@dataclass(frozen=True)
class LoadProblem:
    """Why the settings file was not used, and where the bad file went."""

    message: str
    kept_at: Path | None


def _validated(raw: Any) -> Settings:
    if not isinstance(raw, dict):
        raise ValueError("the file does not hold an object of settings")
    values: dict[str, Any] = {}
    defaults = Settings()
    for field in fields(Settings):
        if field.name not in raw:
            continue
        value = raw[field.name]
        expected = type(getattr(defaults, field.name))
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"{field.name} must be a whole number, not {value!r}")
        if expected is not int and not isinstance(value, expected):
            raise ValueError(f"{field.name} must be {expected.__name__}, not {value!r}")
        values[field.name] = value
    settings = replace(defaults, **values)
    if not 1 <= settings.parallel_pulls <= 10:
        raise ValueError(f"parallel_pulls must be between 1 and 10, not {settings.parallel_pulls}")
    if settings.theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {settings.theme!r}")
    if settings.log_level not in LOG_LEVELS:
        raise ValueError(f"log_level must be one of {', '.join(LOG_LEVELS)}, not {settings.log_level!r}")
    return settings


class SettingsStore:
    def __init__(self, folder: Path | None = None) -> None:
        self.path = (folder or config_dir()) / "settings.json"

    def load(self) -> tuple[Settings, LoadProblem | None]:
        """The saved settings; defaults, and the reason, when the file is unreadable (set aside, not lost)."""
        if not self.path.exists():
            return Settings(), None
        try:
            return _validated(json.loads(self.path.read_text(encoding="utf-8"))), None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            kept_at = None
            with contextlib.suppress(OSError):  # unreadable and unmovable: still start with defaults
                kept_at = set_aside(self.path)
            where = f" It was kept as {kept_at}." if kept_at else ""
            message = f"The settings file {self.path} could not be used ({error}); defaults apply.{where}"
            return Settings(), LoadProblem(message, kept_at)

    def save(self, settings: Settings) -> None:
        write_atomically(self.path, json.dumps(asdict(settings), indent=2) + "\n")
