"""A docker-registry of the test's own, to stop mid-pull or to guard with a login.

The shared private registry must keep running for everyone, so tests that
break a registry start their own: another loopback port, its own storage.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import requests


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bcrypt_hash(password: str) -> str:
    """The registry's htpasswd only takes bcrypt; the C library's crypt() makes it (rounds kept low)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # crypt leaves the standard library in 3.13
        import crypt
    hashed = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16))
    if not hashed or not hashed.startswith("$2"):
        raise RuntimeError("this C library's crypt() cannot make bcrypt hashes")
    return hashed


class OwnRegistry:
    def __init__(self, folder: Path, users: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        lines = [
            "version: 0.1",
            "log:",
            "  level: error",
            "  accesslog:",
            "    disabled: true",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {folder / 'data'}",
            "  delete:",
            "    enabled: true",
            "http:",
            f"  addr: {self.address}",
        ]
        if users:
            htpasswd = folder / "htpasswd"
            htpasswd.write_text("".join(f"{user}:{bcrypt_hash(password)}\n" for user, password in users.items()))
            lines += ["auth:", "  htpasswd:", "    realm: eris-test", f"    path: {htpasswd}"]
        config = folder / "registry.yml"
        config.write_text("\n".join(lines) + "\n")
        program = shutil.which("docker-registry") or "/usr/bin/docker-registry"
        self._log = open(folder / "registry.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([program, "serve", str(config)], stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_it_answers()

    def _wait_until_it_answers(self) -> None:
        session = requests.Session()
        session.trust_env = False
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"docker-registry exited: {(self.folder / 'registry.log').read_text()}")
            try:
                session.get(f"http://{self.address}/v2/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"docker-registry on {self.address} did not answer")

    def kill(self) -> None:
        """Gone at once, as a crash or a pulled plug would leave it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        self.kill()
        self._log.close()
