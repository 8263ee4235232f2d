"""The resource model changes row by row and stays a valid Qt model through any sequence of changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.engine.rows import NetworkRow
from app.qt import columns
from app.qt.resource_model import KEY_ROLE, ResourceModel, _ranges


def _row(key: str, name: str = "") -> NetworkRow:
    return NetworkRow(key=key, name=name or key, driver="null", scope="local", internal=False)


def _change(model: ResourceModel, expected: dict[str, NetworkRow], what: str, rows: list[NetworkRow]) -> None:
    """Upsert or remove ``rows`` in the model and in the plain dict that says what it should hold."""
    if what == "upsert":
        model.upsert(rows)
        expected.update({row.key: row for row in rows})
    else:
        model.remove([row.key for row in rows])
        for row in rows:
            expected.pop(row.key, None)


def test_runs_of_positions() -> None:
    assert _ranges([5, 1, 2, 3, 9, 10]) == [(1, 3), (5, 5), (9, 10)]
    assert _ranges([]) == []


def test_changes_never_reset_the_model(qtmodeltester, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = ResourceModel(columns.network_columns())
    qtmodeltester.check(model)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles=(): changed.append((top.row(), bottom.row())))

    model.upsert([_row("a"), _row("b"), _row("c")])
    model.upsert([_row("b", "bee"), _row("c", "sea"), _row("d")])
    model.remove(["a"])
    model.replace_all([_row("c", "sea"), _row("e")])

    assert resets == []
    assert inserted == [(0, 2), (3, 3), (1, 1)]
    assert changed == [(1, 2)]  # one signal for the contiguous run b, c; unchanged rows are not announced
    assert [model.index(i, 0).data() for i in range(model.rowCount())] == ["sea", "e"]
    assert model.index_of("e").data(KEY_ROLE) == "e"
    assert not model.index_of("a").isValid()
    qtmodeltester.check(model)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["upsert", "remove", "replace"]),
                          st.lists(st.sampled_from("abcdefgh"), max_size=6)), max_size=12))
def test_any_sequence_of_changes_matches_a_plain_dict(steps: list[tuple[str, list[str]]]) -> None:
    model = ResourceModel(columns.network_columns())
    expected: dict[str, NetworkRow] = {}
    for number, (what, keys) in enumerate(steps):
        rows = [_row(key, f"{key}{number}") for key in keys]
        if what in ("upsert", "remove"):
            _change(model, expected, what, rows)
        else:
            model.replace_all(rows)
            expected = {row.key: row for row in rows}
        assert {model.index(i, 0).data(KEY_ROLE) for i in range(model.rowCount())} == set(expected)
        assert model.rowCount(QModelIndex()) == len(expected)
        for key, row in expected.items():
            assert model.row_by_key(key) == row


def test_lookups_by_key_are_right_while_removal_is_announced(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = ResourceModel(columns.network_columns())
    model.upsert([_row(key) for key in "abcdef"])
    seen: list[tuple[str, ...]] = []

    def look(*_args: object) -> None:
        seen.append(tuple(row.key for key in "abcdef" if (row := model.row_by_key(key)) is not None))

    model.rowsRemoved.connect(look)
    model.remove(["b", "e"])
    assert seen == [("a", "b", "c", "d", "f"), ("a", "c", "d", "f")]


def _names(model: ResourceModel) -> list[str]:
    return [model.index(i, 0).data() for i in range(model.rowCount())]


def test_a_sorted_model_inserts_each_row_where_it_belongs(qtmodeltester, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = ResourceModel(columns.network_columns())
    model.sort(0, Qt.SortOrder.AscendingOrder)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    layouts: list[bool] = []
    model.layoutChanged.connect(lambda *_: layouts.append(True))

    model.upsert([_row("k1", "delta"), _row("k2", "Alpha"), _row("k3", "charlie")])
    model.upsert([_row("k4", "bravo"), _row("k5", "echo"), _row("k6", "Bravo")])

    assert _names(model) == ["Alpha", "bravo", "Bravo", "charlie", "delta", "echo"]  # case-blind, ties by key
    assert inserted == [(0, 2), (3, 3), (1, 2)]  # the first list at once; then runs, the last run first
    assert layouts == []
    assert model.row_by_key("k6") == _row("k6", "Bravo")
    assert model.index_of("k5").row() == 5
    qtmodeltester.check(model)


def test_a_change_of_the_sorted_value_moves_the_row_and_keeps_persistent_indexes(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = ResourceModel(columns.network_columns())
    model.upsert([_row(key, name) for key, name in (("k1", "a"), ("k2", "b"), ("k3", "c"))])
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert _names(model) == ["c", "b", "a"]
    selected = QPersistentModelIndex(model.index_of("k3"))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    model.upsert([_row("k3", "0 first")])  # sorts below "a" now (descending: the end)

    assert _names(model) == ["b", "a", "0 first"]
    assert selected.row() == 2 and selected.data(KEY_ROLE) == "k3"
    assert model.index_of("k3").row() == 2
    assert resets == []


def test_many_scattered_inserts_become_one_append_and_one_re_sort(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = ResourceModel(columns.network_columns())
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.upsert([_row(f"even{n:03}", f"n{n:03}") for n in range(0, 200, 2)])
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.upsert([_row(f"odd{n:03}", f"n{n:03}") for n in range(1, 200, 2)])
    assert inserted == [(100, 199)]
    assert _names(model) == [f"n{n:03}" for n in range(200)]
    assert [model.index_of(f"odd{n:03}").row() for n in (1, 199)] == [1, 199]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["upsert", "remove", "sort"]),
                          st.lists(st.sampled_from("abcdefgh"), max_size=6)), max_size=12),
       st.booleans())
def test_a_sorted_model_stays_sorted_through_any_changes(steps: list[tuple[str, list[str]]], descending: bool) -> None:
    model = ResourceModel(columns.network_columns())
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    model.sort(0, order)
    expected: dict[str, NetworkRow] = {}
    for number, (what, keys) in enumerate(steps):
        if what in ("upsert", "remove"):
            _change(model, expected, what, [_row(key, f"{(number * 7 + ord(key)) % 5}") for key in keys])
        else:
            descending = not descending
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            model.sort(0, order)
        want = sorted(expected.values(), key=lambda row: (row.name, row.key), reverse=descending)
        assert [model.index(i, 0).data(KEY_ROLE) for i in range(model.rowCount())] == [row.key for row in want]
        assert all(model.index_of(key).data(KEY_ROLE) == key for key in expected)
        assert all(model.row_by_key(key) == row for key, row in expected.items())
