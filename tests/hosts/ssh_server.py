"""A real OpenSSH server on loopback whose sessions reach the private engine, for ssh:// engines.

sshd runs from a folder of its own (host key, authorized key, config) and sets DOCKER_HOST for
its sessions, so `docker system dial-stdio` on the far side talks to the private engine. The
client is the real ssh too; OpenSSH reads ~/.ssh/config from the account's home, not $HOME, so
a small `ssh` on PATH adds `-F` with this folder's client config and runs the real one.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"

SERVER_CONFIG = """\
ListenAddress 127.0.0.1
Port {port}
HostKey {folder}/host_key
PidFile {folder}/sshd.pid
AuthorizedKeysFile {folder}/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv DOCKER_HOST={docker_host}
"""

CLIENT_CONFIG = """\
Host 127.0.0.1
  IdentityFile {folder}/id_ed25519
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
"""

CLIENT_WRAPPER = """#!/bin/sh
exec {ssh} -F {folder}/client_config "$@"
"""


@dataclass
class SSHServer:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def user(self) -> str:
        import getpass

        return getpass.getuser()

    def url(self) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}"

    @property
    def client_bin(self) -> Path:
        """A folder to put first on PATH: its ssh is the real client with this server's client config."""
        return self.folder / "bin"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start(folder: Path, docker_host: str) -> SSHServer:
    """sshd on 127.0.0.1 (a free port) for the current account, its sessions pointed at ``docker_host``."""
    ssh = shutil.which("ssh")
    if not os.path.exists(SSHD) or ssh is None:
        raise RuntimeError("OpenSSH is not installed (apt-get install openssh-server openssh-client); "
                           "scripts/run-tests installs it")
    folder.mkdir(parents=True, exist_ok=True)
    for key in ("host_key", "id_ed25519"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / key)], check=True)
    shutil.copy(folder / "id_ed25519.pub", folder / "authorized_keys")
    port = _free_port()
    (folder / "sshd_config").write_text(SERVER_CONFIG.format(port=port, folder=folder, docker_host=docker_host))
    (folder / "client_config").write_text(CLIENT_CONFIG.format(folder=folder))
    wrapper = folder / "bin" / "ssh"
    wrapper.parent.mkdir(exist_ok=True)
    wrapper.write_text(CLIENT_WRAPPER.format(ssh=ssh, folder=folder))
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege-separation folder
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(folder / "sshd_config")],
                               stderr=open(folder / "sshd.log", "wb"))  # noqa: SIM115 - the server keeps it
    deadline = time.monotonic() + 15
    while not _listening(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"sshd did not start: {(folder / 'sshd.log').read_text()[-2000:]}")
        time.sleep(0.05)
    return SSHServer(folder, port, process)
