"""Record real pull streams from the private engine into this folder (run by hand, not by pytest).

    python -m tests.pulls.data.record_streams

Each NAME.stream holds the bytes exactly as the engine sent them and
NAME.chunks.json the sizes of the reads they arrived in. Images are forged into a
registry of the script's own (see tests/pulls/forge.py) on the seeded base, so
every layer but the shared base is downloaded for real; they are removed from
the engine afterwards. registry_stopped.stream was recorded the same way from
a registry killed mid-pull (see test_interruptions.py) and shows the engine
retrying for over a minute before it gives up.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import docker

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))

import private_engine  # noqa: E402

from tests.pulls import forge  # noqa: E402
from tests.pulls.own_registry import OwnRegistry  # noqa: E402

HERE = Path(__file__).resolve().parent
MB = 1 << 20


def record(api: docker.APIClient, name: str, repository: str, tag: str) -> None:
    response = api._post(
        api._url("/images/create"), params={"fromImage": repository, "tag": tag}, stream=True, timeout=None
    )
    chunks = list(response.iter_content(chunk_size=None))
    (HERE / f"{name}.stream").write_bytes(b"".join(chunks))
    (HERE / f"{name}.chunks.json").write_text(json.dumps([len(chunk) for chunk in chunks]) + "\n")
    print(f"{name}: {sum(map(len, chunks))} bytes in {len(chunks)} reads (HTTP {response.status_code})")


def main() -> None:
    engine = private_engine.ensure_running(seed=True)
    api = docker.APIClient(base_url=engine.docker_host, version="auto")
    base = forge.read_base(forge.Registry(engine.registry))
    # Forged images go to a registry of our own: the shared one never frees deleted blobs.
    folder = Path(tempfile.mkdtemp(prefix="eris-record-"))
    own = OwnRegistry(folder)
    registry = forge.Registry(own.address)
    tag = uuid.uuid4().hex[:8]
    try:
        small = forge.forge(registry, "eris-pulls/record", tag, base, [3 * MB, 1 * MB, 5 * MB])
        big = forge.forge(registry, "eris-pulls/record-big", tag, base, [12 * MB] * 4)
        try:
            record(api, "shared_base_download", f"{own.address}/{small.repository}", tag)
            record(api, "up_to_date", engine.registry_ref("eris/ipfs"), "latest")
            record(api, "multi_layer_download", f"{own.address}/{big.repository}", tag)
        finally:
            for image in (small, big):
                with contextlib.suppress(docker.errors.NotFound):
                    api.remove_image(image.ref)
    finally:
        own.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
