"""The build recipes: the spec bundles every Qt module the app imports, the installer keeps its
promises, the scripts parse, and (when one is built) the frozen app runs."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app import APP_NAME, __version__

from .conftest import ROOT

SPEC = ROOT / "packaging" / "eris-desktop.spec"
INSTALLER = ROOT / "installer.iss"
SCRIPTS = sorted((ROOT / "packaging").glob("*.sh"))


def spec_constant(name: str) -> object:
    for node in ast.parse(SPEC.read_text()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not assigned in {SPEC.name}")


def qt_modules_imported_by_the_app() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found.update(name.split(".")[1] for name in names if name.startswith("PySide6.Qt"))
    return found


def test_the_spec_parses() -> None:
    compile(SPEC.read_text(), str(SPEC), "exec")


def test_the_spec_bundles_every_qt_module_the_app_imports() -> None:
    kept = spec_constant("QT_MODULES_USED")
    assert isinstance(kept, set)
    missing = qt_modules_imported_by_the_app() - kept
    assert not missing, f"add {sorted(missing)} to QT_MODULES_USED in {SPEC.name}, or the bundle lacks them"


def test_the_installer_keeps_its_promises() -> None:
    text = INSTALLER.read_text()
    setting = dict(re.findall(r"^(\w+)=(.*)$", text, re.MULTILINE))
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", setting["AppId"])
    assert setting["PrivilegesRequired"] == "lowest"  # per user, no administrator
    assert setting["PrivilegesRequiredOverridesAllowed"] == "dialog"  # per machine on request
    assert (ROOT / setting["SetupIconFile"].replace("\\", "/")).is_file()
    assert "{#AppVersion}" in setting["OutputBaseFilename"]
    assert 'Name: "desktopicon"' in text and 'Name: "startatlogin"' in text
    assert re.search(r'^Type: filesandordirs; Name: "\{app\}\\_internal"$', text, re.MULTILINE)
    assert "MB_DEFBUTTON2, IDNO" in text  # deleting the person's data defaults to No, also when silent


def test_the_installer_names_the_program_the_spec_builds() -> None:
    assert spec_constant("NAME") == "eris-desktop"
    assert '#define AppExe "eris-desktop.exe"' in INSTALLER.read_text()
    assert f'#define AppName "{APP_NAME}"' in INSTALLER.read_text()


@pytest.mark.parametrize("script", SCRIPTS, ids=[path.name for path in SCRIPTS])
def test_the_shell_scripts_parse(script: Path) -> None:
    assert os.access(script, os.X_OK), f"{script.name} is not executable"
    shell = "sh" if script.read_text().startswith("#!/bin/sh") else "bash"
    done = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    if shutil.which("shellcheck"):
        done = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout


@pytest.mark.skipif(not os.environ.get("ERIS_DESKTOP_BUNDLE"),
                    reason="set ERIS_DESKTOP_BUNDLE to a folder made by packaging/build-linux.sh")
def test_the_frozen_app_tells_its_version() -> None:
    folder = Path(os.environ["ERIS_DESKTOP_BUNDLE"])
    for program in ("eris-desktop", "eris-desktop-cli"):
        done = subprocess.run([str(folder / program), "--version"], capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == f"{APP_NAME} {__version__}"


def test_the_spec_excludes_no_runtime_dependency() -> None:
    import tomlkit

    project = tomlkit.parse((ROOT / "pyproject.toml").read_text())["project"]
    dependencies = {re.split(r"[<>=!~;\[ ]", str(item), maxsplit=1)[0].lower() for item in project["dependencies"]}
    whole_packages = [str(name) for name in spec_constant("OTHER_EXCLUDES") if "." not in str(name)]  # type: ignore[union-attr]
    excluded = {name.lower() for name in whole_packages}
    assert not dependencies & excluded, f"the spec excludes a dependency: {sorted(dependencies & excluded)}"
