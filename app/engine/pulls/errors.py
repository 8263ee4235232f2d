"""Why a pull failed, in words a person can act on.

The engine reports pull failures in two places: as an HTTP error before the
stream starts (the manifest cannot be found or read) and as an error line in
the stream (a layer download failed, the disk filled up). Both carry the
registry's or the system's own words; these types sort them by what the person
can do about it.
"""

from __future__ import annotations

from app.engine.errors import EngineError


class PullError(EngineError):
    """A pull failed; ``engine_message`` keeps the engine's exact words for a details pane."""

    def __init__(self, what: str, why: str = "", hint: str = "", engine_message: str = "") -> None:
        super().__init__(what, why, hint)
        self.engine_message = engine_message


class ImageNotFound(PullError):
    """The registry has no such repository, or no such tag in it."""


class AccessDenied(PullError):
    """The registry wants a login, or the login has no right to this repository."""


class RegistryUnreachable(PullError):
    """The engine could not reach the registry (or lost it mid-pull)."""


class EngineConnectionLost(PullError):
    """The connection to the engine broke before the pull finished."""


class DiskFull(PullError):
    """The engine's disk has no room for the layers."""


class PullFailed(PullError):
    """Any other failure the engine reported."""


_NOT_FOUND = ("manifest unknown", "not found", "name unknown", "repository does not exist")
# Not the bare word "denied": the engine's own "permission denied" on its disk is no login problem.
_DENIED = ("unauthorized", "authentication required", "access denied", "requested access to the resource is denied",
           "access forbidden", "no basic auth credentials")
_UNREACHABLE = (
    "connection refused",
    "no such host",
    "i/o timeout",
    "timeout",
    "deadline exceeded",
    "network is unreachable",
    "no route to host",
    "server misbehaving",
    "connection reset",
    "eof",
    "dial tcp",
)


def classify(message: str, image: str, registry: str) -> PullError:
    """Turn the engine's message about pulling ``image`` from ``registry`` into a typed error."""
    lowered = message.lower()
    what = f"Could not pull {image}"
    if "no space left on device" in lowered:
        return DiskFull(
            what,
            "The Docker Engine's disk is full.",
            "Free some space (remove unused images, containers and build cache), then retry.",
            message,
        )
    # Docker Hub answers "pull access denied ... repository does not exist or may require
    # 'docker login'" for both cases, and cannot tell them apart; so neither can we.
    if "pull access denied" in lowered or ("does not exist" in lowered and "docker login" in lowered):
        return AccessDenied(
            what,
            f"The repository does not exist on {registry}, or it is private and needs a login.",
            f"Check the name; if it is private, log in to {registry} (docker login {registry}) and retry.",
            message,
        )
    if "permission denied" in lowered and not any(words in lowered for words in _DENIED):
        return PullFailed(
            what,
            "The Docker Engine may not write its own files (permission denied on its side).",
            "Check the engine's data folder and its log; restarting the engine often clears it.",
            message,
        )
    if any(words in lowered for words in _DENIED):
        return AccessDenied(
            what,
            f"{registry} refused access: it needs a login, or this login may not read the repository.",
            f"Log in (docker login {registry}) with an account that may pull it, then retry.",
            message,
        )
    if any(words in lowered for words in _NOT_FOUND):
        return ImageNotFound(
            what,
            f"{registry} has no image by that name and tag.",
            "Check the spelling of the name and the tag (tags are case-sensitive).",
            message,
        )
    if "server gave http response to https client" in lowered:
        return RegistryUnreachable(
            what,
            f"{registry} speaks plain HTTP, and the engine only uses HTTPS with it.",
            f"Add {registry} to the engine's insecure-registries (daemon.json), or serve it over HTTPS.",
            message,
        )
    if "certificate" in lowered or "x509" in lowered:
        return RegistryUnreachable(
            what,
            f"The engine does not trust the certificate of {registry}.",
            "Install the registry's CA certificate for the engine (certs.d), then retry.",
            message,
        )
    if any(words in lowered for words in _UNREACHABLE):
        return RegistryUnreachable(
            what,
            f"The engine could not reach the registry {registry}.",
            "Check that the registry runs and that the engine's machine can reach it, then retry.",
            message,
        )
    return PullFailed(
        what, f"The engine answered: {message}", "Retry; if it fails again, see the engine's log.", message
    )


def registry_stopped(image: str, registry: str, detail: str) -> RegistryUnreachable:
    return RegistryUnreachable(
        f"Could not pull {image}",
        f"The registry {registry} stopped answering during the pull ({detail}).",
        "Check that the registry runs, then retry.",
        detail,
    )


def connection_lost(image: str, address: str, detail: str = "") -> EngineConnectionLost:
    why = f"The connection to the Docker Engine at {address} broke before the pull finished"
    return EngineConnectionLost(
        f"Could not pull {image}",
        why + (f" ({detail})." if detail else "."),
        "The engine may have stopped or restarted; retry when it is back.",
        detail,
    )
