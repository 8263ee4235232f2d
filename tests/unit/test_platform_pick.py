"""Which build of a multi-platform image an engine would pull, as docker picks it."""

from __future__ import annotations

import pytest

from app.engine.pulls.errors import ImageNotFound
from app.engine.pulls.platforms import pick_platform
from app.engine.reference import parse_reference

REFERENCE = parse_reference("example.org/multi:1")


def _index(*platforms: str) -> dict[str, object]:
    manifests = []
    for number, text in enumerate(platforms):
        os_name, arch, *variant = text.split("/")
        platform = {"os": os_name, "architecture": arch, **({"variant": variant[0]} if variant else {})}
        manifests.append({"digest": f"sha256:{number}", "platform": platform})
    return {"manifests": manifests}


def _pick(index: dict[str, object], arch: str) -> str:
    return pick_platform(index, "linux", arch, REFERENCE)[1]


def test_the_exact_build_wins_over_one_that_would_also_run() -> None:
    assert _pick(_index("linux/386", "linux/amd64"), "amd64") == "linux/amd64"
    assert _pick(_index("linux/arm/v6", "linux/arm/v7", "linux/arm64"), "aarch64") == "linux/arm64"
    assert _pick(_index("linux/arm/v5", "linux/arm/v7", "linux/arm/v6"), "armv7l") == "linux/arm/v7"


def test_older_builds_run_where_docker_runs_them() -> None:
    assert _pick(_index("linux/arm/v5", "linux/arm/v6"), "arm/v7") == "linux/arm/v6"  # the newest it can run
    assert _pick(_index("linux/arm/v7", "linux/s390x"), "arm64") == "linux/arm/v7"  # 32-bit on a 64-bit ARM
    assert _pick(_index("linux/386"), "x86_64") == "linux/386"


def test_variants_are_read_as_docker_reads_them() -> None:
    assert _pick(_index("linux/arm/7"), "arm") == "linux/arm/v7"  # a bare number; no variant said is v7
    assert _pick(_index("linux/arm64/v8"), "arm64") == "linux/arm64"  # v8 is what arm64 means
    assert _pick(_index("linux/amd64/v1"), "amd64") == "linux/amd64"


@pytest.mark.parametrize(("offered", "engine", "said"), [
    (("linux/amd64/v3",), "amd64", "linux/amd64/v3"),  # a newer x86-64 level is another build
    (("linux/arm/v7",), "arm/v6", "linux/arm/v7"),  # too new for an ARMv6 engine
    (("linux/arm64",), "arm", "linux/arm64"),
    (("windows/amd64",), "amd64", "windows/amd64"),
])
def test_no_build_for_the_engine_is_said_with_what_there_is(offered: tuple[str, ...], engine: str, said: str) -> None:
    with pytest.raises(ImageNotFound, match=f"the image is built for {said}"):
        _pick(_index(*offered), engine)
