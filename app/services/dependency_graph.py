"""Which services a service needs, in the order they must start, and cycles among them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DependencyCycle(ValueError):
    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = list(cycle)
        super().__init__(" → ".join(self.cycle))


def start_order(graph: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """``name``'s dependencies (recursively) before ``name`` itself, each once.

    Names that are not in ``graph`` are treated as having no dependencies; the
    caller decides whether a missing definition is an error. Raises DependencyCycle.
    """
    order: list[str] = []
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> None:
        if node in done:
            return
        if node in path:
            raise DependencyCycle([*path[path.index(node) :], node])
        path.append(node)
        for dependency in graph.get(node, ()):
            visit(dependency)
        path.pop()
        done.add(node)
        order.append(node)

    visit(name)
    return order


def find_cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Every distinct cycle found by a walk from each node, e.g. ``[["a", "b", "a"]]``."""
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for node in sorted(graph):
        try:
            start_order(graph, node)
        except DependencyCycle as cycle:
            members = frozenset(cycle.cycle)
            if members not in seen:
                seen.add(members)
                cycles.append(cycle.cycle)
    return cycles

