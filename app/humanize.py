"""Numbers and times the way people read them. Pure functions, no Qt."""

from __future__ import annotations

import re
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


def docker_duration(seconds: float) -> str:
    """A duration in the docker CLI's words (go-units HumanDuration), so statuses read as there."""
    if seconds < 1:
        return "Less than a second"
    if seconds < 60:
        return "1 second" if int(seconds) == 1 else f"{int(seconds)} seconds"
    minutes = int(seconds / 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(seconds / 3600)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{hours // 24 // 365} years"


_DURATION_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800, "month": 2_592_000,
                   "year": 31_536_000}
_DURATION = re.compile(r"(Less than a second|About an? (minute|hour)|(\d+) (second|minute|hour|day|week|month|year)s?)")
_STATUS = re.compile(r"^(?P<head>Up |Exited \(-?\d+\) |Restarting \(-?\d+\) )(?P<duration>.+?)(?P<tail> ago)?"
                     r"(?P<suffix> \(.*\))?$")


def parse_docker_duration(text: str) -> float | None:
    match = _DURATION.fullmatch(text)
    if not match:
        return None
    if match.group(1) == "Less than a second":
        return 0.0
    if match.group(2):
        return float(_DURATION_UNITS[match.group(2)])
    return float(int(match.group(3)) * _DURATION_UNITS[match.group(4)])


def status_anchor(status: str, now: float) -> float:
    """When the duration in an engine status ("Up 3 minutes") began, or 0 when it has none."""
    match = _STATUS.match(status)
    if not match:
        return 0.0
    seconds = parse_docker_duration(match.group("duration"))
    return 0.0 if seconds is None else now - seconds


def live_status(status: str, anchor: float, now: float | None = None) -> str:
    """The engine's status text with its duration brought up to date, so "Up 3 seconds" does not stay 3 s."""
    match = _STATUS.match(status)
    if not match or anchor <= 0:
        return status
    elapsed = max(0.0, (time.time() if now is None else now) - anchor)
    return f"{match.group('head')}{docker_duration(elapsed)}{match.group('tail') or ''}{match.group('suffix') or ''}"
