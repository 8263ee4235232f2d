"""What the notifications say when a pull ends."""

from __future__ import annotations

from app import humanize
from app.engine.pulls import Pull, PullState
from app.qt.notifications import Category, Notification, Severity


def pull_finished_notice(pull: Pull) -> Notification | None:
    """The notification for a pull that ended: ready, or failed with why; None when there is nothing to say."""
    if pull.state is PullState.DONE:
        saved = pull.progress.saved_bytes
        note = f"; {humanize.size(saved)} were already here" if saved else ""
        return Notification(Category.PULL, "Pull finished", f"{pull.name} is ready{note}.")
    if pull.state is PullState.FAILED and pull.error is not None:
        return Notification(Category.PULL, f"Pull of {pull.name} failed", pull.error.message, Severity.ERROR)
    return None
