"""Record the private engine's system df and image layers into this folder (run by hand, not by pytest).

    python -m tests.unit.data.record_disk_usage

Before recording it adds, under the label eris-record=1, what a seeded engine lacks:
a stopped container that wrote 300 kB into its writable layer, a created container
that mounts a volume, an unused volume holding 200 kB, and an untagged (dangling)
image committed from the stopped container. Afterwards it removes them again.

Writes system_df.json (GET /system/df as the engine answered), and layers.json: for
the seeded images and the dangling one, the images list entry, the inspect's RootFS
and the history, as test_layer_family reads them.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import docker

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))

import private_engine  # noqa: E402

HERE = Path(__file__).resolve().parent
LABEL = {"eris-record": "1"}
SEEDED = ("eris/base:latest", "eris/data:latest", "eris/ipfs:latest", "eris/keys:latest", "eris/big:latest")


def _wait_exit(api: docker.APIClient, container: str) -> None:
    api.wait(container, timeout=60)


def main() -> None:
    engine = private_engine.ensure_running(seed=True)
    api = docker.APIClient(base_url=engine.docker_host, version="auto")
    made_containers: list[str] = []
    made_volumes: list[str] = []
    dangling = ""
    try:
        host = api.create_host_config(network_mode="none")
        write = ["sh", "-c", "dd if=/dev/urandom of=/scratch bs=1000 count=300"]
        writer = api.create_container(engine.base_image, write, name="record-stopped-writer", labels=LABEL,
                                      host_config=host)["Id"]
        made_containers.append(writer)
        api.start(writer)
        _wait_exit(api, writer)

        unused = api.create_volume("record-unused-volume", labels=LABEL)["Name"]
        made_volumes.append(unused)
        filler_host = api.create_host_config(network_mode="none", binds={unused: {"bind": "/v", "mode": "rw"}})
        fill = ["sh", "-c", "dd if=/dev/urandom of=/v/blob bs=1000 count=200"]
        filler = api.create_container(engine.base_image, fill, labels=LABEL, host_config=filler_host)["Id"]
        api.start(filler)
        _wait_exit(api, filler)
        api.remove_container(filler)

        used = api.create_volume("record-used-volume", labels=LABEL)["Name"]
        made_volumes.append(used)
        mounter_host = api.create_host_config(network_mode="none", binds={used: {"bind": "/v", "mode": "rw"}})
        mounter = api.create_container(engine.base_image, ["true"], name="record-volume-user", labels=LABEL,
                                       host_config=mounter_host)["Id"]
        made_containers.append(mounter)

        dangling = api.commit(writer, changes=["LABEL eris-record=1"])["Id"]

        df = api.df()
        (HERE / "system_df.json").write_text(json.dumps(df, indent=1, sort_keys=True) + "\n")

        listed = {item["Id"]: item for item in api.images()}
        wanted = [api.inspect_image(ref)["Id"] for ref in SEEDED] + [dangling]
        layers: list[dict[str, Any]] = []
        for key in wanted:
            layers.append({
                "list": listed[key],
                "rootfs": api.inspect_image(key)["RootFS"],
                "history": api.history(key),
            })
        (HERE / "layers.json").write_text(json.dumps(layers, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(df.get('Images') or [])} images, {len(df.get('Containers') or [])} containers, "
              f"{len(df.get('Volumes') or [])} volumes; layers of {len(layers)} images")
    finally:
        for container in made_containers:
            with contextlib.suppress(docker.errors.NotFound):
                api.remove_container(container, force=True)
        if dangling:
            with contextlib.suppress(docker.errors.NotFound):
                api.remove_image(dangling)
        for volume in made_volumes:
            with contextlib.suppress(docker.errors.NotFound):
                api.remove_volume(volume)
        api.close()


if __name__ == "__main__":
    main()
