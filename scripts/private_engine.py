#!/usr/bin/env python3
"""Start, report and stop a private Docker Engine and registry for tests and demos.

The engine is a dockerd with a containerd of its own, and every file they use lives
under one short folder (``/tmp/eris-pe`` unless ``ERIS_PRIVATE_ENGINE_ROOT`` says
otherwise), so it never touches a user's daemon, its socket or its images. Next to
it runs a ``docker-registry`` on 127.0.0.1. Both are seeded with small images layered
on a shared base imported from busybox-static, because nothing can be downloaded.

From Python (add this folder to ``sys.path``)::

    engine = private_engine.ensure_running()
    subprocess.run(["docker", "ps"], env=engine.env())

From a shell: ``scripts/private-engine start|status|stop|seed`` (see ``--help``).
Only the standard library is used, so it runs before the project is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_ROOT = Path("/tmp/eris-pe")
ROOT_ENV = "ERIS_PRIVATE_ENGINE_ROOT"
REGISTRY_PORT_ENV = "ERIS_PRIVATE_REGISTRY_PORT"

BASE_IMAGE = "eris/base:latest"
DERIVED_IMAGES = ("eris/data:latest", "eris/ipfs:latest", "eris/keys:latest")
BIG_IMAGE = "eris/big:latest"
BENCH_LABEL = "eris-bench"

# Sizes in MB of the random-data layers each derived image adds on top of the base.
LAYERS_MB: dict[str, tuple[int, ...]] = {
    "eris/data:latest": (3,),
    "eris/ipfs:latest": (8, 2),
    "eris/keys:latest": (4,),
    BIG_IMAGE: (50, 50, 50, 50),
}

# Our own containerd namespace and cgroup parent keep our containers apart from
# anything a system daemon runs.
NAMESPACE = "eris-pe"
PACKAGES = ("docker.io", "docker-registry", "busybox-static")
MAX_UNIX_PATH = 107  # sun_path holds 108 bytes including the terminating NUL
MARKER = ".eris-private-engine"  # purge deletes only folders that carry it
START_TIMEOUT = 60.0
BENCH_WORKERS = 8  # measured: 4, 8 and 16 threads give about the same speed


class PrivateEngineError(RuntimeError):
    """Something went wrong; the message says what, why and what to do."""


@dataclass(frozen=True)
class PrivateEngine:
    """Where a running private engine and its registry can be reached."""

    root: Path
    docker_host: str
    registry: str
    base_image: str = BASE_IMAGE
    derived_images: tuple[str, ...] = DERIVED_IMAGES
    big_image: str = BIG_IMAGE

    @property
    def socket_path(self) -> str:
        return self.docker_host.removeprefix("unix://")

    def env(self) -> dict[str, str]:
        """A copy of os.environ that points docker clients at this engine only."""
        env = dict(os.environ)
        for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
            env.pop(name, None)
        env["DOCKER_HOST"] = self.docker_host
        return env

    def registry_ref(self, image: str) -> str:
        """``image`` as named in the private registry: 127.0.0.1:PORT/eris/x:latest."""
        return f"{self.registry}/{image}"


# --------------------------------------------------------------------------- paths


# The files of one private engine, all under its root folder.
_FILES = {
    "docker_sock": "docker.sock",
    "containerd_sock": "containerd.sock",
    "dockerd_pid": "pid",
    "containerd_pid": "containerd.pid",
    "registry_pid": "registry.pid",
    "registry_port": "registry.port",
    "registry_config": "registry.yml",
    "containerd_config": "containerd.toml",
    "daemon_config": "daemon.json",
    "dockerd_log": "dockerd.log",
    "containerd_log": "containerd.log",
    "registry_log": "registry.log",
    "data": "data",
    "exec": "exec",
    "registry_data": "registry-data",
    "marker": MARKER,
}


@dataclass(frozen=True)
class _Paths:
    """Every file of one private engine, by name: p.docker_sock -> ROOT/docker.sock."""

    root: Path

    def __getattr__(self, name: str) -> Path:
        if name not in _FILES:
            raise AttributeError(name)
        return self.root / _FILES[name]


def _resolve_root(root: Path | None) -> Path:
    if root is None:
        root = Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT)
    return Path(os.path.abspath(root))


def _check_socket_paths(root: Path) -> None:
    # containerd adds ".ttrpc" to its socket name: our longest socket path.
    size = len(str(root / "containerd.sock.ttrpc").encode())
    if size > MAX_UNIX_PATH:
        raise PrivateEngineError(
            f"The private engine folder {root} is too long: its sockets would need "
            f"{size} bytes and Linux allows {MAX_UNIX_PATH}. "
            f"Set {ROOT_ENV} to a short folder such as /tmp/eris-pe."
        )


def _engine_for(root: Path, port: int) -> PrivateEngine:
    return PrivateEngine(
        root=root,
        docker_host=f"unix://{root / 'docker.sock'}",
        registry=f"127.0.0.1:{port}",
    )


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Serialise start and stop between processes (e.g. parallel test workers)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = open(root / "lock", "w")  # noqa: SIM115 - closed below, after unlocking
    except PermissionError as exc:
        raise PrivateEngineError(
            f"Cannot use the private engine folder {root}: {exc.strerror}. It belongs to "
            "the user who started the engine, normally root: run this as root too."
        ) from exc
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _say(message: str) -> None:
    # Progress goes to stderr: stdout of `start` is meant for `eval`.
    print(f"private-engine: {message}", file=sys.stderr, flush=True)


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _log_tail(path: Path, lines: int = 12) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log was written)"
    # dockerd's gRPC chatter would push the line that explains a failure out of view.
    useful = [line for line in text if "module=grpc" not in line]
    return "\n".join(useful[-lines:]) or "(the log is empty)"


# ----------------------------------------------------------------------- processes


def _process_state(pid: int) -> str | None:
    """The kernel's one-letter state of ``pid``, or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself contain spaces or ')'.
    return stat.rsplit(")", 1)[1].split()[0]


def _argv_of(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode(errors="replace").split("\0")


def _is_ours(pid: int | None, marker: Path) -> bool:
    """True if ``pid`` is alive and has ``marker`` (a path under our root) as argument.

    The argument check guards against a stale pid file whose number now belongs to
    an unrelated process. Zombies count as dead: they are gone, just not reaped.
    """
    if not pid or _process_state(pid) in (None, "Z", "X"):
        return False
    return str(marker) in _argv_of(pid)


def _pids_with_argument(marker: Path) -> list[int]:
    """Live processes that have ``marker`` as one of their arguments."""
    pids = [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit()]
    return [pid for pid in pids if pid != os.getpid() and _is_ours(pid, marker)]


def _spawn_detached(argv: Sequence[str], log: Path) -> int:
    """Start ``argv`` in a session of its own, outliving us, and return its pid.

    A throw-away shell starts the daemon in the background and exits, so the daemon
    is re-parented to init: no zombie or "still running" warning is left in the
    caller (a test process may live long), and Ctrl-C in its terminal does not
    reach the daemon. The log is truncated so its tail explains this start.
    """
    script = 'log="$1"; shift; "$@" >"$log" 2>&1 </dev/null & echo $!'
    done = subprocess.run(
        ["/bin/sh", "-c", script, "sh", str(log), *argv],
        capture_output=True,
        text=True,
        check=True,
        start_new_session=True,
    )
    return int(done.stdout.strip())


def _terminate(pid: int | None, marker: Path, what: str, timeout: float) -> None:
    """SIGTERM, wait up to ``timeout``, then SIGKILL; only if the process is ours."""
    if pid is None or not _is_ours(pid, marker):
        return
    _signal(pid, signal.SIGTERM, what)
    if _wait_gone(pid, marker, timeout):
        return
    _say(f"{what} (pid {pid}) did not stop within {timeout:.0f} s; killing it")
    _signal(pid, signal.SIGKILL, what)
    if not _wait_gone(pid, marker, 10):
        raise PrivateEngineError(
            f"{what} (pid {pid}) survived SIGKILL, so it is stuck in the kernel, "
            f"e.g. on a hung mount. See `ps -o stat,wchan -p {pid}`; a reboot may "
            "be needed."
        )


def _signal(pid: int, signum: signal.Signals, what: str) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass  # it exited on its own meanwhile
    except PermissionError as exc:
        raise PrivateEngineError(
            f"Cannot stop {what} (pid {pid}): it runs as root and we do not. Run the stop command as root."
        ) from exc


def _wait_gone(pid: int, marker: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _is_ours(pid, marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


# ------------------------------------------------------------------ docker API


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over the engine's unix socket; for bulk work the CLI is far too slow."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._socket_path)
        except OSError:
            sock.close()  # a socket not yet up is normal while we wait for dockerd
            raise
        self.sock = sock


def _api(
    socket_path: str,
    method: str,
    path: str,
    body: object | None = None,
    timeout: float = 120.0,
) -> tuple[int, bytes]:
    conn = _UnixHTTPConnection(socket_path, timeout)
    try:
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _api_json(socket_path: str, method: str, path: str, body: object | None = None) -> Any:
    status_code, data = _api(socket_path, method, path, body)
    if status_code >= 400:
        try:
            message = json.loads(data).get("message", "")
        except ValueError:
            message = data.decode(errors="replace")
        raise PrivateEngineError(f"The private engine refused {method} {path}: {message} (HTTP {status_code}).")
    return json.loads(data) if data.strip() else None


def _query(path: str, **params: object) -> str:
    """``path`` with URL parameters; lists repeat the key, dicts become JSON."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, list):
            pairs.extend((key, str(item)) for item in value)
        elif isinstance(value, dict):
            pairs.append((key, json.dumps(value)))
        else:
            pairs.append((key, str(value)))
    return f"{path}?{urllib.parse.urlencode(pairs)}"


def _pings(socket_path: Path) -> bool:
    try:
        status_code, body = _api(str(socket_path), "GET", "/_ping", timeout=2)
    except OSError:
        return False
    return status_code == 200 and body.strip() == b"OK"


def _cli_env(engine: PrivateEngine) -> dict[str, str]:
    env = engine.env()
    # The legacy builder needs no buildx plugin and no network. A client config
    # folder of our own keeps a user's credential helpers and proxies out of it.
    env["DOCKER_BUILDKIT"] = "0"
    env["DOCKER_CONFIG"] = str(engine.root / "client")
    return env


def _docker(engine: PrivateEngine, *args: str, timeout: float = 600) -> str:
    """Run the docker CLI against the private engine (never the default socket)."""
    cli = _find_program("docker")
    if not cli:
        raise PrivateEngineError(
            "The docker command-line client is missing. Install it as root: apt-get install docker.io"
        )
    command = f"docker {' '.join(args)}"
    try:
        done = subprocess.run(
            [cli, "-H", engine.docker_host, *args],
            env=_cli_env(engine),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise PrivateEngineError(f"`{command}` took more than {timeout:.0f} s and was stopped.") from exc
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        raise PrivateEngineError(f"`{command}` failed on the private engine:\n{output}")
    return done.stdout


# ------------------------------------------------------------------ registry HTTP

# An opener that ignores HTTP_PROXY: loopback traffic must never leave the machine.
_LOCAL_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _registry_answers(port: int) -> bool:
    try:
        with _LOCAL_HTTP.open(f"http://127.0.0.1:{port}/v2/", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _registry_has(registry: str, image: str) -> bool:
    repository, tag = image.rsplit(":", 1)
    url = f"http://{registry}/v2/{repository}/manifests/{tag}"
    request = urllib.request.Request(url, method="HEAD")
    request.add_header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
    try:
        with _LOCAL_HTTP.open(request, timeout=5) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


# --------------------------------------------------------------------- packages


def _find_program(name: str) -> str | None:
    # Non-root shells often lack the sbin folders where dockerd lives.
    extra = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    return shutil.which(name, path=f"{os.environ.get('PATH', '')}:{extra}")


def _is_static_elf(path: Path) -> bool:
    """True if the ELF file has no program interpreter, i.e. runs without a libc.

    Debian's dynamic ``busybox`` package also installs /bin/busybox; copied into an
    image without a libc it would fail with a baffling "no such file or directory".
    """
    with open(path, "rb") as f:
        header = f.read(64)
        if header[:4] != b"\x7fELF":
            return False
        order = "<" if header[5] == 1 else ">"
        if header[4] == 2:  # 64-bit: e_phoff at 0x20, e_phentsize and e_phnum at 0x36
            phoff, phentsize, phnum = struct.unpack_from(order + "Q14xHH", header, 0x20)
        else:  # 32-bit: e_phoff at 0x1c, e_phentsize and e_phnum at 0x2a
            phoff, phentsize, phnum = struct.unpack_from(order + "I10xHH", header, 0x1C)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    pt_interp = 3
    types = (struct.unpack_from(order + "I", table, i * phentsize)[0] for i in range(phnum))
    return pt_interp not in types


def _missing_programs() -> list[str]:
    programs = ("dockerd", "containerd", "runc", "docker", "docker-registry")
    missing = [name for name in programs if not _find_program(name)]
    busybox = Path("/bin/busybox")
    if not busybox.exists() or not _is_static_elf(busybox):
        missing.append("a static /bin/busybox")
    return missing


def _ensure_packages() -> None:
    missing = _missing_programs()
    if not missing:
        return
    install = f"apt-get update && apt-get install -y {' '.join(PACKAGES)}"
    if os.geteuid() != 0:
        raise PrivateEngineError(
            f"The private engine needs {', '.join(missing)}, which are not installed. Install them as root: {install}"
        )
    _say(f"installing {' '.join(PACKAGES)} (missing: {', '.join(missing)})")
    _apt_install(PACKAGES)
    still = _missing_programs()
    if still:
        raise PrivateEngineError(f"{', '.join(still)} still missing after `{install}`; check the apt output above.")


def _apt_install(packages: Sequence[str]) -> None:
    # Without a policy-rc.d, installing docker.io and containerd starts the *system*
    # daemons, which would create a docker0 bridge and iptables rules.
    policy = Path("/usr/sbin/policy-rc.d")
    added_policy = not policy.exists()
    if added_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        for argv in (["apt-get", "update"], ["apt-get", "install", "-y", *packages]):
            done = subprocess.run(argv, env=env, stdout=sys.stderr, stderr=subprocess.STDOUT)
            if done.returncode != 0:
                raise PrivateEngineError(
                    f"`{' '.join(argv)}` failed (exit {done.returncode}); see its "
                    "output above. Check that the Debian mirror is reachable."
                )
    finally:
        if added_policy:
            policy.unlink(missing_ok=True)


# ----------------------------------------------------------------- containerd


def _write_containerd_config(p: _Paths) -> None:
    # A containerd of our own: dockerd 20.10 adopts a system containerd listening on
    # /run/containerd/containerd.sock whenever there is one, instead of its own.
    lines = [
        "version = 2",
        f'root = "{p.data / "containerd"}"',
        f'state = "{p.exec / "containerd"}"',
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        "[grpc]",
        f'  address = "{p.containerd_sock}"',
        "[ttrpc]",
        '  address = ""',
        "[debug]",
        '  address = ""',
        "[metrics]",
        '  address = ""',
        '[plugins."io.containerd.internal.v1.opt"]',  # default: /opt/containerd
        f'  path = "{p.data / "containerd" / "opt"}"',
    ]
    p.containerd_config.write_text("\n".join(lines) + "\n")


def _containerd_running(p: _Paths) -> bool:
    pid = _read_int(p.containerd_pid)
    return _is_ours(pid, p.containerd_config) and p.containerd_sock.is_socket()


def _start_containerd(p: _Paths) -> None:
    _write_containerd_config(p)
    p.containerd_sock.unlink(missing_ok=True)
    argv = [_find_program("containerd") or "containerd"]
    pid = _spawn_detached([*argv, "--config", str(p.containerd_config)], p.containerd_log)
    p.containerd_pid.write_text(f"{pid}\n")
    _wait_until(
        p.containerd_sock.is_socket,
        alive=lambda: _is_ours(pid, p.containerd_config),
        what="containerd",
        log=p.containerd_log,
    )


# --------------------------------------------------------------------- dockerd


def _dockerd_argv(p: _Paths) -> list[str]:
    return [
        _find_program("dockerd") or "dockerd",
        # Not /etc/docker/daemon.json, which may set hosts or TLS for a system daemon.
        "--config-file", str(p.daemon_config),
        "--data-root", str(p.data),
        "--exec-root", str(p.exec),
        "--pidfile", str(p.dockerd_pid),
        "-H", f"unix://{p.docker_sock}",
        "--containerd", str(p.containerd_sock),
        "--containerd-namespace", NAMESPACE,
        "--containerd-plugins-namespace", f"{NAMESPACE}-plugins",
        # No docker0 bridge, no iptables rules: containers use network none or host.
        "--bridge=none",
        "--iptables=false",
        "--ip-masq=false",
    ]  # fmt: skip


def _write_daemon_config(p: _Paths) -> None:
    config = {
        # dockerd 20.10 would otherwise create /etc/docker/key.json.
        "deprecated-key-path": str(p.root / "key.json"),
        # Containers' cgroups go under /eris-pe/<id>, not a system daemon's /docker.
        "cgroup-parent": NAMESPACE,
    }
    p.daemon_config.write_text(json.dumps(config, indent=2) + "\n")


def _dockerd_running(p: _Paths) -> bool:
    return _is_ours(_read_int(p.dockerd_pid), p.data) and _pings(p.docker_sock)


def _engine_healthy(p: _Paths) -> bool:
    """True if containerd and dockerd run and dockerd answers.

    A dockerd that is merely busy (deleting thousands of containers on two cores,
    say) gets time to answer: restarting it would break whoever is using it.
    """
    if not (_containerd_running(p) and _is_ours(_read_int(p.dockerd_pid), p.data)):
        return False
    if p.docker_sock.exists() and not os.access(p.docker_sock, os.R_OK | os.W_OK):
        raise PrivateEngineError(
            f"The private engine runs, but {p.docker_sock} is not open to this user. "
            "Use it as root (the user who started it), or stop it and start it as root."
        )
    deadline = time.monotonic() + START_TIMEOUT / 2
    while not _pings(p.docker_sock):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def _start_dockerd(p: _Paths) -> None:
    _write_daemon_config(p)
    if not _is_ours(_read_int(p.dockerd_pid), p.data):
        # dockerd refuses a pid file naming any live process, even an unrelated one.
        p.dockerd_pid.unlink(missing_ok=True)
    pid = _spawn_detached(_dockerd_argv(p), p.dockerd_log)
    _wait_until(
        lambda: _pings(p.docker_sock),
        alive=lambda: _is_ours(pid, p.data),
        what="dockerd",
        log=p.dockerd_log,
    )


def _wait_until(ready: Callable[[], bool], *, alive: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if ready():
            return
        if not alive():
            time.sleep(0.2)  # let the log receive the daemon's last words
            raise PrivateEngineError(_explain_failure(what, log, exited=True))
        time.sleep(0.1)
    raise PrivateEngineError(_explain_failure(what, log, exited=False))


# Log fragments (lower case), most specific first, and what they mean for a person.
# Each is specific: dockerd logs harmless cgroup and containerd lines on every start.
_HINTS = (
    ("pid file found",
     "Another dockerd already runs for this folder: stop it first with "
     "`scripts/private-engine stop`."),
    ("address already in use",
     "Its socket or port is held by another process: stop that process, or set "
     f"{ROOT_ENV} (or {REGISTRY_PORT_ENV}) to use another."),
    ("too long",
     f"A socket path is too long: set {ROOT_ENV} to a shorter folder."),
    ("cgroup isn't mounted",
     "Control groups are not mounted: mount them (Debian: cgroupfs-mount) or use "
     "a machine or container that has them."),
    ("cgroup mountpoint does not exist",
     "Control groups are not mounted: mount them (Debian: cgroupfs-mount) or use "
     "a machine or container that has them."),
    ("operation not permitted",
     "The kernel refused a privileged operation: run as root, and inside a "
     "container only if it was started with --privileged."),
    ("permission denied",
     "It lacks permissions: run the private engine as root."),
    ("error initializing graphdriver",
     "No storage driver works on this file system: set "
     f"{ROOT_ENV} to a folder on ext4 or xfs."),
    ("failed to dial",
     "dockerd could not reach its containerd: see containerd.log next to "
     "dockerd.log."),
)  # fmt: skip


def _explain_failure(what: str, log: Path, *, exited: bool) -> str:
    tail = _log_tail(log)
    lowered = tail.lower()
    hints = [hint for fragment, hint in _HINTS if fragment in lowered]
    advice = hints[0] if hints else f"Read {log} for the cause."
    late = f"did not answer within {START_TIMEOUT:.0f} s"
    happened = f"{what} {'exited during start-up' if exited else late}"
    return f"The private engine could not start: {happened}. {advice}\nLast lines of {log}:\n{tail}"


# -------------------------------------------------------------------- registry


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Like the registry (Go sets SO_REUSEADDR), accept a port left in TIME_WAIT.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _choose_port(p: _Paths) -> int:
    wanted = os.environ.get(REGISTRY_PORT_ENV)
    if wanted:
        port = int(wanted)
        if not _port_free(port):
            raise PrivateEngineError(
                f"Port 127.0.0.1:{port} (from {REGISTRY_PORT_ENV}) is already in use, "
                "so the private registry cannot listen there. Stop whatever uses "
                f"it, or unset {REGISTRY_PORT_ENV} to let a free port be picked."
            )
        return port
    # The last port again keeps the registry's image names stable across restarts.
    remembered = _read_int(p.registry_port)
    if remembered and _port_free(remembered):
        return remembered
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _registry_running(p: _Paths) -> bool:
    port = _read_int(p.registry_port)
    if not port or not _is_ours(_read_int(p.registry_pid), p.registry_config):
        return False
    return _registry_answers(port)


def _write_registry_config(p: _Paths, port: int) -> None:
    lines = [
        "version: 0.1",
        "log:",
        "  level: warn",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {p.registry_data}",
        "  delete:",
        "    enabled: true",
        "http:",
        f"  addr: 127.0.0.1:{port}",  # loopback only
    ]
    p.registry_config.write_text("\n".join(lines) + "\n")


def _start_registry(p: _Paths) -> int:
    port = _choose_port(p)
    p.registry_data.mkdir(parents=True, exist_ok=True)
    _write_registry_config(p, port)
    argv = [_find_program("docker-registry") or "docker-registry", "serve"]
    pid = _spawn_detached([*argv, str(p.registry_config)], p.registry_log)
    p.registry_pid.write_text(f"{pid}\n")
    p.registry_port.write_text(f"{port}\n")
    try:
        _wait_until(
            lambda: _registry_answers(port),
            alive=lambda: _is_ours(pid, p.registry_config),
            what=f"docker-registry on 127.0.0.1:{port}",
            log=p.registry_log,
        )
    except PrivateEngineError:
        _terminate(pid, p.registry_config, "docker-registry", 5)
        raise
    return port


# ------------------------------------------------------------------ public API


def status(root: Path | None = None) -> PrivateEngine | None:
    """The running engine, or None unless containerd, dockerd and registry answer."""
    p = _Paths(_resolve_root(root))
    port = _read_int(p.registry_port)
    running = _containerd_running(p) and _dockerd_running(p) and _registry_running(p)
    return _engine_for(p.root, port) if port and running else None


def ensure_running(root: Path | None = None, *, seed: bool = True) -> PrivateEngine:
    """Start what is not running (reusing what is), seed the images, return it."""
    p = _Paths(_resolve_root(root))
    _check_socket_paths(p.root)
    with _locked(p.root):
        if not _engine_healthy(p):
            _require_root("start the private Docker Engine")
            _ensure_packages()
            p.marker.touch()
            # A half-dead engine (say dockerd without its containerd) restarts whole.
            _stop_engine(p)
            _say(f"starting containerd and dockerd in {p.root}")
            _start_containerd(p)
            _start_dockerd(p)
        if _registry_running(p):
            port = _read_int(p.registry_port) or 0
        else:
            registry_pid = _read_int(p.registry_pid)
            _terminate(registry_pid, p.registry_config, "docker-registry", 10)
            port = _start_registry(p)
        engine = _engine_for(p.root, port)
        if seed:
            _seed(engine)
        return engine


def stop(root: Path | None = None, *, purge: bool = False) -> None:
    """Stop the registry and the engine; ``purge`` also deletes the whole folder."""
    p = _Paths(_resolve_root(root))
    if not p.root.exists():
        return
    with _locked(p.root):
        registry_pid = _read_int(p.registry_pid)
        _terminate(registry_pid, p.registry_config, "docker-registry", 10)
        p.registry_pid.unlink(missing_ok=True)
        _stop_engine(p)
        if purge:
            _purge(p)


def _require_root(action: str) -> None:
    if os.geteuid() != 0:
        raise PrivateEngineError(
            f"Cannot {action} without root: dockerd needs root to mount layers and "
            "create namespaces. Run it as root, e.g. `sudo scripts/private-engine start`."
        )


def _stop_engine(p: _Paths) -> None:
    dockerd_pid = _read_int(p.dockerd_pid)
    if _is_ours(dockerd_pid, p.data):
        # dockerd gives each running container 10 s to stop on its own; ours hold
        # nothing worth a graceful exit, so kill them first and stop in a second.
        _kill_running_containers(str(p.docker_sock))
    _terminate(dockerd_pid, p.data, "dockerd", 30)
    _delete_leftover_containers(p)
    _terminate(_read_int(p.containerd_pid), p.containerd_config, "containerd", 10)
    # Shims whose containerd is gone would otherwise wait forever.
    for pid in _pids_with_argument(p.containerd_sock):
        _terminate(pid, p.containerd_sock, "containerd-shim", 5)
    # A dockerd that was killed leaves its layer, netns and data-root mounts behind.
    _unmount_under(p.root)
    for path in (p.docker_sock, p.containerd_sock, p.dockerd_pid, p.containerd_pid):
        path.unlink(missing_ok=True)
    (p.root / "containerd.sock.ttrpc").unlink(missing_ok=True)


def _kill_running_containers(socket_path: str) -> None:
    with contextlib.suppress(OSError, PrivateEngineError, ValueError):
        for container in _api_json(socket_path, "GET", "/containers/json") or []:
            _api(socket_path, "POST", f"/containers/{container['Id']}/kill")


def _delete_leftover_containers(p: _Paths) -> None:
    """Kill containers that runc still runs after dockerd is gone (if it was killed)."""
    runc = _find_program("runc")
    state = p.exec / "runtime-runc" / NAMESPACE
    if not runc or not state.is_dir():
        return
    base = [runc, "--root", str(state)]
    listed = subprocess.run([*base, "list", "-q"], capture_output=True, text=True)
    for container_id in listed.stdout.split():
        subprocess.run([*base, "delete", "--force", container_id], capture_output=True)


def _unmount_under(root: Path) -> None:
    for mount_point in _mounts_under(root):
        done = subprocess.run(["umount", mount_point], capture_output=True)
        if done.returncode != 0:
            # A busy mount is detached now and released once its last user is gone.
            subprocess.run(["umount", "--lazy", mount_point], capture_output=True)


def _mounts_under(root: Path) -> list[str]:
    """Mount points at or below ``root``, deepest first so children go first."""
    found = set()
    prefix = str(root).rstrip("/") + "/"
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        # Field 5 is the mount point, with spaces and such escaped as \040.
        escaped = line.split()[4]
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), escaped)
        if point == str(root) or point.startswith(prefix):
            found.add(point)
    return sorted(found, key=len, reverse=True)


def _purge(p: _Paths) -> None:
    root = p.root.resolve()
    if not p.marker.exists() or len(root.parts) < 3:
        raise PrivateEngineError(
            f"Refusing to delete {root}: it does not look like a private engine "
            f"folder (no {MARKER} file in it). Delete it by hand if you are sure."
        )
    _unmount_under(root)
    shutil.rmtree(root)
    _say(f"deleted {root}")


# ---------------------------------------------------------------------- seeding


def _local_tags(engine: PrivateEngine) -> set[str]:
    images = _api_json(engine.socket_path, "GET", "/images/json") or []
    return {tag for image in images for tag in image.get("RepoTags") or []}


def _seed(engine: PrivateEngine) -> None:
    """Make sure each seed image is here, under its registry name, and in the registry.

    Cheap when all is there (one list call and a HEAD request per image); builds
    only what is missing. When the base is rebuilt, every derived image is rebuilt
    too, so that they really share its layer.
    """
    local = _local_tags(engine)
    _untag_stale_registry_names(engine, local)
    base_rebuilt = False
    for image in (engine.base_image, *engine.derived_images, engine.big_image):
        remote = engine.registry_ref(image)
        in_registry = _registry_has(engine.registry, image)
        rebuild = image not in local or (base_rebuilt and image != engine.base_image)
        if rebuild and in_registry and not base_rebuilt:
            # Removed here (by a pull test, say) but still in the registry.
            _say(f"restoring {image} from the registry")
            _docker(engine, "pull", "-q", remote)
            _docker(engine, "tag", remote, image)
            local.add(remote)
            rebuild = False
        if rebuild:
            _say(f"building {image}")
            _build(engine, image)
            base_rebuilt = base_rebuilt or image == engine.base_image
        if rebuild or remote not in local:
            _docker(engine, "tag", image, remote)
        if rebuild or not in_registry:
            _say(f"pushing {remote}")
            _docker(engine, "push", remote)
    shutil.rmtree(engine.root / "build", ignore_errors=True)


def import_base(engine: PrivateEngine) -> None:
    """Only the base image, without the registry round: for tests on an engine of their own."""
    if engine.base_image not in _local_tags(engine):
        _build(engine, engine.base_image)
        shutil.rmtree(engine.root / "build", ignore_errors=True)


def _untag_stale_registry_names(engine: PrivateEngine, local: set[str]) -> None:
    # After the registry moved to another port, names with the old port only confuse.
    for tag in sorted(local):
        stale = tag.startswith("127.0.0.1:") and "/eris/" in tag
        if stale and not tag.startswith(engine.registry + "/"):
            quoted = urllib.parse.quote(tag, safe="")
            _api(engine.socket_path, "DELETE", f"/images/{quoted}?noprune=1")
            local.discard(tag)


def _build(engine: PrivateEngine, image: str) -> None:
    build = engine.root / "build"
    build.mkdir(parents=True, exist_ok=True)
    if image == engine.base_image:
        tarball = build / "base.tar"
        _write_base_rootfs(tarball)
        _docker(engine, "import", "--change", 'CMD ["/bin/sh"]', str(tarball), image)
        return
    stem = image.split(":")[0].removeprefix("eris/").replace("/", "-")
    context = build / stem
    shutil.rmtree(context, ignore_errors=True)
    context.mkdir()
    lines = [f"FROM {engine.base_image}"]
    for number, size_mb in enumerate(LAYERS_MB[image], start=1):
        name = f"{stem}-{number}.bin"
        _write_random(context / name, size_mb)
        lines.append(f"ADD {name} /data/{name}")
    (context / "Dockerfile").write_text("\n".join(lines) + "\n")
    _docker(engine, "build", "--network", "none", "-q", "-t", image, str(context))


def _write_random(path: Path, size_mb: int) -> None:
    # Random bytes do not compress, so layer sizes on the wire match LAYERS_MB.
    with open(path, "wb") as f:
        for _ in range(size_mb):
            f.write(os.urandom(1 << 20))


def _tar_entry(name: str, kind: bytes, mode: int, size: int = 0) -> tarfile.TarInfo:
    # Fixed owner and time make the tarball, and so the base layer's digest, the
    # same every time it is rebuilt from the same busybox.
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, 0
    info.uname = info.gname = "root"
    return info


def _write_base_rootfs(tarball: Path) -> None:
    """A minimal root file system: static busybox, its applets as links, /etc/passwd."""
    listed = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True, check=True)
    applets = sorted(set(listed.stdout.split()) - {"busybox"})
    busybox = Path("/bin/busybox").read_bytes()
    files = {
        "bin/busybox": (busybox, 0o755),
        "etc/passwd": (
            b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
            0o644,
        ),
        "etc/group": (b"root:x:0:\nnogroup:x:65534:\n", 0o644),
    }
    directories = {"bin": 0o755, "etc": 0o755, "root": 0o700, "tmp": 0o1777}
    with tarfile.open(tarball, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, mode in directories.items():
            tar.addfile(_tar_entry(name, tarfile.DIRTYPE, mode))
        for name, (content, mode) in files.items():
            entry = _tar_entry(name, tarfile.REGTYPE, mode, len(content))
            tar.addfile(entry, io.BytesIO(content))
        for applet in applets:
            link = _tar_entry(f"bin/{applet}", tarfile.SYMTYPE, 0o777)
            link.linkname = "busybox"
            tar.addfile(link)


# -------------------------------------------------------------- bench seeding


def _bench_filter() -> dict[str, list[str]]:
    return {"label": [f"{BENCH_LABEL}=1"]}


def _parallel(work: Callable[[Any], object], items: Sequence[Any], what: str) -> None:
    """Run ``work`` over ``items`` on a few threads; the engine is the bottleneck."""
    errors: list[str] = []

    def guarded(item: Any) -> None:
        try:
            work(item)
        except (OSError, PrivateEngineError) as exc:
            errors.append(str(exc))

    with ThreadPoolExecutor(max_workers=BENCH_WORKERS) as pool:
        list(pool.map(guarded, items))
    if errors:
        raise PrivateEngineError(f"{len(errors)} of {len(items)} {what} failed; the first: {errors[0]}")


def seed_many(engine: PrivateEngine, containers: int, images: int) -> None:
    """Make sure at least this many bench containers and bench images exist.

    Containers eris-bench-NNNNN are created, never started (network none,
    ``sleep 3600``, from the base image). Images eris/bench-NNNN:latest are commits
    of the base, so they share its layer. All carry the label eris-bench=1 and are
    removed by clear_bench(). Calling it again only adds what is missing.
    """
    path = _query("/containers/json", all=1, filters=_bench_filter())
    existing = _api_json(engine.socket_path, "GET", path) or []
    names = {name.lstrip("/") for c in existing for name in c.get("Names") or []}
    wanted = [f"eris-bench-{i:05d}" for i in range(1, containers + 1)]
    missing = [name for name in wanted if name not in names]
    _parallel(lambda name: _create_bench_container(engine, name), missing, "creations")
    have = _local_tags(engine)
    numbers = range(1, images + 1)
    missing_images = [n for n in numbers if f"eris/bench-{n:04d}:latest" not in have]
    if missing_images:
        _commit_bench_images(engine, missing_images)


def _create_bench_container(engine: PrivateEngine, name: str, cmd: Sequence[str] = ("sleep", "3600")) -> str:
    body = {
        "Image": engine.base_image,
        "Cmd": list(cmd),
        "Labels": {BENCH_LABEL: "1"},
        "HostConfig": {"NetworkMode": "none"},
    }
    path = _query("/containers/create", name=name)
    return str(_api_json(engine.socket_path, "POST", path, body)["Id"])


def _commit_bench_images(engine: PrivateEngine, numbers: Sequence[int]) -> None:
    # Committed images inherit the source container's eris-bench label. One source
    # per worker spares the engine from locking one container for every commit.
    sources = [_create_bench_container(engine, f"eris-bench-source-{k}", ("true",)) for k in range(BENCH_WORKERS)]

    def commit(number: int) -> None:
        path = _query(
            "/commit",
            container=sources[number % len(sources)],
            repo=f"eris/bench-{number:04d}",
            tag="latest",
            pause=0,
            changes=[f"LABEL eris-bench-number={number}"],
        )
        _api_json(engine.socket_path, "POST", path, {})

    try:
        _parallel(commit, numbers, "image commits")
    finally:
        for source in sources:
            _api(engine.socket_path, "DELETE", f"/containers/{source}?force=1")


def clear_bench(engine: PrivateEngine) -> None:
    """Remove every container and image labelled eris-bench=1."""
    sock = engine.socket_path
    found = _api_json(sock, "GET", _query("/containers/json", all=1, filters=_bench_filter()))
    paths = [f"/containers/{c['Id']}?force=1&v=1" for c in found or []]
    _parallel(lambda path: _delete(sock, path), paths, "container removals")
    found = _api_json(sock, "GET", _query("/images/json", filters=_bench_filter()))
    paths = [f"/images/{image['Id']}?force=1" for image in found or []]
    _parallel(lambda path: _delete(sock, path), paths, "image removals")


def _delete(socket_path: str, path: str) -> None:
    status_code, data = _api(socket_path, "DELETE", path)
    if status_code >= 400 and status_code != 404:  # 404: already gone, as wanted
        message = data.decode(errors="replace").strip()
        raise PrivateEngineError(f"DELETE {path} failed: {message}")


# -------------------------------------------------------------------------- CLI


def _print_engine(engine: PrivateEngine) -> None:
    # Shell syntax, so that `eval "$(scripts/private-engine start)"` works.
    print("unset DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CONTEXT")
    print(f"export DOCKER_HOST={engine.docker_host}")
    print(f"export ERIS_PRIVATE_REGISTRY={engine.registry}")
    print(f"# registry: {engine.registry}")
    images = (engine.base_image, *engine.derived_images, engine.big_image)
    print(f"# images: {' '.join(images)}")


def _cmd_start(args: argparse.Namespace) -> int:
    started = time.monotonic()
    engine = ensure_running(seed=not args.no_seed)
    _print_engine(engine)
    _say(f"ready in {time.monotonic() - started:.1f} s")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    engine = status()
    if engine is None:
        root = _resolve_root(None)
        if os.geteuid() != 0 and (root / "docker.sock").exists():
            print(f"# not reachable ({root}): its socket may need root; try again as root")
        else:
            print(f"# not running ({root})")
        return 1
    _print_engine(engine)
    return 0


def _cmd_stop(args: argparse.Namespace) -> int:
    started = time.monotonic()
    stop(purge=args.purge)
    _say(f"stopped in {time.monotonic() - started:.1f} s")
    return 0


def _cmd_seed(args: argparse.Namespace) -> int:
    engine = status()
    if engine is None:
        raise PrivateEngineError("The private engine is not running. Start it first: scripts/private-engine start")
    started = time.monotonic()
    if args.clear:
        clear_bench(engine)
        _say(f"removed bench objects in {time.monotonic() - started:.1f} s")
        return 0
    seed_many(engine, args.containers, args.images)
    elapsed = time.monotonic() - started
    _say(f"{args.containers} containers, {args.images} images in {elapsed:.1f} s")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="private-engine",
        description="A private Docker Engine and registry for tests, benchmarks "
        f"and demos (folder: ${ROOT_ENV}, default {DEFAULT_ROOT}).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start or reuse it; print DOCKER_HOST")
    start.add_argument("--no-seed", action="store_true", help="skip building and pushing eris/*")
    start.set_defaults(run=_cmd_start)
    check = commands.add_parser("status", help="exit 0 if running, else 1")
    check.set_defaults(run=_cmd_status)
    halt = commands.add_parser("stop", help="stop the engine and the registry")
    halt.add_argument("--purge", action="store_true", help="also delete the folder and all images")
    halt.set_defaults(run=_cmd_stop)
    seed = commands.add_parser("seed", help="add bench objects (label eris-bench=1)")
    seed.add_argument("--containers", type=int, default=0, metavar="N")
    seed.add_argument("--images", type=int, default=0, metavar="N")
    seed.add_argument("--clear", action="store_true", help="remove all bench objects instead")
    seed.set_defaults(run=_cmd_seed)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except PrivateEngineError as exc:
        print(f"private-engine: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
