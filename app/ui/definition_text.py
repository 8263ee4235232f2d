"""The keys the definition form edits, read out of a definition and written back into its text.

Writing goes through tomlkit (or json for .json files) and touches only the key it
sets, so comments and the rest of the layout stay as the person wrote them.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tomlkit
import tomlkit.items

from app.services.definition import ServiceDefinition

SPEC_URL = "https://monax.io/docs/documentation/cli/latest/services_specification/"


@dataclass(frozen=True)
class FormKey:
    """One key the form shows: where it lives in the file and how its value looks in a widget."""

    name: str  # the field's name, also the key's name in its table
    table: str  # "" for the top level, else "service" or "dependencies"
    key: str
    kind: str  # "text", "list" or "flag"


FORM_KEYS = (
    FormKey("name", "", "name", "text"),
    FormKey("image", "service", "image", "text"),
    FormKey("ports", "service", "ports", "list"),
    FormKey("environment", "service", "environment", "list"),
    FormKey("volumes", "service", "volumes", "list"),
    FormKey("data_container", "service", "data_container", "flag"),
    FormKey("command", "service", "command", "text"),
    FormKey("restart", "service", "restart", "text"),
    FormKey("dependencies", "dependencies", "services", "list"),
)


def form_values(definition: ServiceDefinition) -> dict[str, Any]:
    """What each form field shows for ``definition``."""
    spec = definition.service
    command = spec.command if isinstance(spec.command, str) else shlex.join(spec.command)
    return {
        "name": definition.name,
        "image": spec.image,
        "ports": list(spec.ports),
        "environment": list(spec.environment),
        "volumes": list(spec.volumes),
        "data_container": spec.data_container,
        "command": command,
        "restart": spec.restart,
        "dependencies": [str(dependency) for dependency in definition.dependencies.services],
    }


def _is_empty(value: Any) -> bool:
    return value in ("", False) or value == []


def _is_table(value: Any) -> bool:
    return isinstance(value, (dict, tomlkit.items.Table, tomlkit.items.InlineTable))


def _set(table: Any, key: str, value: Any) -> None:
    """Set a key that is there (even to empty: its comment stays); add a missing one only when not empty."""
    if key in table or not _is_empty(value):
        table[key] = value


def _apply(document: Any, form_key: FormKey, value: Any, *, new_table: Callable[[], Any]) -> bool:
    """Put one form value into a parsed document (tomlkit's or JSON's); False if the file's shape forbids it."""
    if form_key.name == "name":
        service = document.get("service")
        # The older style keeps the name inside [service]; a file written that way stays so.
        if "name" not in document and _is_table(service) and "name" in service:
            service["name"] = value
        else:
            _set(document, "name", value)
        return True
    table = document.get(form_key.table)
    if table is None:
        if _is_empty(value):
            return True
        table = new_table()
        document[form_key.table] = table
        table = document[form_key.table]
    if not _is_table(table):
        return False  # e.g. service = 3: the problems list says so; the form cannot fix it
    _set(table, form_key.key, value)
    return True


def apply_form_value(text: str, suffix: str, form_key: FormKey, value: Any) -> str | None:
    """``text`` with one key set to ``value``, everything else untouched; None if ``text`` cannot be read."""
    try:
        if suffix.lower() == ".json":
            data = json.loads(text)
            if not isinstance(data, dict) or not _apply(data, form_key, value, new_table=dict):
                return None
            return json.dumps(data, indent=2) + "\n"
        document = tomlkit.parse(text)
        if not _apply(document, form_key, value, new_table=tomlkit.table):
            return None
        return tomlkit.dumps(document)
    except Exception:  # noqa: BLE001 - unreadable text: the form waits until it is readable again
        return None


def new_definition_text(name: str, image: str) -> str:
    """A first definition for ``name`` running ``image``, with the usual keys to fill in as comments."""

    def quoted(value: str) -> str:
        return tomlkit.item(value).as_string()

    return (
        f"# {name}: made with Eris Desktop from the image {image}.\n"
        f"# Keys: {SPEC_URL}\n"
        "\n"
        f"name = {quoted(name)}\n"
        'description = ""\n'
        "\n"
        "[service]\n"
        f"image = {quoted(image)}\n"
        "data_container = true\n"
        '# ports = ["4001:4001"]\n'
        '# environment = ["NAME=value"]\n'
        '# command = "start --flag"\n'
        '# restart = "always"\n'
        "\n"
        "[dependencies]\n"
        '# services = ["keys"]\n'
    )



def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
