"""The core (engine, hosts, services) never imports Qt: the CLI and servers use it without a screen."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_modules_load_without_qt() -> None:
    program = (
        "import pkgutil, importlib, sys\n"
        "import app.engine, app.hosts, app.services, app.humanize\n"
        "for package in (app.engine, app.hosts, app.services):\n"
        "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(module.name)\n"
        "forbidden = ('PySide6', 'shiboken6', 'app.qt', 'app.ui')\n"
        "loaded = sorted(name for name in sys.modules if name.startswith(forbidden))\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"Qt was imported by the core: {result.stdout}{result.stderr}"


def test_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is part of the test extra"
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
