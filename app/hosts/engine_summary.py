"""What a reachable engine told about itself: versions, system, and how much it holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EngineSummary:
    server_version: str
    api_version: str
    os: str  # "linux" or "windows", from /version
    arch: str
    operating_system: str  # e.g. "Boot2Docker 18.09.1" or "Debian GNU/Linux 12", from /info
    containers: int
    containers_running: int
    images: int

    @property
    def description(self) -> str:
        system = f"{self.os}/{self.arch}" + (f", {self.operating_system}" if self.operating_system else "")
        return (
            f"Docker {self.server_version} (API {self.api_version}, {system}): "
            f"{self.containers} containers ({self.containers_running} running), {self.images} images"
        )


def api_tuple(version: str) -> tuple[int, ...]:
    """Version "1.41" as (1, 41), so that 1.9 < 1.24 compares as numbers; junk counts as (0,)."""
    try:
        return tuple(int(part) for part in version.strip().split("."))
    except ValueError:
        return (0,)


def _count(info: Mapping[str, Any], key: str) -> int:
    value = info.get(key)
    return value if isinstance(value, int) else 0


def summarize(version: Mapping[str, Any], info: Mapping[str, Any]) -> EngineSummary:
    """From the JSON of /version and /info (the API's or `docker version/info --format json`)."""
    return EngineSummary(
        server_version=str(version.get("Version", "?")),
        api_version=str(version.get("ApiVersion", "?")),
        os=str(version.get("Os", "?")),
        arch=str(version.get("Arch", "?")),
        operating_system=str(info.get("OperatingSystem", "")),
        containers=_count(info, "Containers"),
        containers_running=_count(info, "ContainersRunning"),
        images=_count(info, "Images"),
    )
