"""Typed engine errors, each worded for a person: what happened, why, what to do next."""

from __future__ import annotations

import socket
import ssl

import docker.errors
import requests.exceptions


class EngineError(Exception):
    """Base of every error the engine layer raises.

    ``what`` says what went wrong, ``why`` the cause as far as it is known, and
    ``hint`` what the person can do about it.
    """

    def __init__(self, what: str, why: str = "", hint: str = "") -> None:
        self.what = what
        self.why = why
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [self.what]
        if self.why:
            parts.append(self.why)
        if self.hint:
            parts.append(self.hint)
        return " ".join(part if part.endswith(".") else part + "." for part in parts)


class EngineUnreachable(EngineError):
    """No engine answers at the address."""


class EnginePermissionDenied(EngineError):
    """The engine's socket exists but this user may not open it."""


class EngineTimeout(EngineError):
    """The engine took too long to answer."""


class ObjectNotFound(EngineError):
    """The container, image, volume or network is gone."""


class ObjectInUse(EngineError):
    """The engine refused because something still uses the object."""


class EngineRequestFailed(EngineError):
    """The engine answered with an error that has no more specific type."""


def _api_explanation(error: docker.errors.APIError) -> str:
    explanation = error.explanation
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    return str(explanation or error).strip()


def exception_chain(error: BaseException) -> list[BaseException]:
    """The error and every exception it holds: causes, contexts, urllib3's ``reason`` and ``args``.

    The SDK hides socket and TLS errors several levels down.
    """
    seen: list[BaseException] = []
    waiting: list[BaseException] = [error]
    while waiting:
        current = waiting.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        # urllib3 keeps the socket or TLS error in .reason or in args rather than as a cause
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        waiting.extend(item for item in linked if isinstance(item, BaseException))
    return seen


def _connection_failure(chain: list[BaseException], doing: str, address: str) -> EngineError | None:
    where = f" at {address}" if address else ""
    text = " ".join(str(error) for error in chain)
    if any(isinstance(error, PermissionError) for error in chain) or "Permission denied" in text:
        return EnginePermissionDenied(
            doing,
            f"This user may not open the Docker socket{where}.",
            "On Linux, add yourself to the docker group (sudo usermod -aG docker $USER) and log in again.",
        )
    if any(isinstance(error, (requests.exceptions.Timeout, socket.timeout, TimeoutError)) for error in chain):
        return EngineTimeout(
            doing, f"The Docker Engine{where} did not answer in time.", "Check that it is not overloaded, then retry."
        )
    tls = next((error for error in chain if isinstance(error, ssl.SSLError)), None)
    if tls is not None:
        return EngineUnreachable(
            doing,
            f"The secure (TLS) connection{where} failed: {getattr(tls, 'verify_message', '') or tls.reason or tls}.",
            "Open Engine setup in the File menu (or run `eris-desktop doctor`): it names the cause and the fix.",
        )
    if any(isinstance(error, FileNotFoundError) for error in chain) or "No such file" in text:
        return EngineUnreachable(
            doing,
            f"There is no Docker socket{where}: Docker is not running, or it listens somewhere else.",
            "Start Docker (or the virtual machine that runs it); the app reconnects by itself.",
        )
    if any(isinstance(error, ConnectionRefusedError) for error in chain) or "refused" in text:
        return EngineUnreachable(
            doing,
            f"Nothing answers{where}: the Docker daemon is not running there.",
            "Start Docker (or the virtual machine that runs it); the app reconnects by itself.",
        )
    if any(isinstance(error, (requests.exceptions.ConnectionError, ConnectionError)) for error in chain):
        return EngineUnreachable(
            doing,
            f"The connection to the Docker Engine{where} failed or was cut.",
            "Check that Docker runs; the app reconnects by itself.",
        )
    return None


def translate(error: BaseException, doing: str, address: str = "") -> EngineError:
    """Turn a docker SDK / requests / socket exception into a typed, readable error.

    ``doing`` names the attempted action ("Could not stop container web"), so
    the message starts with what the person asked for.
    """
    if isinstance(error, EngineError):
        return error
    if isinstance(error, docker.errors.NotFound):
        return ObjectNotFound(
            doing, _api_explanation(error), "It may have been removed outside the app; the list updates itself."
        )
    if isinstance(error, docker.errors.APIError):
        explanation = _api_explanation(error)
        if error.status_code == 409:
            return ObjectInUse(doing, explanation, "Stop or remove what uses it first, or force the action.")
        return EngineRequestFailed(doing, f"The engine answered: {explanation}")
    failure = _connection_failure(exception_chain(error), doing, address)
    if failure is not None:
        return failure
    if isinstance(error, docker.errors.DockerException):
        return EngineUnreachable(doing, str(error), "Check the engine address (DOCKER_HOST) and that Docker runs.")
    return EngineRequestFailed(doing, f"{type(error).__name__}: {error}")
