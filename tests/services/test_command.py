"""`services …` through add_arguments() and run(), as app/cli.py wires them: output and exit codes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import docker
import pytest

from app.services import command
from tests.services.conftest import SLEEPER, write_definition

pytestmark = pytest.mark.engine


def services(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="services")
    command.add_arguments(parser)
    return command.run(parser.parse_args(list(argv)))


@pytest.fixture
def service(eris_home: Path, prefix: str) -> str:
    name = f"{prefix}-cli"
    write_definition(
        eris_home,
        name,
        f"""
        [service]
        image = "eris/keys:latest"
        data_container = true
        net = "none"
        command = {SLEEPER}
        """,
    )
    return name


def test_a_whole_session(
    api: docker.APIClient, service: str, eris_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = eris_home / "hello.txt"
    source.write_text("hello\n")
    assert services("import", service, str(source), "inbox") == 0
    assert services("start", service) == 0
    assert f"started {service}" in capsys.readouterr().out
    assert services("start", service) == 0
    assert "already running" in capsys.readouterr().out

    assert services("ls", "--json") == 0
    listed = {entry["name"]: entry for entry in json.loads(capsys.readouterr().out)}
    assert listed[service]["state"] == "running" and listed[service]["data_container"] == f"eris_data_{service}_1"
    assert {"ipfs", "keys"} <= set(listed)  # the defaults, written on first run
    assert services("ls") == 0
    assert service in capsys.readouterr().out

    assert services("inspect", service) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["container"]["Name"] == f"/eris_service_{service}_1"
    assert report["definition"]["service"]["image"] == "eris/keys:latest" and len(report["definition_hash"]) == 64

    assert services("export", service, "inbox/hello.txt", str(eris_home / "out")) == 0
    assert (eris_home / "out" / "hello.txt").read_text() == "hello\n"
    assert services("logs", service, "--tail", "5") == 0
    assert services("restart", service, "--timeout", "2") == 0
    assert services("update", service) == 0
    assert services("stop", service, "--timeout", "2") == 0
    assert f"stopped {service}" in capsys.readouterr().out
    assert services("logs", service, "--follow") == 0  # stopped: following ends at once

    assert services("rm", service) == 0
    assert f"its data stays in eris_data_{service}_1" in capsys.readouterr().out
    assert services("rm", service, "--data") == 2  # no terminal to confirm on
    assert f"eris_data_{service}_1" in capsys.readouterr().err
    assert api.containers(all=True, filters={"name": f"eris_data_{service}_1"})
    assert services("rm", service, "--data", "--yes") == 0
    assert not api.containers(all=True, filters={"name": f"eris_data_{service}_1"})


def test_deleting_data_asks_for_the_name(
    api: docker.APIClient, service: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert services("start", service) == 0
    prompts: list[str] = []
    answers = iter(["no", service])

    def answer(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(command, "_ask", answer)
    assert services("rm", service, "--data") == 1
    assert f"eris_data_{service}_1" in prompts[0] and "cannot be undone" in prompts[0]
    assert api.containers(all=True, filters={"name": f"eris_service_{service}_1"})
    assert services("rm", service, "--data") == 0
    assert not api.containers(all=True, filters={"name": f"eris_(service|data)_{service}_1"})


def test_usage_and_definition_errors_exit_2(
    api: docker.APIClient, eris_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_definition(eris_home, "bad", '[service]\nimage = "eris/base"\nports = ["nope"]\n')
    assert services("start", "nobody") == 2
    assert 'There is no service "nobody"' in capsys.readouterr().err
    assert services("start", "bad") == 2
    assert "bad.toml, line 3, service.ports[0]" in capsys.readouterr().err
    assert services("ls") == 0
    out = capsys.readouterr().out
    assert "invalid" in out and "bad.toml, line 3" in out
    with pytest.raises(SystemExit) as caught:
        services("start")
    assert caught.value.code == 2


def test_an_unreachable_engine_exits_1(
    eris_home: Path, service: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{eris_home}/no-engine.sock")
    assert services("start", service) == 1
    assert "Could not connect" in capsys.readouterr().err
