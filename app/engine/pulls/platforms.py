"""Which build of a multi-platform image an engine pulls, picked as docker picks it.

Go's names throughout ("amd64", "arm64", "arm" with variant "v7"); an exact match wins,
then the older builds the engine's processor also runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.engine.pulls.errors import ImageNotFound
from app.engine.reference import ImageReference

# Go's names (and the variant they imply) for what `uname -m` and some tools call otherwise.
_ARCH_ALIASES = {
    "x86_64": ("amd64", ""), "i386": ("386", ""), "aarch64": ("arm64", "v8"),
    "armhf": ("arm", "v7"), "armel": ("arm", "v6"), "armv7l": ("arm", "v7"), "armv6l": ("arm", "v6"),
}
# What an image list means when it names no variant (as containerd reads it).
_DEFAULT_VARIANTS = {"arm64": "v8", "arm": "v7"}


def normal_platform(arch: str, variant: str = "") -> tuple[str, str]:
    """("aarch64", "") → ("arm64", "v8"); "arm/v6" → ("arm", "v6"): Go's architecture and its variant."""
    name, _, given = arch.partition("/")
    name, implied = _ARCH_ALIASES.get(name, (name, ""))
    chosen = given or variant or implied or _DEFAULT_VARIANTS.get(name, "")
    chosen = f"v{chosen}" if chosen.isdigit() else chosen  # "7" is how some lists write v7
    return name, "" if (name, chosen) == ("amd64", "v1") else chosen


def platform_text(os_name: str, arch: str, variant: str) -> str:
    shown = variant and not (arch == "arm64" and variant == "v8")  # as docker writes them
    return f"{os_name}/{arch}/{variant}" if shown else f"{os_name}/{arch}"


def _arm_level(variant: str) -> int:
    return int(variant[1:]) if variant[1:].isdigit() else -1


def _suitability(offered: tuple[str, str], wanted: tuple[str, str]) -> int | None:
    """How well a build for ``offered`` (arch, variant) suits an engine of ``wanted``; None: it cannot run there."""
    if offered == wanted:
        return 100
    (arch, variant), (engine_arch, engine_variant) = offered, wanted
    if arch == engine_arch == "arm":
        # An ARMv7 engine runs ARMv6 and ARMv5 builds too; the newest it can run suits it best.
        level = _arm_level(variant)
        return level if 0 <= level <= _arm_level(engine_variant) else None
    if engine_arch == "arm64" and arch == "arm":
        return -20 + _arm_level(variant) if 0 <= _arm_level(variant) <= 8 else None  # 32-bit builds, as docker
    if engine_arch == "amd64" and arch == "386":
        return -20
    return None  # other variants of one architecture (amd64/v3, …) are other builds: docker wants the exact one


def pick_platform(index: Mapping[str, Any], os_name: str, arch: str, reference: ImageReference) -> tuple[str, str]:
    """The digest and the platform of the build the engine would pull."""
    entries: Sequence[Mapping[str, Any]] = index.get("manifests") or []
    wanted_arch, wanted_variant = normal_platform(arch)
    offered, suited = [], []
    for position, entry in enumerate(entries):
        platform = entry.get("platform") or {}
        entry_os = str(platform.get("os", ""))
        entry_arch, entry_variant = normal_platform(str(platform.get("architecture", "")),
                                                    str(platform.get("variant", "")))
        text = platform_text(entry_os, entry_arch, entry_variant)
        offered.append(text)
        rank = _suitability((entry_arch, entry_variant), (wanted_arch, wanted_variant)) if (
            entry_os == os_name) else None
        if rank is not None:
            suited.append((-rank, position, str(entry["digest"]), text))
    if suited:
        _rank, _position, digest, text = min(suited)
        return digest, text
    raise ImageNotFound(
        f"{reference.familiar} has no build for this engine",
        f"The engine runs {platform_text(os_name, wanted_arch, wanted_variant)}; "
        f"the image is built for {', '.join(offered) or 'no platform'}.",
        "Choose another tag or image, or an engine of a matching platform.",
    )
