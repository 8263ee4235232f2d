"""Reading a definition file into a ServiceDefinition.

TOML is read with tomlkit (the same library that saves files keeping their layout);
JSON is read too, as eris did. YAML, which eris also read, is not: no real eris service
shipped in it and it would need another dependency.

Reading is lenient where eris was (a single string where a list is expected, a number
for a text key) and records a Problem where the value cannot be used; problems of the
values' meaning (a port spec, an image reference) are validation's job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from app.services.definition import (
    SERVICE_DEFAULTS,
    TOP_LEVEL_TABLES,
    TOP_LEVEL_TEXT_KEYS,
    Dependencies,
    Dependency,
    ServiceDefinition,
    ServiceSpec,
)
from app.services.errors import DefinitionError, Problem, key_text
from app.services.source_lines import KeyLocator

SUFFIXES = (".toml", ".json")
_POSITION = re.compile(r"\s*at line \d+ col \d+\s*$")

_LIST_KEYS = {key for key, default in SERVICE_DEFAULTS.items() if isinstance(default, list)}
_COMMAND_KEYS = {"command", "entry_point"}
_TEXT_KEYS = {key for key, default in SERVICE_DEFAULTS.items() if isinstance(default, str)} - _COMMAND_KEYS


@dataclass
class ParsedFile:
    """A definition read from text, the problems met on the way, and where its keys are."""

    definition: ServiceDefinition
    problems: list[Problem]
    locator: KeyLocator

    def error(self, problem: Problem) -> DefinitionError:
        path = self.definition.path or Path(f"{self.definition.name}.toml")
        line = self.locator.line_of(problem.key, problem.value)
        return DefinitionError(path, line, key_text(problem.key), problem.message, service=self.definition.name)

    @property
    def errors(self) -> list[DefinitionError]:
        return [self.error(problem) for problem in self.problems]


def _load_mapping(text: str, path: Path) -> dict[str, Any]:
    """Plain Python data from the text; a DefinitionError if it is not TOML/JSON or not a table."""
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomlkit.parse(text).unwrap()
    except json.JSONDecodeError as error:
        raise DefinitionError(path, error.lineno, "", f"This is not valid JSON: {error.msg}") from error
    except tomlkit.exceptions.ParseError as error:
        reason = _POSITION.sub("", str(error))
        raise DefinitionError(path, error.line, "", f"This is not valid TOML: {reason}") from error
    except Exception as error:  # tomlkit raises more than its ParseError on odd text
        raise DefinitionError(path, None, "", f"The file cannot be read as a definition: {error}") from error
    if not isinstance(data, dict):
        raise DefinitionError(path, 1, "", "A definition must be a table of keys, not a single value")
    return data


class _Reader:
    """Turns values into the types the definition holds, noting what it had to refuse."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def refuse(self, key: tuple[str | int, ...], message: str, value: str | None = None) -> None:
        self.problems.append(Problem(key, message, value))

    def text(self, key: tuple[str | int, ...], value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # user = 1000 means "1000"
        self.refuse(key, f"must be text (in quotes), not {_kind(value)}")
        return ""

    def text_list(self, key: tuple[str | int, ...], value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]  # eris accepted a single value where a list was meant
        if not isinstance(value, list):
            self.refuse(key, f"must be a list of text values, not {_kind(value)}")
            return []
        items: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, str) or (isinstance(item, (int, float)) and not isinstance(item, bool)):
                items.append(str(item))
            else:
                self.refuse((*key, index), f"must be text (in quotes), not {_kind(item)}")
        return items

    def command(self, key: tuple[str | int, ...], value: Any) -> str | list[str]:
        if isinstance(value, list):
            return self.text_list(key, value)
        return self.text(key, value)

    def flag(self, key: tuple[str | int, ...], value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self.refuse(key, f"must be true or false, not {_kind(value)}")
        return False

    def number(self, key: tuple[str | int, ...], value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        self.refuse(key, f"must be a whole number, not {_kind(value)}")
        return 0

    def memory(self, key: tuple[str | int, ...], value: Any) -> int | str:
        if isinstance(value, str):
            return value
        return self.number(key, value)

    def table(self, key: tuple[str | int, ...], value: Any) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.refuse(key, f"must be a table ([{key_text(key)}]), not {_kind(value)}")
        return {}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _service(reader: _Reader, raw: dict[str, Any]) -> ServiceSpec:
    spec = ServiceSpec()
    converters: dict[str, Callable[[tuple[str | int, ...], Any], Any]] = {
        "data_container": reader.flag,
        "cpu_shares": reader.number,
        "memory": reader.memory,
    }
    for key, value in raw.items():
        path = ("service", key)
        if key in converters:
            setattr(spec, key, converters[key](path, value))
        elif key in _LIST_KEYS:
            setattr(spec, key, reader.text_list(path, value))
        elif key in _COMMAND_KEYS:
            setattr(spec, key, reader.command(path, value))
        elif key in _TEXT_KEYS:
            setattr(spec, key, reader.text(path, value))
        else:
            spec.extra[key] = value
    return spec


def _dependencies(reader: _Reader, raw: dict[str, Any]) -> Dependencies:
    dependencies = Dependencies()
    for key, value in raw.items():
        if key == "services":
            specs = reader.text_list(("dependencies", "services"), value)
            dependencies.services = [Dependency.parse(spec) for spec in specs]
        elif key == "chains":
            dependencies.chains = reader.text_list(("dependencies", "chains"), value)
        else:
            dependencies.extra[key] = value
    return dependencies


def definition_from_mapping(data: dict[str, Any], path: Path) -> tuple[ServiceDefinition, list[Problem]]:
    reader = _Reader()
    top = {key: reader.text((key,), data[key]) for key in TOP_LEVEL_TEXT_KEYS if key in data}
    tables = {key: reader.table((key,), data[key]) for key in TOP_LEVEL_TABLES if key in data}
    service = _service(reader, tables.get("service", {}))
    name = top.get("name", "").strip() or service.name.strip() or path.stem
    definition = ServiceDefinition(
        name=name,
        service=service,
        description=top.get("description", ""),
        status=top.get("status", ""),
        chain=top.get("chain", ""),
        dependencies=_dependencies(reader, tables.get("dependencies", {})),
        maintainer=tables.get("maintainer", {}),
        location=tables.get("location", {}),
        machine=tables.get("machine", {}),
        extra={key: value for key, value in data.items() if key not in TOP_LEVEL_TEXT_KEYS + TOP_LEVEL_TABLES},
        name_at_top="name" in data,
        path=path,
    )
    return definition, reader.problems


def parse_text(text: str, path: Path) -> ParsedFile:
    """Read a definition from ``text`` as if it were the file at ``path``.

    Raises DefinitionError (and nothing else) when the text is not a definition at all;
    problems with single keys come back in the ParsedFile so the rest is still usable.
    """
    data = _load_mapping(text, path)
    definition, problems = definition_from_mapping(data, path)
    return ParsedFile(definition, problems, KeyLocator(text, is_json=path.suffix.lower() == ".json"))


def read_file(path: Path) -> ParsedFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DefinitionError(path, None, "", "The file is not UTF-8 text") from error
    except OSError as error:
        raise DefinitionError(path, None, "", f"The file cannot be read: {error.strerror or error}") from error
    return parse_text(text, path)
