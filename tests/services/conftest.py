"""Fixtures for the services tests: a temp eris home, definitions in it, and cleanup on the engine.

The private engine is shared with other test runs: every service here has a name
with a prefix of its own, and only containers with that prefix are removed.
"""

from __future__ import annotations

import contextlib
import os
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from app.engine.connection import Endpoint, open_client
from app.services.lifecycle import ServiceManager
from app.services.validation import load_all

REPO_ROOT = Path(__file__).resolve().parents[2]
# CI clones the repository into its own folder with shared/ beside it.
REAL_DEFINITIONS = REPO_ROOT.parent / "shared" / "eris-services"

# A command (as a TOML value, one string as eris wrote them) that exits at once on
# `docker stop`, so that stopping takes no ten-second grace period.
SLEEPER = r'''"sh -c 'trap \"exit 0\" TERM; sleep 300 & wait'"'''


@pytest.fixture
def eris_home(private_folders: Path) -> Path:
    home = Path(os.environ["ERIS"])
    (home / "services").mkdir(parents=True, exist_ok=True)
    return home


def write_definition(home: Path, name: str, text: str) -> Path:
    path = home / "services" / f"{name}.toml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def prefix() -> str:
    """A service-name prefix no other test run uses."""
    return f"t{uuid.uuid4().hex[:8]}"


@pytest.fixture
def api(endpoint: Endpoint, prefix: str) -> Iterator[docker.APIClient]:
    """A client of the private engine; removes this test's eris containers (and their volumes) afterwards."""
    client = open_client(endpoint)
    yield client
    for item in client.containers(all=True, filters={"name": f"eris_(service|data)_{prefix}"}):
        with contextlib.suppress(docker.errors.NotFound):
            client.remove_container(item["Id"], force=True, v=True)
    client.close()


def manager_for(api: docker.APIClient, home: Path) -> ServiceManager:
    return ServiceManager(api, load_all(home), stop_timeout=5)
