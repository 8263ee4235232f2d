"""Saving definitions without losing anything: layout and comments kept, atomic writes, a backup.

A save writes a temporary file in the same folder, flushes it to disk and renames it
over the old file, so a crash leaves either the old or the new file, never half of
one. The previous version is kept next to it as ``<name>.toml.bak``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.items
from tomlkit.container import Container

from app.fileio import write_atomically
from app.services.definition import ServiceDefinition, to_mapping
from app.services.errors import DefinitionError, ServiceError
from app.services.home import services_folder
from app.services.parsing import parse_text

DEFAULTS_PACKAGE = "app.services.defaults"
# Names of the defaults already offered once: a default the person deleted stays deleted.
DEFAULTS_MARKER = ".eris-desktop-defaults"


def atomic_write(path: Path, text: str, *, backup: bool = True) -> None:
    """Replace ``path`` with ``text`` in one step, keeping the old file as ``path.bak``."""
    try:
        write_atomically(path, text, keep_backup=backup)
    except OSError as error:
        why = f"{error.strerror or error} ({path.parent})"
        raise ServiceError(f"Could not save {path.name}", why, "Check the folder's permissions.") from error


def save_text(path: Path, text: str) -> None:
    """Save a definition's text as the person wrote it, refusing text that is not a definition at all.

    Values that validation would flag are saved: the editor shows them, and the person
    may fix them later. Raises DefinitionError for unreadable text, nothing is written then.
    """
    parse_text(text, path)
    atomic_write(path, text)


def _is_empty(value: Any) -> bool:
    return value in ("", 0, False, None) or value == [] or value == {}


def _merge(target: Container | tomlkit.items.Table | tomlkit.items.InlineTable, wanted: Mapping[str, Any]) -> None:
    """Set in ``target`` only what differs from ``wanted``, so untouched lines keep their layout."""
    for key, value in wanted.items():
        current = target.get(key)
        if isinstance(value, Mapping):
            if isinstance(current, (tomlkit.items.Table, tomlkit.items.InlineTable)):
                _merge(current, value)
            elif current is None and any(not _is_empty(item) for item in value.values()):
                table = tomlkit.table()
                _merge(table, {k: v for k, v in value.items() if not _is_empty(v)})
                target[key] = table
            elif current is not None:
                target[key] = dict(value)
            continue
        if current is None:
            if not _is_empty(value):
                target[key] = value
        elif _plain(current) != value:
            target[key] = value
    for key in [key for key in target if key not in wanted]:
        del target[key]


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def definition_text(definition: ServiceDefinition, original: str = "") -> str:
    """The TOML text of ``definition``; with ``original``, that text changed only where needed."""
    document = tomlkit.parse(original) if original else tomlkit.document()
    _merge(document, to_mapping(definition))
    return tomlkit.dumps(document)


def save_definition(definition: ServiceDefinition, path: Path | None = None) -> Path:
    """Write ``definition`` to its file (``path``, else where it was read from, else services/<name>.toml)."""
    target = path or definition.path or services_folder() / f"{definition.name}.toml"
    if target.suffix.lower() != ".toml":
        raise DefinitionError(target, None, "", "Only TOML definitions can be saved; save it under a .toml name")
    original = target.read_text(encoding="utf-8") if target.exists() else ""
    try:
        text = definition_text(definition, original)
    except Exception as error:  # tomlkit refuses some values (e.g. keys it cannot write)
        raise DefinitionError(target, None, "", f"The definition cannot be written as TOML: {error}") from error
    atomic_write(target, text)
    definition.path = target
    return target


def default_names() -> list[str]:
    files = resources.files(DEFAULTS_PACKAGE).iterdir()
    return sorted(entry.name.removesuffix(".toml") for entry in files if entry.name.endswith(".toml"))


def default_text(name: str) -> str:
    return resources.files(DEFAULTS_PACKAGE).joinpath(f"{name}.toml").read_text(encoding="utf-8")


def install_defaults(home: Path | None = None) -> list[Path]:
    """Write the shipped definitions that were never offered and have no file yet; return the new files.

    Never overwrites: a file of that name, whatever it holds, is the person's own.
    """
    folder = services_folder(home)
    marker = folder / DEFAULTS_MARKER
    try:
        offered = set(marker.read_text(encoding="utf-8").split()) if marker.exists() else set()
    except OSError:
        offered = set()
    written: list[Path] = []
    names = default_names()
    for name in names:
        target = folder / f"{name}.toml"
        if name in offered or target.exists():
            continue
        atomic_write(target, default_text(name), backup=False)
        written.append(target)
    if not offered.issuperset(names):
        atomic_write(marker, "\n".join(sorted(offered | set(names))) + "\n", backup=False)
    return written
