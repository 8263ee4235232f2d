"""Where rows go in a sorted table: pure helpers for ResourceModel, which sorts its own rows.

Sorting in the source model costs one Python key per row; a QSortFilterProxyModel asks the
Python model for two values per comparison, which was most of a 2,000-row first load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

SortKey = tuple[Any, str]


def normalised(value: Any) -> Any:
    """Text sorts without regard to case, as people expect in a file-manager-like list."""
    return value.casefold() if isinstance(value, str) else value


def sorted_positions(keys: Sequence[SortKey], descending: bool) -> list[int]:
    """The order (old positions) that sorts ``keys``; ties keep their current order."""
    try:
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
    except TypeError:  # a column mixing kinds of value (numbers and None): compare their text instead
        text = [(str(key[0]), key[1]) for key in keys]
        return sorted(range(len(keys)), key=text.__getitem__, reverse=descending)


def insertion_point(keys: Sequence[SortKey], key: SortKey, descending: bool) -> int:
    """Where ``key`` goes among ``keys`` (already in order): after its equals, like bisect_right."""
    before: Callable[[SortKey, SortKey], bool] = (lambda a, b: a > b) if descending else (lambda a, b: a < b)
    low, high = 0, len(keys)
    try:
        while low < high:
            middle = (low + high) // 2
            if before(key, keys[middle]):
                high = middle
            else:
                low = middle + 1
    except TypeError:
        return len(keys)  # incomparable: the end, until the next full sort puts it right
    return low


def insertion_runs(keys: Sequence[SortKey], fresh: Sequence[SortKey], descending: bool) -> list[tuple[int, list[int]]]:
    """Group ``fresh`` (by their indexes, in order) under the position among ``keys`` where each goes.

    Returns (position in the old rows, indexes into fresh) in increasing position; inserting the
    last group first keeps the earlier positions valid.
    """
    order = sorted_positions(fresh, descending)
    runs: list[tuple[int, list[int]]] = []
    for index in order:
        position = insertion_point(keys, fresh[index], descending)
        if runs and runs[-1][0] == position:
            runs[-1][1].append(index)
        else:
            runs.append((position, [index]))
    return runs
