"""Creating a service's containers on the engine: its data container, then the service container."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import docker

from app.engine.errors import translate
from app.services.container_settings import ContainerPlan, data_plan, service_plan
from app.services.definition import ServiceDefinition, definition_hash
from app.services.errors import ServiceError
from app.services.images import ImageFetcher
from app.services.naming import Snapshot, data_container_name


def read_env_files(definition: ServiceDefinition) -> list[str]:
    """NAME=value lines of the definition's env files, relative to its own folder, like docker's --env-file."""
    folder = definition.path.parent if definition.path else Path.cwd()
    entries: list[str] = []
    for name in definition.service.env_file:
        path = (folder / os.path.expanduser(name)).resolve()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise ServiceError(
                f"Could not read the env file of {definition.name}",
                f"{path}: {getattr(error, 'strerror', None) or error}",
                "Correct env_file in the definition, or create the file.",
            ) from error
        for line in lines:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if "=" in text:
                entries.append(text)
            elif text in os.environ:  # a bare NAME takes its value from our environment
                entries.append(f"{text}={os.environ[text]}")
    return entries


def create_from_plan(api: docker.APIClient, plan: ContainerPlan, doing: str) -> str:
    """Create the planned container; its id."""
    try:
        host_config = api.create_host_config(**plan.host)
        created = api.create_container(plan.image, name=plan.name, host_config=host_config, **plan.create)
    except Exception as error:
        raise translate(error, doing, api.base_url) from error
    return str(created["Id"])


def ensure_data_container(
    api: docker.APIClient, definition: ServiceDefinition, snapshot: Snapshot, ensure_image: ImageFetcher
) -> str | None:
    """The name of the service's data container, created (never started) when the definition asks for one.

    A data container that already exists is always kept and returned, even if the
    definition no longer asks for one: its files stay reachable until the person
    deletes them on purpose.
    """
    existing = snapshot.data.get(definition.name)
    if existing is not None:
        return existing.row.name
    if not definition.service.data_container:
        return None
    ensure_image(api, definition.image)
    name = data_container_name(definition.name)
    create_from_plan(api, data_plan(definition, name), f"Could not create the data container of {definition.name}")
    return name


def create_service_container(
    api: docker.APIClient,
    definition: ServiceDefinition,
    dependencies: Sequence[ServiceDefinition],
    snapshot: Snapshot,
    ensure_image: ImageFetcher,
) -> str:
    """Data container first, then the service container (not started); the service container's id."""
    ensure_image(api, definition.image)
    data = ensure_data_container(api, definition, snapshot, ensure_image)
    try:
        plan = service_plan(
            definition,
            definition_hash(definition),
            data_container=data,
            dependencies=dependencies,
            env_from_files=read_env_files(definition),
        )
    except ValueError as error:  # validation catches these first; a definition built in code may not be
        raise ServiceError(f"Could not create {definition.name}", str(error), "Correct its definition.") from error
    return create_from_plan(api, plan, f"Could not create the container of {definition.name}")
