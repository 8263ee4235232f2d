"""Checking definitions the way a person needs: every problem with its file, line and key.

``load_all`` reads every definition in the eris home. A broken file never hides the
others: its errors are reported and the rest load. A service that depends on a
missing or broken one, or sits in a dependency cycle, is reported too and left out,
since it could not be started.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import NamedTuple

from app.engine.reference import InvalidReference, parse_reference
from app.services.definition import ServiceDefinition, dependency_mode
from app.services.dependency_graph import find_cycles
from app.services.errors import DefinitionError, Problem
from app.services.home import services_folder
from app.services.parsing import SUFFIXES, ParsedFile, parse_text, read_file
from app.services.port_mappings import parse_port_mapping
from app.services.restart_policy import parse_restart_policy

# What the engine accepts in a container name, which carries the service's name.
_SERVICE_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_ENV_NAME = re.compile(r"^[^=\s]+$")
_EXPOSE = re.compile(r"^\d{1,5}(?:-\d{1,5})?(?:/(?:tcp|udp|sctp))?$", re.IGNORECASE)
_MEMORY = re.compile(r"^\d+\s*[bkmg]?b?$", re.IGNORECASE)


def _name_problems(definition: ServiceDefinition) -> list[Problem]:
    if _SERVICE_NAME.match(definition.name):
        return []
    key: tuple[str | int, ...] = ("name",) if definition.name_at_top else ("service", "name")
    return [
        Problem(
            key,
            f'"{definition.name}" cannot name a service: use letters, digits and . _ - '
            "(starting with a letter or digit), since it becomes part of container names",
        )
    ]


def _image_problems(definition: ServiceDefinition) -> list[Problem]:
    image = definition.service.image
    if not image.strip():
        return [Problem(("service", "image"), "Every service needs an image, e.g. image = \"eris/ipfs:latest\"")]
    try:
        parse_reference(image)
    except InvalidReference as error:
        return [Problem(("service", "image"), error.why or error.what, image)]
    return []


def _list_problems(definition: ServiceDefinition) -> list[Problem]:
    spec = definition.service
    problems: list[Problem] = []
    for index, port in enumerate(spec.ports):
        try:
            parse_port_mapping(port)
        except ValueError as error:
            problems.append(Problem(("service", "ports", index), str(error), port))
    for index, entry in enumerate(spec.environment):
        name, equals, _ = entry.partition("=")
        if not equals:
            message = f'"{entry}" has no "=": write NAME=value (NAME= for an empty value)'
            problems.append(Problem(("service", "environment", index), message, entry))
        elif not _ENV_NAME.match(name):
            message = f'"{entry}" does not start with a variable name: write NAME=value, no spaces in NAME'
            problems.append(Problem(("service", "environment", index), message, entry))
    for index, port in enumerate(spec.expose):
        if not _EXPOSE.match(port.strip()):
            message = f'"{port}" is not a port to expose: write PORT or PORT/udp, or a range 7000-7010'
            problems.append(Problem(("service", "expose", index), message, port))
    for index, volume in enumerate(spec.volumes):
        container_path = _container_path(volume)
        if not container_path.startswith("/"):
            message = (
                f'"{volume}" is not a volume: write /path/in/container, or HOST_PATH:/path/in/container'
                " (optionally :ro)"
            )
            problems.append(Problem(("service", "volumes", index), message, volume))
    for key, values in (("links", spec.links), ("volumes_from", spec.volumes_from)):
        for index, value in enumerate(values):
            if not value.split(":", 1)[0].strip():
                problems.append(Problem(("service", key, index), f'"{value}" names no container', value))
    return problems


def _container_path(volume: str) -> str:
    parts = volume.split(":")
    if len(parts) >= 2 and len(parts[0]) == 1 and parts[0].isalpha():
        parts = [parts[0] + ":" + parts[1], *parts[2:]]  # a Windows drive letter: C:\data:/data
    if len(parts) == 1:
        return parts[0]
    return parts[1]


def _setting_problems(definition: ServiceDefinition) -> list[Problem]:
    spec = definition.service
    problems: list[Problem] = []
    try:
        parse_restart_policy(spec.restart)
    except ValueError as error:
        problems.append(Problem(("service", "restart"), str(error), spec.restart))
    if isinstance(spec.memory, str) and spec.memory.strip() and not _MEMORY.match(spec.memory.strip()):
        message = f'"{spec.memory}" is not an amount of memory: write bytes, or a number with k, m or g (512m)'
        problems.append(Problem(("service", "memory"), message, spec.memory))
    if isinstance(spec.memory, int) and spec.memory < 0:
        problems.append(Problem(("service", "memory"), "The memory limit cannot be negative"))
    if spec.cpu_shares < 0:
        problems.append(Problem(("service", "cpu_shares"), "CPU shares cannot be negative"))
    if spec.pid and spec.pid != "host" and not spec.pid.startswith("container:"):
        message = f'"{spec.pid}" is not a process namespace: leave it out, or write "host" or "container:NAME"'
        problems.append(Problem(("service", "pid"), message, spec.pid))
    if spec.net and any(character.isspace() for character in spec.net):
        message = f'"{spec.net}" is not a network: write "none", "host", "bridge", "container:NAME" or a network name'
        problems.append(Problem(("service", "net"), message, spec.net))
    for key in ("command", "entry_point"):
        value = getattr(spec, key)
        if isinstance(value, str):
            try:
                shlex.split(value)
            except ValueError as error:
                problems.append(Problem(("service", key), f'"{value}" cannot be split into words: {error}', value))
    return problems


def _dependency_problems(definition: ServiceDefinition) -> list[Problem]:
    problems: list[Problem] = []
    for index, dependency in enumerate(definition.dependencies.services):
        key = ("dependencies", "services", index)
        if not dependency.name:
            problems.append(Problem(key, f'"{dependency}" names no service: write NAME, NAME:ALIAS or NAME:ALIAS:MODE'))
        elif dependency_mode(dependency.mode) is None:
            message = f'"{dependency.mode}" in "{dependency}" is not a mode: use l (link), v (volumes) or a (both)'
            problems.append(Problem(key, message, str(dependency)))
    return problems


def definition_problems(definition: ServiceDefinition) -> list[Problem]:
    """What is wrong inside one definition, without looking at other files."""
    return [
        *_name_problems(definition),
        *_image_problems(definition),
        *_list_problems(definition),
        *_setting_problems(definition),
        *_dependency_problems(definition),
    ]


def check_parsed(parsed: ParsedFile) -> list[DefinitionError]:
    return [parsed.error(problem) for problem in [*parsed.problems, *definition_problems(parsed.definition)]]


def check_text(text: str, path: Path) -> tuple[ServiceDefinition | None, list[DefinitionError]]:
    """For an editor: the definition in ``text`` (None if unreadable) and all its errors; never raises."""
    try:
        parsed = parse_text(text, path)
    except DefinitionError as error:
        return None, [error]
    return parsed.definition, check_parsed(parsed)


def load_definition(path: Path) -> ServiceDefinition:
    """One file, checked on its own; raises its first DefinitionError."""
    parsed = read_file(path)
    errors = check_parsed(parsed)
    if errors:
        raise errors[0]
    return parsed.definition


class Catalog(NamedTuple):
    """Every usable definition by service name, and every error found in the eris home."""

    definitions: dict[str, ServiceDefinition]
    errors: list[DefinitionError]

    def invalid(self) -> dict[str, list[DefinitionError]]:
        """The errors of each service (or file) that could not be loaded, by name."""
        result: dict[str, list[DefinitionError]] = {}
        for error in self.errors:
            result.setdefault(error.service, []).append(error)
        return result

    def graph(self) -> dict[str, list[str]]:
        return {name: definition.dependency_names for name, definition in self.definitions.items()}


def definition_files(home: Path | None = None) -> list[Path]:
    folder = services_folder(home)
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.suffix.lower() in SUFFIXES and path.is_file())


def _read_each(files: list[Path]) -> tuple[dict[str, ParsedFile], list[DefinitionError]]:
    usable: dict[str, ParsedFile] = {}
    errors: list[DefinitionError] = []
    for path in files:
        try:
            parsed = read_file(path)
        except DefinitionError as error:
            errors.append(error)
            continue
        own = check_parsed(parsed)
        name = parsed.definition.name
        if name in usable:
            other = usable[name].definition.path
            message = f'{other.name if other else "another file"} already defines the service "{name}"'
            key: tuple[str | int, ...] = ("name",) if parsed.definition.name_at_top else ("service", "name")
            own.append(parsed.error(Problem(key, message)))
        if own:
            errors.extend(own)
        else:
            usable[name] = parsed
    return usable, errors


def _drop_unstartable(usable: dict[str, ParsedFile], errors: list[DefinitionError], broken: set[str]) -> None:
    """Remove services whose dependencies are missing or broken, or that form cycles, until none is left."""
    changed = True
    while changed:
        changed = False
        for name, parsed in list(usable.items()):
            for index, dependency in enumerate(parsed.definition.dependencies.services):
                if dependency.name in usable:
                    continue
                if dependency.name in broken:
                    reason = f'depends on "{dependency.name}", whose definition has errors'
                else:
                    reason = f'depends on "{dependency.name}", but no file in services/ defines it'
                errors.append(parsed.error(Problem(("dependencies", "services", index), reason, str(dependency))))
                broken.add(name)
                del usable[name]
                changed = True
                break
        graph = {name: parsed.definition.dependency_names for name, parsed in usable.items()}
        for cycle in find_cycles(graph):
            for member in set(cycle):
                parsed = usable.pop(member)
                index = next(i for i, d in enumerate(parsed.definition.dependencies.services) if d.name in cycle)
                dependency = parsed.definition.dependencies.services[index]
                reason = f"is part of a dependency cycle ({' → '.join(cycle)}); no service in it could start first"
                errors.append(parsed.error(Problem(("dependencies", "services", index), reason, str(dependency))))
                broken.add(member)
                changed = True


def load_all(home: Path | None = None) -> Catalog:
    """Read every definition in ``<home>/services``; never raises for a bad file."""
    usable, errors = _read_each(definition_files(home))
    broken = {error.service for error in errors}
    _drop_unstartable(usable, errors, broken)
    return Catalog({name: parsed.definition for name, parsed in sorted(usable.items())}, errors)
