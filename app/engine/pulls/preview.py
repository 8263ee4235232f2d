"""What a pull would cost, before any byte moves: the image's layers from its registry, compared with local ones.

"8.4 MB to download in 2 layers; 1.1 MB already here, shared with eris/base,
eris/data". The manifest and the image config come straight from the
registry's v2 API (the engine has no endpoint for a manifest it has not
pulled); for a multi-platform image the engine's own platform is picked, as the
engine will.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import humanize
from app.engine.connection import Endpoint, engine_info, open_client
from app.engine.errors import translate
from app.engine.pulls.credentials import credentials_for
from app.engine.pulls.errors import PullFailed
from app.engine.pulls.local_layers import LocalLayerIndex, LocalLayers, chain_ids
from app.engine.pulls.platforms import normal_platform, pick_platform, platform_text
from app.engine.pulls.registry import RegistryClient
from app.engine.reference import ImageReference, parse_reference

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
ACCEPT = ", ".join((DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX))
_LISTS = (DOCKER_LIST, OCI_INDEX)
NAMES_IN_SENTENCE = 3


@dataclass(frozen=True)
class PreviewLayer:
    digest: str  # of the compressed blob, as the registry and the pull stream know it
    diff_id: str  # of the uncompressed layer, as local images know it
    size: int  # compressed bytes: what a pull downloads
    already_here: bool
    shared_with: tuple[str, ...] = ()  # every tag of the local images that have this layer (on the same base)
    images: tuple[str, ...] = ()  # the same images, one name each (the shortest tag)

    @property
    def short_id(self) -> str:
        """The id the pull stream uses for this layer."""
        return self.digest.split(":", 1)[-1][:12]


@dataclass(frozen=True)
class PullPreview:
    reference: ImageReference
    platform: str
    manifest_digest: str
    layers: tuple[PreviewLayer, ...]
    images_compared: int = 0
    comparison_complete: bool = True

    @property
    def to_download_bytes(self) -> int:
        return sum(layer.size for layer in self.layers if not layer.already_here)

    @property
    def to_download_layers(self) -> int:
        return sum(1 for layer in self.layers if not layer.already_here)

    @property
    def already_here_bytes(self) -> int:
        return sum(layer.size for layer in self.layers if layer.already_here)

    @property
    def already_here_layers(self) -> int:
        return sum(1 for layer in self.layers if layer.already_here)

    @property
    def shared_with(self) -> dict[str, list[str]]:
        """diff id → local images that already have that layer."""
        return {layer.diff_id: list(layer.shared_with) for layer in self.layers if layer.already_here}

    @property
    def known_sizes(self) -> dict[str, int]:
        """For PullManager.pull: the progress can count every layer from the start."""
        return {layer.short_id: layer.size for layer in self.layers}

    def sharing_images(self) -> list[str]:
        """Local images sharing at least one layer, one name each, those sharing the most first."""
        counts: dict[str, int] = {}
        for layer in self.layers:
            for name in layer.images:
                counts[name] = counts.get(name, 0) + 1
        return sorted(counts, key=lambda name: (-counts[name], name))

    def sentence(self) -> str:
        """ "8.4 MB to download in 2 layers; 1.1 MB already here, shared with eris/base, eris/data"."""
        names = self.sharing_images()
        shared = ", ".join(names[:NAMES_IN_SENTENCE])
        if len(names) > NAMES_IN_SENTENCE:
            shared += f" and {len(names) - NAMES_IN_SENTENCE} more"
        shared = f", shared with {shared}" if shared else ""
        here = humanize.size(self.already_here_bytes)
        if not self.to_download_layers:
            return f"Nothing to download: all {_layers(self.already_here_layers)} ({here}) are already here{shared}."
        download = f"{humanize.size(self.to_download_bytes)} to download in {_layers(self.to_download_layers)}"
        if not self.already_here_layers:
            return download + "."
        return f"{download}; {here} already here{shared}."


def _layers(count: int) -> str:
    return f"{count} layer{'s' if count != 1 else ''}"


def _manifest(
    client: RegistryClient, reference: ImageReference, os_name: str, arch: str
) -> tuple[dict[str, Any], str, str]:
    what = f"the manifest of {reference.familiar}"
    manifest, response = client.get_json(f"{reference.path}/manifests/{reference.version}", what, ACCEPT)
    media_type = str(manifest.get("mediaType") or response.headers.get("Content-Type", "")).split(";")[0]
    digest = response.headers.get("Docker-Content-Digest", reference.digest or "")
    platform = platform_text(os_name, *normal_platform(arch))  # a single manifest: the engine's, whatever it says
    if media_type in _LISTS or "manifests" in manifest:
        digest, platform = pick_platform(manifest, os_name, arch, reference)
        manifest, response = client.get_json(f"{reference.path}/manifests/{digest}", what, ACCEPT)
    if manifest.get("schemaVersion") != 2 or "config" not in manifest:
        raise PullFailed(
            f"Cannot preview {reference.familiar}",
            "Its registry serves it in the old v1 manifest format, which has no layer sizes.",
            "Pull it to see what it costs.",
        )
    return manifest, digest, platform


@dataclass(frozen=True)
class RemoteImage:
    manifest_digest: str
    config_digest: str  # also the image's id once pulled
    layers: list[tuple[str, str, int]]  # (blob digest, diff id, compressed size), bottom first
    platform: str = ""  # "linux/arm/v7": the build picked for the engine


def read_remote_image(client: RegistryClient, reference: ImageReference, os_name: str, arch: str) -> RemoteImage:
    """The layers of the image that an engine on ``os_name``/``arch`` would pull."""
    manifest, digest, platform = _manifest(client, reference, os_name, arch)
    config_digest = str(manifest["config"]["digest"])
    config, _ = client.get_json(f"{reference.path}/blobs/{config_digest}", f"the configuration of {reference.familiar}")
    diff_ids = list((config.get("rootfs") or {}).get("diff_ids") or [])
    blobs = manifest.get("layers") or []
    if len(diff_ids) != len(blobs):
        raise PullFailed(
            f"Cannot preview {reference.familiar}",
            f"Its manifest lists {len(blobs)} layers but its configuration {len(diff_ids)}.",
        )
    layers = [
        (str(blob["digest"]), str(diff), int(blob.get("size", 0))) for blob, diff in zip(blobs, diff_ids, strict=True)
    ]
    return RemoteImage(digest, config_digest, layers, platform)


def compare(reference: ImageReference, remote: RemoteImage, local: LocalLayerIndex) -> PullPreview:
    layers = []
    for (blob, diff_id, size), chain in zip(
        remote.layers, chain_ids([diff for _, diff, _ in remote.layers]), strict=True
    ):
        images = local.holders.get(chain, [])
        tags = tuple(dict.fromkeys(tag for names in images for tag in names))
        shortest = tuple(dict.fromkeys(min(names, key=len) for names in images if names))
        layers.append(PreviewLayer(blob, diff_id, size, bool(images), tags, shortest))
    return PullPreview(
        reference, remote.platform, remote.manifest_digest, tuple(layers), local.images_compared, local.complete
    )


def preview_pull(
    endpoint: Endpoint,
    image: str | ImageReference,
    *,
    platform: tuple[str, str] | None = None,
    local_layers: LocalLayers | None = None,
) -> PullPreview:
    """Blocking (registry and engine requests): call it from a worker thread.

    ``platform`` is (os, architecture); by default the engine's. Pass the same
    ``local_layers`` to successive previews so local images are inspected once.
    """
    reference = image if isinstance(image, ImageReference) else parse_reference(image.strip())
    api = open_client(endpoint)
    client = RegistryClient(reference.domain, credentials_for(reference.domain))
    try:
        if platform is None:
            info = engine_info(api, endpoint)
            platform = (info.os, _engine_arch(api, info.arch))
        os_name, arch = platform
        remote = read_remote_image(client, reference, os_name, arch)
        try:
            # The image itself may be here already (its id is its config's digest): look at it first.
            index = (local_layers or LocalLayers()).index(api, [remote.config_digest])
        except Exception as error:
            raise translate(
                error, f"Could not compare {reference.familiar} with local images", endpoint.display_address
            ) from error
        return compare(reference, remote, index)
    finally:
        client.close()
        api.close()


def _engine_arch(api: Any, arch: str) -> str:
    """"arm/v6" on an ARMv6 engine: /version says only "arm", /info the machine ("armv6l")."""
    if arch != "arm":
        return arch
    try:
        machine = str(api.info().get("Architecture", ""))
    except Exception:  # noqa: BLE001 - without it the usual ARMv7 is assumed, as docker does
        return arch
    name, variant = normal_platform(machine)
    return f"arm/{variant}" if name == "arm" and variant else arch
