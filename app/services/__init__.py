"""Eris service definitions and their lifecycle. No Qt.

- ``home``: where the eris home is; ``validation.load_all`` reads its definitions
  (``parsing``, ``definition``) and reports problems with file, line and key.
- ``store``: saving with layout and comments kept, atomically, with a backup; the
  shipped defaults (``defaults/*.toml``).
- ``lifecycle.ServiceManager``: start, stop, restart, update, remove, status, on a
  docker APIClient; ``creation`` and ``container_settings`` make the containers,
  ``naming`` recognises eris's containers, ``images`` fetches images.
- ``data``: files in data containers; ``service_io``: logs, ports, exec.
- ``command``: the ``services …`` command line.
"""
