"""A proxy that filters what a view shows and leaves the order to the source model."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt


class FilterProxy(QSortFilterProxyModel):
    """Sorting requests (header clicks, ``sortByColumn``) go to the source model's own ``sort``.

    QSortFilterProxyModel would sort by calling the Python model twice per comparison; the
    source sorts with one Python key per row and keeps its order as rows arrive.
    """

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
