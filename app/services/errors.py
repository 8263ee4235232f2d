"""Typed errors of the services layer, worded for a person like the engine's own errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.engine.errors import EngineError


class ServiceError(EngineError):
    """An eris service operation that cannot be done: what, why, and what to do next."""


class UnknownService(ServiceError):
    """No definition file names the service (a usage error for scripts: exit code 2)."""


class ServiceNotRunning(ServiceError):
    """The operation needs the service container to be running."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one key of a definition, before a file and line are attached.

    ``key`` is the path of the key inside the file, e.g. ``("service", "ports", 1)``;
    ``value`` the offending text when there is one, so that its line can be found.
    """

    key: tuple[str | int, ...]
    message: str
    value: str | None = None


def key_text(key: tuple[str | int, ...]) -> str:
    """``("service", "ports", 1)`` as a person reads it: ``service.ports[1]``."""
    text = ""
    for part in key:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


class DefinitionError(ServiceError):
    """A definition file that cannot be used as it is, pointing at the file, line and key."""

    def __init__(
        self, path: Path | str, line: int | None, key: str, message: str, hint: str = "", service: str = ""
    ) -> None:
        self.path = Path(path)
        # The service the file defines, when known; else the file's name without suffix.
        self.service = service or self.path.stem
        self.line = line
        self.key = key
        self.reason = message
        where = self.path.name
        if line is not None:
            where += f", line {line}"
        if key:
            where += f", {key}"
        super().__init__(f"{where}: {message}", hint=hint)

    @property
    def message(self) -> str:
        # "ipfs.toml, line 7, service.ports[0]: "x" is not a port mapping." reads better
        # without the what/why full stops the engine errors put between their parts.
        text = self.what
        if not text.endswith("."):
            text += "."
        return f"{text} {self.hint}" if self.hint else text

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.line, self.key, self.reason, self.hint, self.service))
