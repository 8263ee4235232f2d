"""Eris Desktop: run eris services on Docker, point and click."""

from app.lazy_modules import defer as _defer

__version__ = "0.1.0"
APP_NAME = "Eris Desktop"

_defer("paramiko")  # before anything imports docker
