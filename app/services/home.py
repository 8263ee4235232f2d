"""Where eris keeps its files.

The eris home is ``$ERIS`` when that variable is set and not empty. Otherwise it is
the platform's per-user data folder for an application named "eris", as given by
``platformdirs.user_data_dir("eris", appauthor=False)``:

- Linux: ``$XDG_DATA_HOME/eris``, normally ``~/.local/share/eris``
- macOS: ``~/Library/Application Support/eris``
- Windows: ``%LOCALAPPDATA%\\eris``

The eris tool itself used ``~/.eris``; people who keep their files there set
``ERIS=~/.eris``. Service definitions live in the ``services`` subfolder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

ENVIRONMENT_VARIABLE = "ERIS"
SERVICES_FOLDER = "services"


def eris_home(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    configured = env.get(ENVIRONMENT_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("eris", appauthor=False))


def services_folder(home: Path | None = None) -> Path:
    """``<eris home>/services``; not created here, reading must not leave folders behind."""
    return (home if home is not None else eris_home()) / SERVICES_FOLDER
