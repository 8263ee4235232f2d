"""Modules that load only when first used.

The docker SDK imports paramiko for its ssh:// transport although the app always runs the
system's ssh, which needs none of it: a tenth of a second and some 18 MB (paramiko and the
cryptography it brings) for every user, most of whom never open an ssh:// engine.
``importlib.util.LazyLoader`` does not help here: on Python 3.11 a plain ``import`` of a
lazy module already runs it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types
from collections.abc import Sequence
from typing import Any

_loading = threading.RLock()


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` until a name is asked of it, then becomes the real module."""

    def __getattr__(self, attribute: str) -> Any:
        # Only called for names the stand-in lacks. Dunders are what tools ask of every module
        # (PySide6 reads the source of each module imported after it): they do not count as use.
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return getattr(_load(self), attribute)


def _load(stand_in: _Deferred) -> types.ModuleType:
    name = stand_in.__name__
    with _loading:  # two threads asking at once load it once
        current = sys.modules.get(name)
        if current is not None and current is not stand_in:
            return current
        sys.modules.pop(name, None)
        real = importlib.import_module(name)
        stand_in.__dict__.update(real.__dict__)  # modules that bound the stand-in see the real names
        return real


class _AlreadyLoaded(importlib.abc.Loader):
    """Hands the import system a module that loading its package made meanwhile (not a second copy)."""

    def __init__(self, module: types.ModuleType) -> None:
        self._module = module
        self._spec = module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self._module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__spec__ = self._spec  # as its own import left it


class _LoadParentFirst(importlib.abc.MetaPathFinder):
    """``import paramiko.client`` before any use: the real package must run first (its
    submodules import each other through it)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None,
                  ) -> importlib.machinery.ModuleSpec | None:
        parent = sys.modules.get(fullname.rpartition(".")[0])
        if not isinstance(parent, _Deferred):
            return None
        _load(parent)
        existing = sys.modules.get(fullname)
        if existing is None:
            return None  # a submodule the package does not import itself: the usual finders go on
        spec = importlib.util.spec_from_loader(fullname, _AlreadyLoaded(existing))
        # The import system, finding the name loaded meanwhile, takes the module's own spec and
        # would run it a second time: for the moment that spec is this one (put back on exec).
        existing.__spec__ = spec
        return spec


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
        stand_in.__path__ = list(spec.submodule_search_locations)
    if not any(isinstance(finder, _LoadParentFirst) for finder in sys.meta_path):
        sys.meta_path.insert(0, _LoadParentFirst())
    sys.modules[name] = stand_in
    return True
