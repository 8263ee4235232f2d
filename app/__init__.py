"""Eris Desktop: run eris services on Docker, point and click."""

__version__ = "0.1.0"
APP_NAME = "Eris Desktop"
