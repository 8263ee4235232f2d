"""Numbers and times the way people read them. Pure functions, no Qt."""

from __future__ import annotations

import time

_UNITS = ("B", "kB", "MB", "GB", "TB")


def size(num_bytes: int) -> str:
    """Decimal units, as the docker CLI prints them."""
    if num_bytes < 0:
        return "—"
    value = float(num_bytes)
    for unit in _UNITS:
        if value < 1000 or unit == _UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" or value >= 1000 else f"{value:.3g} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def ago(timestamp: int, now: float | None = None) -> str:
    if timestamp <= 0:
        return "—"
    seconds = max(0, int((time.time() if now is None else now) - timestamp))
    for unit, length in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3600), ("minute", 60)):
        if seconds >= length:
            count = seconds // length
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now" if seconds < 10 else f"{seconds} seconds ago"


def short_image(reference: str) -> str:
    """An image column that stays readable when the container was made from a bare id."""
    if reference.startswith("sha256:"):
        return reference[7:19]
    return reference
