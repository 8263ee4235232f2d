"""Images made straight in a registry over its HTTP API, for pull tests.

Building with the engine and pushing would leave the image's layers on the
engine, where a pull then finds them ("Already exists") instead of downloading;
removing them again is not possible while anyone's container uses the image.
Forged images have layers no engine has seen yet, on top of the seeded base
layer (mounted from eris/base), so a pull downloads exactly the new layers and
reports the base as already there.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG_V1 = "application/vnd.docker.container.image.v1+json"
LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
ACCEPT = ", ".join((MANIFEST_V2, MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX))


@dataclass(frozen=True)
class Layer:
    digest: str  # of the compressed blob
    diff_id: str  # of the uncompressed tar
    size: int  # compressed, as the manifest and the pull stream count it


@dataclass(frozen=True)
class ForgedImage:
    registry: str
    repository: str
    tag: str
    layers: tuple[Layer, ...]
    manifest_digest: str
    manifest_size: int
    manifest_type: str

    @property
    def ref(self) -> str:
        return f"{self.registry}/{self.repository}:{self.tag}"

    def new_layers(self, base: Sequence[Layer]) -> list[Layer]:
        return [layer for layer in self.layers if layer not in base]


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Registry:
    """The few v2 API calls a forge needs; plain HTTP, loopback only."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.session = requests.Session()
        self.session.trust_env = False  # never a proxy for loopback

    def _url(self, path: str) -> str:
        return f"http://{self.address}/v2/{path}"

    def has_blob(self, repository: str, digest: str) -> bool:
        return self.session.head(self._url(f"{repository}/blobs/{digest}"), timeout=10).status_code == 200

    def put_blob(self, repository: str, data: bytes) -> str:
        digest = _sha256(data)
        if self.has_blob(repository, digest):
            return digest
        started = self.session.post(self._url(f"{repository}/blobs/uploads/"), timeout=10)
        started.raise_for_status()
        location = started.headers["Location"]
        if location.startswith("/"):
            location = f"http://{self.address}{location}"
        done = self.session.put(location, params={"digest": digest}, data=data, timeout=120,
                                headers={"Content-Type": "application/octet-stream"})
        done.raise_for_status()
        return digest

    def get_blob(self, repository: str, digest: str) -> bytes:
        got = self.session.get(self._url(f"{repository}/blobs/{digest}"), timeout=60)
        got.raise_for_status()
        return got.content

    def get_manifest(self, repository: str, reference: str) -> tuple[dict, str]:  # type: ignore[type-arg]
        got = self.session.get(self._url(f"{repository}/manifests/{reference}"), headers={"Accept": ACCEPT},
                               timeout=10)
        got.raise_for_status()
        return got.json(), got.headers.get("Docker-Content-Digest", _sha256(got.content))

    def put_manifest(self, repository: str, reference: str, body: dict, media_type: str) -> tuple[str, int]:  # type: ignore[type-arg]
        data = json.dumps(body, indent=3).encode()
        put = self.session.put(self._url(f"{repository}/manifests/{reference}"), data=data,
                               headers={"Content-Type": media_type}, timeout=30)
        put.raise_for_status()
        return _sha256(data), len(data)

    def delete_manifest(self, repository: str, digest: str) -> None:
        self.session.delete(self._url(f"{repository}/manifests/{digest}"), timeout=10)

    def delete_blob(self, repository: str, digest: str) -> None:
        self.session.delete(self._url(f"{repository}/blobs/{digest}"), timeout=10)


def unique_layer(size: int, name: str) -> tuple[bytes, str]:
    """A gzip'd tar with one file of ``size`` bytes no other layer has, and the tar's digest (its diff id).

    Only the first bytes are random: uniqueness is all a pull test needs. The
    gzip level is 0 (stored), so the blob is as big as the data whatever the data
    is, and the sizes the pull stream reports are the sizes asked for.
    """
    content = os.urandom(32) + bytes(max(0, size - 32))
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entry = tarfile.TarInfo(f"data/{name}")
        entry.size, entry.mode, entry.mtime = len(content), 0o644, 0
        tar.addfile(entry, io.BytesIO(content))
    raw = tar_bytes.getvalue()
    return gzip.compress(raw, compresslevel=0, mtime=0), _sha256(raw)


@dataclass(frozen=True)
class Base:
    """The seeded base image's one layer, as the registry holds it."""

    repository: str
    layer: Layer
    blob: bytes


def read_base(registry: Registry, repository: str = "eris/base", tag: str = "latest") -> Base:
    manifest, _ = registry.get_manifest(repository, tag)
    config = json.loads(registry.get_blob(repository, manifest["config"]["digest"]))
    (entry,) = manifest["layers"]
    layer = Layer(entry["digest"], config["rootfs"]["diff_ids"][0], entry["size"])
    return Base(repository, layer, registry.get_blob(repository, layer.digest))


def forge(
    registry: Registry,
    repository: str,
    tag: str,
    base: Base,
    layer_sizes: Sequence[int],
    *,
    oci: bool = False,
    platform: tuple[str, str] = ("linux", "amd64"),
) -> ForgedImage:
    """Push an image: the base layer, then one random layer per size (bytes)."""
    registry.put_blob(repository, base.blob)  # a no-op where the blob is already there

    def make_layer(number: int, size: int) -> Layer:
        blob, diff_id = unique_layer(size, f"{tag}-{number}.bin")
        return Layer(registry.put_blob(repository, blob), diff_id, len(blob))

    # zlib, hashlib and sockets let go of the GIL on big buffers: layers are made side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(make_layer, range(1, len(layer_sizes) + 1), layer_sizes))
    layers = [base.layer, *made]
    os_name, arch = platform
    config = {
        "architecture": arch,
        "os": os_name,
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]},
        "history": [{"created_by": f"forged layer {n}"} for n in range(len(layers))],
    }
    config_blob = json.dumps(config).encode()
    config_digest = registry.put_blob(repository, config_blob)
    layer_type, config_type, manifest_type = (
        (OCI_LAYER_GZIP, OCI_CONFIG, OCI_MANIFEST) if oci else (LAYER_GZIP, CONFIG_V1, MANIFEST_V2)
    )
    manifest = {
        "schemaVersion": 2,
        "mediaType": manifest_type,
        "config": {"mediaType": config_type, "size": len(config_blob), "digest": config_digest},
        "layers": [{"mediaType": layer_type, "size": layer.size, "digest": layer.digest} for layer in layers],
    }
    digest, size = registry.put_manifest(repository, tag, manifest, manifest_type)
    return ForgedImage(registry.address, repository, tag, tuple(layers), digest, size, manifest_type)


def forge_index(registry: Registry, repository: str, tag: str, images: Sequence[tuple[ForgedImage, str, str]]) -> str:
    """A manifest list naming each (image, os, arch); an arch "arm/v6" has a variant; the images must be in
    ``repository``."""
    entries = []
    for image, os_name, arch in images:
        name, _, variant = arch.partition("/")
        platform = {"os": os_name, "architecture": name, **({"variant": variant} if variant else {})}
        entries.append({"mediaType": image.manifest_type, "digest": image.manifest_digest,
                        "size": image.manifest_size, "platform": platform})
    body = {"schemaVersion": 2, "mediaType": MANIFEST_LIST, "manifests": entries}
    return registry.put_manifest(repository, tag, body, MANIFEST_LIST)[0]


def remove(registry: Registry, image: ForgedImage, base: Base) -> None:
    """Delete the manifest and the image's own blobs (never the shared base)."""
    registry.delete_manifest(image.repository, image.manifest_digest)
    for layer in image.layers:
        if layer != base.layer:
            registry.delete_blob(image.repository, layer.digest)
