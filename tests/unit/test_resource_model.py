"""The resource model changes row by row and stays a valid Qt model through any sequence of changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex

from app.engine.rows import NetworkRow
from app.qt import columns
from app.qt.resource_model import KEY_ROLE, ResourceModel, _ranges


def _row(key: str, name: str = "") -> NetworkRow:
    return NetworkRow(key=key, name=name or key, driver="null", scope="local", internal=False)


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
        if what == "upsert":
            model.upsert(rows)
            expected.update({row.key: row for row in rows})
        elif what == "remove":
            model.remove(keys)
            for key in keys:
                expected.pop(key, None)
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
