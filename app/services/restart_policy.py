"""Restart policies: Docker's names plus eris's "max:N" (restart on failure, at most N times)."""

from __future__ import annotations

import re

_ON_FAILURE = re.compile(r"^on-failure(?::(\d+))?$")
_MAX = re.compile(r"^max:(\d+)$")
_ACCEPTED = '"always", "no", "unless-stopped", "on-failure", "on-failure:N" or "max:N"'


def parse_restart_policy(text: str) -> dict[str, str | int] | None:
    """The engine's RestartPolicy for ``text``; None when nothing was asked for.

    Raises ValueError worded for a person when ``text`` is no policy.
    """
    value = text.strip()
    if value in ("", "no"):
        return None
    if value in ("always", "unless-stopped"):
        return {"Name": value, "MaximumRetryCount": 0}
    match = _ON_FAILURE.match(value) or _MAX.match(value)
    if match:
        return {"Name": "on-failure", "MaximumRetryCount": int(match.group(1) or 0)}
    raise ValueError(f'"{text}" is not a restart policy: use {_ACCEPTED}')
