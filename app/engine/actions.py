"""What a person can do to engine objects, each failure turned into a readable error."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

import docker

from app.engine.errors import ObjectInUse, translate
from app.engine.rows import ContainerRow, ImageRow, NetworkRow, VolumeRow


class ContainerAction(str, Enum):
    START = "start"
    STOP = "stop"
    RESTART = "restart"
    PAUSE = "pause"
    UNPAUSE = "unpause"
    KILL = "kill"
    REMOVE = "remove"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    def allowed(self, state: str) -> bool:
        """Whether the engine would accept the action for a container in ``state``."""
        if self is ContainerAction.START:
            return state in ("created", "exited", "dead")
        if self in (ContainerAction.STOP, ContainerAction.KILL):
            return state in ("running", "restarting", "paused")
        if self is ContainerAction.RESTART:
            return state in ("running", "exited", "created", "dead", "restarting")
        if self is ContainerAction.PAUSE:
            return state == "running"
        if self is ContainerAction.UNPAUSE:
            return state == "paused"
        return state != "removing"


def _calls(api: docker.APIClient, force: bool, stop_timeout: int) -> dict[ContainerAction, Callable[[str], Any]]:
    return {
        ContainerAction.START: api.start,
        ContainerAction.STOP: lambda key: api.stop(key, timeout=stop_timeout),
        ContainerAction.RESTART: lambda key: api.restart(key, timeout=stop_timeout),
        ContainerAction.PAUSE: api.pause,
        ContainerAction.UNPAUSE: api.unpause,
        ContainerAction.KILL: api.kill,
        ContainerAction.REMOVE: lambda key: api.remove_container(key, force=force),
    }


def act_on_container(
    api: docker.APIClient, action: ContainerAction, row: ContainerRow, *, force: bool = False, stop_timeout: int = 10
) -> None:
    doing = f"Could not {action.value} container {row.name}"
    if action is ContainerAction.REMOVE and row.state in ("running", "restarting", "paused") and not force:
        raise ObjectInUse(doing, "It is running.", "Stop it first, or remove it with force (it is killed).")
    try:
        _calls(api, force, stop_timeout)[action](row.key)
    except Exception as error:
        raise translate(error, doing, api.base_url) from error


def users_of_image(containers: list[ContainerRow], image: ImageRow) -> list[ContainerRow]:
    return [row for row in containers if row.image_id == image.key]


def users_of_volume(containers: list[ContainerRow], volume: VolumeRow) -> list[ContainerRow]:
    return [row for row in containers if volume.key in row.volume_names]


def _names(rows: list[ContainerRow]) -> str:
    shown = ", ".join(row.name for row in rows[:5])
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


def remove_image(api: docker.APIClient, image: ImageRow, users: list[ContainerRow], *, force: bool = False) -> None:
    doing = f"Could not remove image {image.name}"
    if users and not force:
        raise ObjectInUse(
            doing,
            f"It is used by {len(users)} container(s): {_names(users)}.",
            "Remove those containers first, or remove the image with force (the containers keep running "
            "but lose their image's name).",
        )
    try:
        # Removing by id with several tags needs force; remove by each tag instead so that
        # "remove" means what the person sees: this image, all its names.
        if len(image.tags) > 1 and not force:
            for tag in image.tags:
                api.remove_image(tag)
        else:
            api.remove_image(image.key, force=force)
    except Exception as error:
        raise translate(error, doing, api.base_url) from error


def remove_volume(api: docker.APIClient, volume: VolumeRow, users: list[ContainerRow]) -> None:
    doing = f"Could not remove volume {volume.name}"
    if users:
        raise ObjectInUse(doing, f"It is used by {_names(users)}.", "Remove those containers first.")
    try:
        api.remove_volume(volume.key)
    except Exception as error:
        raise translate(error, doing, api.base_url) from error



def remove_network(api: docker.APIClient, network: NetworkRow) -> None:
    try:
        api.remove_network(network.key)
    except Exception as error:
        raise translate(error, f"Could not remove network {network.name}", api.base_url) from error
