"""Modules that load only when first used.

The docker SDK imports paramiko for its ssh:// transport although the app always runs the
system's ssh, which needs none of it: a tenth of a second and some 18 MB (paramiko and the
cryptography it brings) for every user, most of whom never open an ssh:// engine.
``importlib.util.LazyLoader`` does not help here: on Python 3.11 a plain ``import`` of a
lazy module already runs it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` until a name is asked of it, then becomes the real module."""

    def __getattr__(self, attribute: str) -> Any:
        # Only called for names the stand-in lacks. Dunders are what tools ask of every module
        # (PySide6 reads the source of each module imported after it): they do not count as use.
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)  # modules that bound the stand-in see the real names
        return getattr(real, attribute)


def defer(name: str) -> bool:
    """Make ``import name`` bind a stand-in that loads the module at its first attribute access."""
    if name in sys.modules:
        return False
    spec = importlib.util.find_spec(name)
    if spec is None:
        return False  # not installed: let the import fail as it would have
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec  # read by the import system; spec._initializing is unset, so it is taken as loaded
    stand_in.__file__ = spec.origin
    if spec.submodule_search_locations is not None:
        stand_in.__path__ = list(spec.submodule_search_locations)  # its submodules can be imported as ever
    sys.modules[name] = stand_in
    return True
