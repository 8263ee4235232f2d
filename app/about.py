"""What the About dialog and bug reports show: versions of the app, its libraries and the engine.

No Qt here: PySide6 is imported only when its version is asked for, so the command line and
the tests can use this without a display.
"""

from __future__ import annotations

import importlib
import platform
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import APP_NAME, __version__
from app.settings import log_dir

if TYPE_CHECKING:
    import docker

    from app.engine.connection import EngineInfo

NOT_INSTALLED = "not installed"


@dataclass(frozen=True)
class EngineVersion:
    """The engine's own account of itself, as ``GET /version`` gives it."""

    version: str
    api_version: str
    os: str = ""
    arch: str = ""
    address: str = ""

    def describe(self) -> str:
        text = f"{self.version} (API {self.api_version})"
        if self.os and self.arch:
            text += f", {self.os}/{self.arch}"
        if self.address:
            text += f" at {self.address}"
        return text


@dataclass(frozen=True)
class About:
    app: str
    python: str
    pyside: str
    qt: str
    docker_sdk: str
    system: str
    frozen: bool
    engine: EngineVersion | None = None
    engine_problem: str = ""  # why there is no engine version, when one was asked for
    log_folder: str = ""  # where the app's log files are, for a bug report

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs in the order a person reads them."""
        engine = self.engine.describe() if self.engine is not None else self.engine_problem or "not connected"
        return [
            (APP_NAME, self.app + (" (installed bundle)" if self.frozen else "")),
            ("Docker Engine", engine),
            ("Qt", self.qt),
            ("PySide6", self.pyside),
            ("Docker SDK for Python", self.docker_sdk),
            ("Python", self.python),
            ("System", self.system),
            *([("Log folder", self.log_folder)] if self.log_folder else []),
        ]

    def as_text(self) -> str:
        """Plain text to paste into a bug report."""
        return "\n".join(f"{label}: {value}" for label, value in self.rows())

    def as_dict(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "python": self.python,
            "pyside6": self.pyside,
            "qt": self.qt,
            "docker_sdk": self.docker_sdk,
            "system": self.system,
            "frozen": self.frozen,
            "engine": None if self.engine is None else {
                "version": self.engine.version,
                "api_version": self.engine.api_version,
                "os": self.engine.os,
                "arch": self.engine.arch,
                "address": self.engine.address,
            },
            "engine_problem": self.engine_problem,
            "log_folder": self.log_folder,
        }


def pyside_versions() -> tuple[str, str]:
    """(PySide6, Qt run-time) versions, or "not installed" for both."""
    try:
        pyside = importlib.import_module("PySide6")
        qt_core = importlib.import_module("PySide6.QtCore")
    except ImportError:
        return NOT_INSTALLED, NOT_INSTALLED
    return str(getattr(pyside, "__version__", "?")), str(qt_core.qVersion())


def docker_sdk_version() -> str:
    try:
        module = importlib.import_module("docker")
    except ImportError:
        return NOT_INSTALLED
    return str(getattr(module, "__version__", "?"))


def engine_version(client: docker.APIClient, address: str = "") -> EngineVersion:
    """Ask the engine behind ``client``; raises whatever the docker SDK raises."""
    answer: dict[str, Any] = client.version(api_version=False)
    return EngineVersion(
        version=str(answer.get("Version", "?")),
        api_version=str(answer.get("ApiVersion", "?")),
        os=str(answer.get("Os", "")),
        arch=str(answer.get("Arch", "")),
        address=address,
    )


def from_engine_info(info: EngineInfo) -> EngineVersion:
    return EngineVersion(info.server_version, info.api_version, info.os, info.arch, info.address)


def collect(client: docker.APIClient | None = None, *, engine: EngineInfo | None = None, address: str = "") -> About:
    """Versions of everything; the engine's from ``engine`` if given, else by asking ``client``.

    ``address`` names the engine that ``client`` talks to (the SDK's own URL for a socket
    is only ``http+docker://localhost``).

    Never raises: an engine that does not answer is reported in ``engine_problem``.
    """
    pyside, qt = pyside_versions()
    found: EngineVersion | None = None
    problem = ""
    if engine is not None:
        found = from_engine_info(engine)
    elif client is not None:
        try:
            found = engine_version(client, address)
        except Exception as error:  # noqa: BLE001 - any failure is shown, never raised
            problem = f"did not answer ({type(error).__name__}: {error})"
    return About(
        app=__version__,
        python=f"{platform.python_version()} ({platform.python_implementation()})",
        pyside=pyside,
        qt=qt,
        docker_sdk=docker_sdk_version(),
        system=f"{platform.system()} {platform.release()} ({platform.machine()})",
        frozen=bool(getattr(sys, "frozen", False)),
        engine=found,
        engine_problem=problem,
        log_folder=str(log_dir()),
    )
