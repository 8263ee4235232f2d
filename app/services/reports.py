"""Services described for people and scripts: the ``ls`` table and the ``inspect`` report."""

from __future__ import annotations

from typing import Any

from app.engine.errors import translate
from app.services.definition import definition_hash, to_mapping
from app.services.lifecycle import ServiceManager
from app.services.status import ServiceState, ServiceStatus

COLUMNS = ("NAME", "STATE", "IMAGE", "PORTS", "DATA CONTAINER")


def state_text(status: ServiceStatus) -> str:
    """The state in words; "changed" and "invalid" also say whether the container runs."""
    text = status.state.value
    if status.state in (ServiceState.CHANGED, ServiceState.INVALID) and status.container:
        text += " (running)" if status.running else " (stopped)"
    return text


def status_table(statuses: list[ServiceStatus]) -> str:
    """Aligned columns, then every definition error in full (a table cell is too narrow for them)."""
    rows = [list(COLUMNS)]
    for status in statuses:
        ports = ", ".join(status.ports) or "-"
        rows.append([status.name, state_text(status), status.image or "-", ports, status.data_container or "-"])
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    problems = [error for status in statuses for error in status.errors]
    if problems:
        lines += ["", "Definitions with errors:", *(f"  {error.message}" for error in problems)]
    return "\n".join(lines)


def _inspect(manager: ServiceManager, key: str) -> Any:
    if not key:
        return None
    try:
        return manager.api.inspect_container(key)
    except Exception as error:
        raise translate(error, "Could not inspect the container", manager.api.base_url) from error


def inspect_report(manager: ServiceManager, name: str) -> dict[str, Any]:
    """Everything known about one service: state, definition, its hash and the engine's view of both containers."""
    status = manager.status(name)
    definition = manager.catalog.definitions.get(name)
    data = manager.snapshot().data.get(name)
    return {
        "status": status.to_json(),
        "definition": to_mapping(definition) if definition else None,
        "definition_hash": definition_hash(definition) if definition else None,
        "container": _inspect(manager, status.container_id),
        "data_container": _inspect(manager, data.row.key if data else ""),
    }
