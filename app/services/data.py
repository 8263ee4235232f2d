"""Files in a service's data container: import, export, list; through the engine's archive API.

The data container is never started: the engine reads and writes a stopped container's
files (and its volumes) directly. Paths inside it that are not absolute are taken from
the data folder eris used, ``/home/eris/.eris``.
"""

from __future__ import annotations

import posixpath
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import docker

from app.engine.errors import ObjectInUse, translate
from app.services.container_settings import DATA_ROOT
from app.services.creation import ensure_data_container
from app.services.errors import ServiceError
from app.services.lifecycle import ServiceManager
from app.services.naming import ErisContainer

# Archives are built in memory up to this size, then on disk: imports may be large.
_SPOOL_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class DataEntry:
    path: str  # relative to the listed folder, with "/" separators
    size: int
    is_dir: bool
    modified: int  # seconds since the epoch


def container_path(path: str) -> str:
    """An absolute, normalised path inside the container; relative ones start at the data folder."""
    joined = posixpath.join(DATA_ROOT, path) if not path.startswith("/") else path
    return posixpath.normpath(joined)


def data_container_of(manager: ServiceManager, name: str, *, create: bool = False) -> str:
    """The name of ``name``'s data container; with ``create``, made now if the definition asks for one."""
    snapshot = manager.snapshot()
    existing = snapshot.data.get(name)
    if existing is not None:
        return existing.row.name
    definition = manager.definition(name)
    if create:
        created = ensure_data_container(manager.api, definition, snapshot, manager.ensure_image)
        if created:
            return created
    if definition.service.data_container:
        raise ServiceError(
            f"{name} has no data container yet", "It is made when the service first starts.", f"Start {name} first."
        )
    raise ServiceError(
        f"{name} keeps no data container",
        "Its definition does not ask for one.",
        "Set data_container = true under [service] in its definition, then start or update it.",
    )


def data_containers(manager: ServiceManager) -> list[ErisContainer]:
    """Every data container on the engine, ours or the eris tool's, by service name."""
    snapshot = manager.snapshot()
    return [snapshot.data[name] for name in sorted(snapshot.data)]


def remove_data_container(manager: ServiceManager, name: str) -> str:
    """Delete ``name``'s data container and its volumes (its files are lost); the container's name.

    Refused while the service container exists, since it mounts the data: remove the
    service first, or both at once with ``ServiceManager.remove(name, delete_data=True)``.
    """
    snapshot = manager.snapshot()
    data = snapshot.data.get(name)
    doing = f"Could not delete the data of {name}"
    if data is None:
        raise ServiceError(doing, f"{name} has no data container.")
    if name in snapshot.services:
        raise ObjectInUse(doing, f"The service container {snapshot.services[name].row.name} uses it.",
                          f"Remove the service first (services rm {name}), or with its data (rm --data).")
    try:
        manager.api.remove_container(data.row.key, force=True, v=True)
    except Exception as error:
        raise translate(error, doing, manager.api.base_url) from error
    return data.row.name


def _owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # Like `docker cp`: imported files belong to the container's root, not to a host user id.
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def import_path(api: docker.APIClient, container: str, source: Path, destination: str = DATA_ROOT) -> str:
    """Copy the file or folder ``source`` into the folder ``destination`` of ``container``; where it landed.

    Missing folders on the way are created. The archive is put at "/" with the full
    path in its entries, so that the destination does not have to exist yet.
    """
    doing = f"Could not import {source} into {container}"
    if not source.exists():
        raise ServiceError(doing, f"{source} does not exist.", "Check the path.")
    target = posixpath.join(container_path(destination), source.name)
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as archive:
        try:
            with tarfile.open(fileobj=archive, mode="w") as tar:
                tar.add(str(source), arcname=target.lstrip("/"), filter=_owned_by_root)
        except OSError as error:
            raise ServiceError(doing, f"{error.strerror or error}: {error.filename or source}.") from error
        archive.seek(0)
        try:
            # The file itself, not its bytes: a large import then streams from disk.
            accepted = api.put_archive(container, "/", archive)
        except Exception as error:
            raise translate(error, doing, api.base_url) from error
    if not accepted:
        raise ServiceError(doing, "The engine refused the archive.")
    return target


def _archive(api: docker.APIClient, container: str, path: str, doing: str, into: IO[bytes]) -> None:
    try:
        stream, _ = api.get_archive(container, path, chunk_size=_CHUNK)
        for chunk in stream:
            into.write(chunk)
    except Exception as error:
        raise translate(error, doing, api.base_url) from error
    into.seek(0)


def export_path(api: docker.APIClient, container: str, source: str, destination: Path) -> Path:
    """Copy ``source`` (a file or folder in ``container``) into the host folder ``destination``; the copy's path."""
    path = container_path(source)
    doing = f"Could not export {path} from {container}"
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as archive:
        _archive(api, container, path, doing, archive)
        try:
            destination.mkdir(parents=True, exist_ok=True)
            with tarfile.open(fileobj=archive, mode="r") as tar:
                # The "data" filter refuses absolute paths, links leaving the folder and device files.
                tar.extractall(destination, filter="data")
        except (OSError, tarfile.TarError) as error:
            raise ServiceError(doing, f"Writing into {destination} failed: {error}.") from error
    return destination / posixpath.basename(path.rstrip("/"))


def list_files(api: docker.APIClient, container: str, path: str = DATA_ROOT) -> list[DataEntry]:
    """Everything under ``path`` in ``container``, folders included.

    The archive API has no listing, so this reads an archive of the folder and keeps
    only its headers: it costs a transfer of the folder's contents.
    """
    folder = container_path(path)
    doing = f"Could not list {folder} in {container}"
    entries: list[DataEntry] = []
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as archive:
        _archive(api, container, folder, doing, archive)
        try:
            with tarfile.open(fileobj=archive, mode="r|") as tar:
                for info in tar:
                    # Entries start with the folder's own name; show them relative to it.
                    _, _, relative = info.name.partition("/")
                    if relative:
                        entries.append(DataEntry(relative, info.size, info.isdir(), int(info.mtime)))
        except tarfile.TarError as error:
            raise ServiceError(doing, f"The engine sent an unreadable archive: {error}.") from error
    return sorted(entries, key=lambda entry: entry.path)
