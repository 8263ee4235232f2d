"""Services on the real private engine: start order, data containers, update without losing data, removal."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import docker
import pytest

from app.engine.errors import ObjectInUse
from app.services import data, service_io
from app.services.definition import Dependency, ServiceDefinition, ServiceSpec
from app.services.errors import ServiceError, ServiceNotRunning, UnknownService
from app.services.images import pull_image
from app.services.lifecycle import ServiceManager
from app.services.naming import LABEL_HASH
from app.services.parsing import read_file
from app.services.status import ServiceState
from app.services.store import save_definition
from app.services.validation import Catalog
from tests.conftest import DockerCLI
from tests.services.conftest import SLEEPER, manager_for, write_definition

pytestmark = pytest.mark.engine


def _service(home: Path, name: str, *, image: str = "eris/keys:latest", extra: str = "", tail: str = "") -> Path:
    return write_definition(
        home,
        name,
        f"""
        name = "{name}"

        [service]
        image = "{image}"
        data_container = true
        net = "none"
        command = {SLEEPER}
        {extra}
        {tail}
        """,
    )


def _inspect(api: docker.APIClient, name: str) -> dict[str, Any]:
    return dict(api.inspect_container(name))


def _read_in_service(manager: ServiceManager, name: str, path: str) -> str:
    result = service_io.run_command(manager, name, ["cat", path])
    assert result.exit_code == 0, result.output
    return result.output


def test_start_makes_the_data_container_and_the_dependency_first(
    api: docker.APIClient, eris_home: Path, prefix: str
) -> None:
    db, web = f"{prefix}-db", f"{prefix}-web"
    _service(eris_home, db)
    _service(
        eris_home,
        web,
        image="eris/ipfs:latest",
        extra='ports = ["4001:4001"]\nenvironment = ["MODE=test"]',
        tail=f'[dependencies]\nservices = ["{db}:database"]',
    )
    manager = manager_for(api, eris_home)

    assert manager.start(web) == [db, web]

    db_info, web_info = _inspect(api, f"eris_service_{db}_1"), _inspect(api, f"eris_service_{web}_1")
    assert db_info["State"]["StartedAt"] < web_info["State"]["StartedAt"]
    data_info = _inspect(api, f"eris_data_{web}_1")
    assert data_info["State"]["Status"] == "created" and data_info["State"]["StartedAt"].startswith("0001")
    assert data_info["Config"]["Entrypoint"] == ["true"] and data_info["Config"]["NetworkDisabled"] is True
    assert data_info["Config"]["Image"] == "eris/ipfs:latest"
    assert data_info["Config"]["Labels"] == {
        "eris:ERIS": "true",
        "eris:NAME": web,
        "eris:TYPE": "data",
        "eris:SERVICE": f"eris_service_{web}_1",
    }
    host = web_info["HostConfig"]
    assert host["NetworkMode"] == "none"
    assert host["PortBindings"] == {"4001/tcp": [{"HostIp": "", "HostPort": "4001"}]}
    assert host["VolumesFrom"] == [f"eris_service_{db}_1:rw", f"eris_data_{web}_1"]
    assert host["Links"] == [f"/eris_service_{db}_1:/eris_service_{web}_1/database"]
    assert "MODE=test" in web_info["Config"]["Env"]
    labels = web_info["Config"]["Labels"]
    assert labels["eris:TYPE"] == "service" and labels["eris:NAME"] == web and len(labels[LABEL_HASH]) == 64

    assert manager.start(web) == []  # already running: nothing to do
    states = {status.name: status.state for status in manager.statuses()}
    assert states[db] == states[web] == ServiceState.RUNNING


def test_update_applies_new_ports_and_the_data_survives(api: docker.APIClient, eris_home: Path, prefix: str) -> None:
    name = f"{prefix}-files"
    path = _service(eris_home, name, extra='ports = ["4001:4001"]  # the port we had')
    manager = manager_for(api, eris_home)
    manager.start(name)
    data_before = _inspect(api, f"eris_data_{name}_1")["Id"]
    source = eris_home / "imported.txt"
    source.write_text("kept across updates\n")
    container = data.data_container_of(manager, name)
    data.import_path(api, container, source, "notes")
    written = service_io.run_command(manager, name, ["sh", "-c", "echo written-inside > /home/eris/.eris/inside.txt"])
    assert written.exit_code == 0

    definition = read_file(path).definition
    definition.service.ports = ["5001:5001"]
    save_definition(definition)
    assert 'ports = ["5001:5001"]  # the port we had' in path.read_text()
    manager = manager_for(api, eris_home)
    changed = manager.status(name)
    assert changed.state is ServiceState.CHANGED and changed.running

    manager.update(name)

    after = manager.status(name)
    assert after.state is ServiceState.RUNNING
    info = _inspect(api, f"eris_service_{name}_1")
    assert info["HostConfig"]["PortBindings"] == {"5001/tcp": [{"HostIp": "", "HostPort": "5001"}]}
    assert info["HostConfig"]["VolumesFrom"] == [f"eris_data_{name}_1"]
    assert _inspect(api, f"eris_data_{name}_1")["Id"] == data_before
    assert _read_in_service(manager, name, "/home/eris/.eris/notes/imported.txt") == "kept across updates\n"
    assert _read_in_service(manager, name, "/home/eris/.eris/inside.txt") == "written-inside\n"
    assert not api.containers(all=True, filters={"name": f"eris_service_{name}_1_replaced"})
    listed = {entry.path for entry in data.list_files(api, container)}
    assert {"notes", "notes/imported.txt", "inside.txt"} <= listed


def test_remove_keeps_the_data_unless_asked(api: docker.APIClient, eris_home: Path, prefix: str) -> None:
    name = f"{prefix}-keep"
    _service(eris_home, name)
    manager = manager_for(api, eris_home)
    container = data.data_container_of(manager, name, create=True)  # importing before the first start
    source = eris_home / "folder"
    (source / "deep").mkdir(parents=True)
    (source / "deep" / "file.bin").write_bytes(bytes(range(256)) * 10)
    data.import_path(api, container, source)
    manager.start(name)

    assert manager.remove(name) == [f"eris_service_{name}_1"]
    status = manager.status(name)
    assert status.state is ServiceState.NOT_CREATED and status.data_container == f"eris_data_{name}_1"
    assert "every file" in manager.data_loss(name)

    manager.start(name)
    counted = service_io.run_command(manager, name, ["wc", "-c", "/home/eris/.eris/folder/deep/file.bin"])
    assert counted.output.split()[0] == "2560"
    exported = data.export_path(api, container, "folder", eris_home / "out")
    assert (exported / "deep" / "file.bin").read_bytes() == bytes(range(256)) * 10

    volumes = [mount["Name"] for mount in _inspect(api, container)["Mounts"]]
    assert container in [found.row.name for found in data.data_containers(manager)]
    with pytest.raises(ObjectInUse):
        data.remove_data_container(manager, name)  # the service still mounts it
    assert manager.remove(name, delete_data=True) == [f"eris_service_{name}_1", f"eris_data_{name}_1"]
    assert not api.containers(all=True, filters={"name": f"eris_(service|data)_{name}_1"})
    assert not [v for v in api.volumes()["Volumes"] or [] if v["Name"] in volumes]
    assert manager.data_loss(name) == ""


def test_stop_restart_logs_exec_and_ports(api: docker.APIClient, eris_home: Path, prefix: str) -> None:
    name = f"{prefix}-ops"
    write_definition(
        eris_home,
        name,
        f"""
        [service]
        image = "eris/base:latest"
        net = "none"
        command = ["sh", "-c", "echo hello-from-{name}; trap 'exit 0' TERM; sleep 300 & wait"]
        restart = "max:2"
        """,
    )
    manager = manager_for(api, eris_home)
    manager.start(name)
    deadline = time.monotonic() + 15  # the container prints once it is scheduled, which a busy machine delays
    while f"hello-from-{name}" not in service_io.logs(manager, name) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert f"hello-from-{name}" in service_io.logs(manager, name)
    assert service_io.logs(manager, name, tail=0) == ""
    result = service_io.run_command(manager, name, ["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert result.exit_code == 3 and "out" in result.output and "err" in result.output
    assert service_io.published_ports(manager, name) == []  # network none: the engine binds nothing
    policy = _inspect(api, f"eris_service_{name}_1")["HostConfig"]["RestartPolicy"]
    assert policy == {"Name": "on-failure", "MaximumRetryCount": 2}

    assert manager.stop(name, timeout=2) is True
    assert manager.status(name).state is ServiceState.STOPPED
    assert manager.stop(name) is False
    with pytest.raises(ServiceNotRunning) as caught:
        service_io.run_command(manager, name, ["true"])
    assert caught.value.hint.startswith("Start it first")
    manager.restart(name, timeout=2)
    assert manager.status(name).state is ServiceState.RUNNING
    assert b"hello-from" in next(iter(service_io.follow_logs(manager, name, tail=1)))


def test_containers_of_the_eris_tool_are_recognised_in_one_list_call(
    api: docker.APIClient, docker_cli: DockerCLI, eris_home: Path, prefix: str
) -> None:
    old, labelled = f"{prefix}-old", f"{prefix}-lab"
    base = ("create", "--label", "eris-test=1", "--network", "none")
    docker_cli(*base, "--name", f"eris_data_{old}_1", "-v", "/home/eris/.eris", "eris/base:latest", "true")
    docker_cli(*base, "--name", f"eris_service_{old}_1", "--volumes-from", f"eris_data_{old}_1",
               "eris/base:latest", "sleep", "300")
    docker_cli(*base, "--name", f"eris_service_{labelled}", "--label", "eris:ERIS=true", "--label",
               f"eris:NAME={labelled}", "--label", "eris:TYPE=service", "eris/base:latest", "true")

    counting = _Counting(api)
    statuses = {s.name: s for s in ServiceManager(counting, Catalog({}, [])).statuses()}  # type: ignore[arg-type]
    assert counting.calls == ["containers"]
    assert statuses[old].state is ServiceState.STOPPED and statuses[old].data_container == f"eris_data_{old}_1"
    assert statuses[labelled].container == f"eris_service_{labelled}" and "No definition" in statuses[labelled].reason

    _service(eris_home, old, image="eris/base:latest")
    manager = manager_for(api, eris_home)
    assert manager.status(old).state is ServiceState.STOPPED  # no hash label: nothing says it changed
    manager.update(old)  # recreated as ours, still on the eris tool's data container
    info = _inspect(api, f"eris_service_{old}_1")
    assert info["HostConfig"]["VolumesFrom"] == [f"eris_data_{old}_1"]
    assert info["Config"]["Labels"]["eris:NAME"] == old
    assert manager.status(old).state is ServiceState.STOPPED


class _Counting:
    """The API client, noting which engine calls go through it."""

    def __init__(self, api: docker.APIClient) -> None:
        self._api = api
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._api, name)
        if callable(attribute):
            self.calls.append(name)
        return attribute


def test_image_fetching_is_replaceable_and_failures_are_typed(
    api: docker.APIClient, engine: Any, eris_home: Path, prefix: str
) -> None:
    name = f"{prefix}-img"
    _service(eris_home, name, image="eris/data:latest")
    asked: list[tuple[str, str]] = []
    catalog = manager_for(api, eris_home).catalog
    manager = ServiceManager(
        api,
        catalog,
        ensure_image=lambda _, reference: asked.append(("ensure", reference)),
        pull_image=lambda _, reference: asked.append(("pull", reference)),
    )
    manager.create(name)
    manager.update(name, pull=True)
    assert asked[0] == ("ensure", "eris/data:latest") and ("pull", "eris/data:latest") in asked
    with pytest.raises(ServiceError) as caught:
        pull_image(api, engine.registry_ref(f"eris/{prefix}-missing:latest"))
    assert caught.value.what.startswith("Could not pull the image")


def test_cycles_and_unknown_names_are_refused(api: docker.APIClient) -> None:
    a = ServiceDefinition("a", ServiceSpec(image="eris/base"))
    b = ServiceDefinition("b", ServiceSpec(image="eris/base"))
    a.dependencies.services = [Dependency("b")]
    b.dependencies.services = [Dependency("a")]
    manager = ServiceManager(api, Catalog({"a": a, "b": b}, []))
    with pytest.raises(ServiceError, match="cycle"):
        manager.start("a")
    with pytest.raises(UnknownService):
        manager.start("nobody-has-this-name")
