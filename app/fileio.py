"""Files that must survive a crash: written whole or not at all, and never silently lost when bad."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

BACKUP_SUFFIX = ".bak"


def write_atomically(path: Path, text: str, *, keep_backup: bool = False, mode: int | None = None) -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old or the new file, never half.

    With ``keep_backup`` the previous version stays beside it as ``<name>.bak``. ``mode``
    defaults to the old file's permissions, or what a new file gets under the umask.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode if mode is not None else _mode_for(path))
        if keep_backup and path.exists():
            _copy_atomically(path, path.with_name(path.name + BACKUP_SUFFIX))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _mode_for(path: Path) -> int:
    """The file's own permissions, or what a new file gets under the umask (mkstemp's are 0600)."""
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o777
    # Reading the umask with os.umask() would briefly change it for every thread; Linux shows it.
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    return 0o644


def _copy_atomically(source: Path, target: Path) -> None:
    # Copied (not renamed) so that the old file stays in place until the new one replaces it.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    try:
        shutil.copy2(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk (POSIX); Windows has no folder fsync.
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def set_aside(path: Path) -> Path:
    """Move a file that cannot be read out of the way, keeping it for the person to look at."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    os.replace(path, target)
    return target
