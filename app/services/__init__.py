"""Eris service definitions and their lifecycle. No Qt."""
