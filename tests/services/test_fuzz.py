"""Hypothesis throws odd text and odd values at the parser: only DefinitionError may come out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from docker.types import HostConfig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.container_settings import data_plan, service_plan
from app.services.definition import SERVICE_DEFAULTS, definition_hash
from app.services.errors import DefinitionError
from app.services.parsing import parse_text
from app.services.store import definition_text
from app.services.validation import check_text

PATH = Path("fuzz.toml")
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real definitions, so that random text often gets deep into the parser.
FRAGMENTS = [
    "[service]", "[dependencies]", "[maintainer]", "[[service]]", "name = ", "image = ", "ports = ",
    "services = ", '"eris/ipfs"', '"4001:4001"', "[", "]", "{", "}", "=", ",", '"', "'", '"""', "true",
    "1", "-1", "1e400", "#", "\n", " ", ".", "data_container", "restart", '"max:3"', "1979-05-27T07:32:00Z",
]
TOML_ISH = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join)

SCALARS = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False),
    st.sampled_from(["4001", "80:80", "1.2.3.4:1:2/udp", "max:2", "A=1", "x::y", "eris/ipfs:latest", ""]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _definition_text(service: dict[str, Any], top: dict[str, Any]) -> str | None:
    document = tomlkit.document()
    try:
        for key, value in top.items():
            document[key] = value
        document["service"] = service
        return tomlkit.dumps(document)
    except (tomlkit.exceptions.TOMLKitError, ValueError, TypeError):  # values TOML cannot hold; not tested here
        return None


@FUZZ
@given(TOML_ISH)
def test_random_text_gives_a_definition_or_a_definition_error(text: str) -> None:
    try:
        parse_text(text, PATH)
    except DefinitionError as error:
        assert error.path == PATH and error.message
    definition, errors = check_text(text, PATH)  # never raises
    assert definition is not None or errors


@FUZZ
@given(
    st.dictionaries(st.sampled_from(sorted(SERVICE_DEFAULTS)), VALUES, max_size=8),
    st.dictionaries(st.sampled_from(["name", "description", "status", "chain", "dependencies", "machine"]), VALUES,
                    max_size=3),
)
def test_random_values_for_known_keys_are_checked_not_crashed_on(service: dict[str, Any], top: dict[str, Any]) -> None:
    text = _definition_text(service, top)
    if text is None:
        return
    definition, errors = check_text(text, PATH)
    assert all(isinstance(error, DefinitionError) for error in errors)
    if definition is None:
        return
    for error in errors:
        assert error.key or error.line is not None
    definition_hash(definition)
    definition_text(definition, text)
    if not errors:
        # A definition without errors must turn into engine settings without surprises.
        plan = service_plan(definition, definition_hash(definition), data_container="d")
        assert plan.image == definition.image
        data_plan(definition, "d")


# Values that are mostly right, so that definitions without errors are common.
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "image": st.sampled_from(["eris/ipfs", "quay.io/eris/keys:0.12.0", "localhost:5000/a/b@sha256:" + "0" * 64]),
    "data_container": st.booleans(),
    "ports": st.lists(st.sampled_from(["4001", "80:80", "127.0.0.1:1:2/udp", "7-8:9-10", "::80", "[::1]:1:1"])),
    "environment": st.lists(st.sampled_from(["A=1", "B=", "C==d", "NO"])),
    "restart": st.sampled_from(["", "always", "no", "max:3", "on-failure:1", "unless-stopped", "later"]),
    "command": st.one_of(st.text(max_size=12), st.lists(st.text(max_size=5), max_size=3)),
    "entry_point": st.one_of(st.text(max_size=12), st.lists(st.text(max_size=5), max_size=3)),
    "volumes": st.lists(st.sampled_from(["/data", "~/x:/data", "named:/data:ro", "C:\\x:/data", "rel"])),
    "expose": st.lists(st.sampled_from(["80", "53/udp", "1-3", "x"])),
    "memory": st.one_of(st.integers(min_value=0, max_value=2**40), st.sampled_from(["512m", "1g", "100", "2 GB"])),
    "cpu_shares": st.integers(min_value=0, max_value=4096),
    "net": st.sampled_from(["", "none", "host", "bridge", "container:x"]),
    "pid": st.sampled_from(["", "host", "container:x"]),
    "links": st.lists(st.sampled_from(["a", "a:b", ":b"])),
    "volumes_from": st.lists(st.sampled_from(["a", "a:ro"])),
    "dns": st.lists(st.sampled_from(["1.1.1.1", "8.8.8.8"])),
    "user": st.sampled_from(["", "root", "1000:1000"]),
    "work_dir": st.sampled_from(["", "/home/eris"]),
}


@FUZZ
@given(
    st.fixed_dictionaries({"image": PLAUSIBLE["image"]}, optional={k: v for k, v in PLAUSIBLE.items() if k != "image"})
)
def test_definitions_without_errors_become_engine_settings(service: dict[str, Any]) -> None:
    text = _definition_text(service, {"name": "fuzz"})
    assert text is not None
    definition, errors = check_text(text, PATH)
    assert definition is not None
    if errors:
        return
    plan = service_plan(definition, definition_hash(definition), data_container="eris_data_fuzz_1")
    HostConfig(version="1.41", **plan.host)  # what docker-py would send; raises on values it cannot
    assert plan.create["labels"]["eris:NAME"] == "fuzz"
