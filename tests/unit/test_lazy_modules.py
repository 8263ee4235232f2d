"""paramiko loads only when something uses it, and is the real module then."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    # A fresh interpreter: this test process has long imported everything.
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_app_does_not_run_paramiko() -> None:
    # PySide6 first, as in the app: it reads every module imported after it.
    out = _run("""
        import sys
        import PySide6.QtCore
        import app.ui.main_window, docker.transport.sshconn
        print(sorted(name for name in sys.modules if name.startswith(("paramiko.", "cryptography"))))
    """)
    assert out == "[]"


def test_the_first_use_loads_the_real_module_for_everyone_who_imported_it() -> None:
    out = _run("""
        import sys
        import app, docker.transport.sshconn as sshconn
        import paramiko
        print(paramiko.SSHClient.__module__, sshconn.paramiko.RejectPolicy.__module__,
              sys.modules["paramiko"].__file__ == paramiko.__file__, "paramiko.client" in sys.modules)
    """)
    assert out == "paramiko.client paramiko.client True True"


def test_a_submodule_can_be_imported_before_the_package_is_used() -> None:
    # paramiko.client imports paramiko.util through the package: the package must run first.
    out = _run("""
        import app
        import paramiko.client
        from paramiko.config import SSHConfig
        import paramiko
        print(SSHConfig is paramiko.SSHConfig, paramiko.client.SSHClient is paramiko.SSHClient)
    """)
    assert out == "True True"


def test_two_threads_asking_at_once_get_the_same_module() -> None:
    out = _run("""
        import threading
        import app, paramiko
        seen = []
        threads = [threading.Thread(target=lambda: seen.append(paramiko.Transport)) for _ in range(8)]
        for thread in threads: thread.start()
        for thread in threads: thread.join()
        print(len(seen), len(set(seen)))
    """)
    assert out == "8 1"
