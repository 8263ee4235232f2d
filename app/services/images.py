"""Making sure a service's image is on the engine before its containers are created.

``ensure_image`` and ``pull_image`` are plain pulls for now; the pull manager (with
progress) replaces them by being passed to ServiceManager instead.
"""

from __future__ import annotations

from collections.abc import Callable

import docker
import docker.errors

from app.engine.errors import translate
from app.engine.reference import InvalidReference, parse_reference
from app.services.errors import ServiceError

_PULL_HINT = "Check the image's name and tag, and that its registry can be reached (docker login if it is private)."

# (api, reference) -> None; raises an EngineError when the image cannot be had.
ImageFetcher = Callable[[docker.APIClient, str], None]


def has_image(api: docker.APIClient, reference: str) -> bool:
    try:
        api.inspect_image(reference)
    except docker.errors.NotFound:  # ImageNotFound included
        return False
    except Exception as error:
        raise translate(error, f"Could not look for the image {reference}", api.base_url) from error
    return True


def pull_image(api: docker.APIClient, reference: str) -> None:
    """Pull ``reference`` from its registry, waiting for the end of the stream."""
    doing = f"Could not pull the image {reference}"
    try:
        parts = parse_reference(reference)
    except InvalidReference as error:
        raise ServiceError(doing, error.why or error.what, "Correct the image in the service's definition.") from error
    try:
        for line in api.pull(parts.name, tag=parts.version, stream=True, decode=True):
            if isinstance(line, dict) and line.get("error"):
                # Once the pull has begun, failures arrive as a line of the stream, not as a status.
                raise ServiceError(doing, f"The registry answered: {line['error']}", _PULL_HINT)
    except ServiceError:
        raise
    except docker.errors.APIError as error:
        # The engine's "not found" here is about the registry, not a local object.
        explanation = error.explanation.decode() if isinstance(error.explanation, bytes) else error.explanation
        raise ServiceError(doing, f"The registry answered: {explanation or error}", _PULL_HINT) from error
    except Exception as error:
        raise translate(error, doing, api.base_url) from error


def ensure_image(api: docker.APIClient, reference: str) -> None:
    """Pull ``reference`` only when the engine does not have it."""
    if not has_image(api, reference):
        pull_image(api, reference)
