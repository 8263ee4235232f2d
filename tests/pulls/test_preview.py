"""Previews read straight from a registry: platforms, manifest kinds, token auth, local sharing."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

import private_engine
import pytest

from app.engine.connection import Endpoint
from app.engine.pulls.errors import AccessDenied, ImageNotFound
from app.engine.pulls.layers import LayerPhase
from app.engine.pulls.local_layers import LocalLayers, chain_ids
from app.engine.pulls.manager import PullManager
from app.engine.pulls.preview import preview_pull
from app.engine.pulls.pull import PullState
from app.engine.pulls.registry import base_url, parse_challenge
from tests.pulls import forge
from tests.pulls.conftest import MB, Forger
from tests.pulls.token_gate import TokenGate


@pytest.fixture
def gate(engine: private_engine.PrivateEngine) -> Iterator[TokenGate]:
    front = TokenGate(engine.registry)
    yield front
    front.close()


def test_a_manifest_list_gives_the_engines_platform(
    forged: Forger, registry: forge.Registry, endpoint: Endpoint, manager: PullManager, pulled: list[str]
) -> None:
    amd64 = forged((1 * MB,))
    arm64 = forged((2 * MB, 2 * MB), platform=("linux", "arm64"))
    assert amd64.repository == arm64.repository  # a list can only name manifests of its own repository
    tag = amd64.tag + "-multi"
    forge.forge_index(registry, amd64.repository, tag, [(arm64, "linux", "arm64"), (amd64, "linux", "amd64")])
    ref = f"{registry.address}/{amd64.repository}:{tag}"
    pulled.append(ref)

    preview = preview_pull(endpoint, ref)
    assert preview.platform == "linux/amd64" and preview.manifest_digest == amd64.manifest_digest
    assert preview.to_download_layers == 1 and preview.to_download_bytes == amd64.layers[1].size

    other = preview_pull(endpoint, ref, platform=("linux", "aarch64"))
    assert other.platform == "linux/arm64" and other.to_download_layers == 2

    with pytest.raises(ImageNotFound, match="linux/arm64, linux/amd64"):
        preview_pull(endpoint, ref, platform=("windows", "amd64"))

    pull = manager.pull(ref, known_sizes=preview.known_sizes)
    assert manager.wait(pull, 30) and pull.state is PullState.DONE
    assert pull.progress.done_bytes == preview.to_download_bytes


def test_an_arm_engine_gets_the_newest_variant_it_can_run(forged: Forger, registry: forge.Registry,
                                                          endpoint: Endpoint) -> None:
    v5, v6, v7 = (forged((size * MB,)) for size in (1, 2, 3))
    tag = v6.tag + "-arm"
    forge.forge_index(registry, v6.repository, tag, [(v5, "linux", "arm/v5"), (v7, "linux", "arm/v7"),
                                                     (v6, "linux", "arm/v6")])
    ref = f"{registry.address}/{v6.repository}:{tag}"

    seen = {arch: preview_pull(endpoint, ref, platform=("linux", arch)) for arch in ("armv7l", "arm/v6", "arm")}
    assert (seen["armv7l"].platform, seen["armv7l"].manifest_digest) == ("linux/arm/v7", v7.manifest_digest)
    assert (seen["arm/v6"].platform, seen["arm/v6"].manifest_digest) == ("linux/arm/v6", v6.manifest_digest)
    assert seen["arm"].manifest_digest == v7.manifest_digest  # no variant said: ARMv7, as docker assumes
    with pytest.raises(ImageNotFound, match="runs linux/arm/v4; the image is built for linux/arm/v5, linux/arm/v7"):
        preview_pull(endpoint, ref, platform=("linux", "arm/v4"))


def test_oci_manifests_are_read_like_dockers(forged: Forger, endpoint: Endpoint, manager: PullManager) -> None:
    image = forged((1 * MB, 1 * MB), oci=True)
    preview = preview_pull(endpoint, image.ref)
    assert [layer.digest for layer in preview.layers] == [layer.digest for layer in image.layers]
    assert [layer.diff_id for layer in preview.layers] == [layer.diff_id for layer in image.layers]
    pull = manager.pull(image.ref, known_sizes=preview.known_sizes)
    assert manager.wait(pull, 30) and pull.state is PullState.DONE
    already = {layer.layer_id for layer in pull.progress.layers if layer.phase is LayerPhase.ALREADY_EXISTS}
    assert already == {layer.short_id for layer in preview.layers if layer.already_here}


def test_anonymous_token_auth_as_docker_hub_does_it(
    gate: TokenGate, endpoint: Endpoint, engine: private_engine.PrivateEngine
) -> None:
    preview = preview_pull(endpoint, f"{gate.address}/eris/ipfs:latest")
    direct = preview_pull(endpoint, engine.registry_ref("eris/ipfs:latest"))
    assert [(layer.digest, layer.size, layer.already_here) for layer in preview.layers] == [
        (layer.digest, layer.size, layer.already_here) for layer in direct.layers
    ]
    assert "repository:eris/ipfs:pull" in gate.scopes


def test_token_auth_with_the_stored_login(engine: private_engine.PrivateEngine, endpoint: Endpoint) -> None:
    front = TokenGate(engine.registry, login=("eris", "pa:ss"))
    try:
        with pytest.raises(AccessDenied, match=f"docker login {front.address}"):
            preview_pull(endpoint, f"{front.address}/eris/keys")
        config = Path(os.environ["HOME"]) / ".docker" / "config.json"
        config.parent.mkdir()
        auth = base64.b64encode(b"eris:pa:ss").decode()
        config.write_text(json.dumps({"auths": {front.address: {"auth": auth}}}))
        preview = preview_pull(endpoint, f"{front.address}/eris/keys")
        assert preview.to_download_layers == 0 and preview.already_here_layers == 2
    finally:
        front.close()


def test_a_missing_image_in_a_preview(endpoint: Endpoint, engine: private_engine.PrivateEngine) -> None:
    with pytest.raises(ImageNotFound, match="Check the name and the tag"):
        preview_pull(endpoint, engine.registry_ref("eris/ipfs:nope"))


def test_local_layers_are_inspected_once_per_image(endpoint: Endpoint, engine: private_engine.PrivateEngine) -> None:
    calls: list[str] = []
    local = LocalLayers()
    original = LocalLayers._inspect_layers

    def counting(api, image_id):  # type: ignore[no-untyped-def]
        calls.append(image_id)
        return original(api, image_id)

    local._inspect_layers = counting  # type: ignore[method-assign]
    preview_pull(endpoint, engine.registry_ref("eris/ipfs"), local_layers=local)
    first = len(calls)
    preview_pull(endpoint, engine.registry_ref("eris/keys"), local_layers=local)
    assert first > 0 and len(calls) == first  # nothing new to look at the second time


def test_a_capped_comparison_says_it_was_partial(endpoint: Endpoint, engine: private_engine.PrivateEngine) -> None:
    preview = preview_pull(endpoint, engine.registry_ref("eris/ipfs"), local_layers=LocalLayers(max_inspections=1))
    assert not preview.comparison_complete
    # The image itself is looked at first (its id is its config digest), so the answer still holds.
    assert preview.to_download_layers == 0


def test_chain_ids_follow_the_engines_rule() -> None:
    a, b = "sha256:" + "a" * 64, "sha256:" + "b" * 64
    chains = chain_ids([a, b])
    assert chains[0] == a
    assert chains[1] == "sha256:" + __import__("hashlib").sha256(f"{a} {b}".encode()).hexdigest()
    assert chain_ids([b, a])[1] != chains[1]  # the same layer on another base is another chain


def test_registry_addresses_and_challenges() -> None:
    assert base_url("docker.io") == "https://registry-1.docker.io"
    assert base_url("127.0.0.1:5000") == "http://127.0.0.1:5000"
    assert base_url("localhost:5000") == "http://localhost:5000"
    assert base_url("[::1]:5000") == "http://[::1]:5000"
    assert base_url("registry.example.com") == "https://registry.example.com"
    scheme, parameters = parse_challenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/x:pull"'
    )
    assert scheme == "bearer"
    assert parameters == {
        "realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:library/x:pull"
    }
    assert parse_challenge('Basic realm="Registry Realm"') == ("basic", {"realm": "Registry Realm"})
