"""The audit's integer programs, asked of HiGHS through `highspy` (not scipy): the matrices it
passes, the points it gets back, none when there is none, and a run that neither imports scipy
nor lets HiGHS write to the console. The audit's answers are checked against an attacker written
apart from it (scipy's `milp`) in `test_disclosure.py`."""

from __future__ import annotations

import numpy as np

from pipeline.publication.disclosure_audit import Component, Rows, _solve, quiet_solver
from tests.fresh_python import run_fresh


def _component(a_eq: Rows, b_eq: list[float], truth: list[float], cap: float = 100.0) -> Component:
    no_rows = Rows.of([], [], [], 0)
    return Component(list(range(len(truth))), a_eq, np.array(b_eq), no_rows, np.zeros(0),
                     np.array(truth), cap)  # fmt: skip


def test_an_entry_given_twice_is_summed() -> None:
    rows = Rows.of([1, 0, 1], [2, 0, 2], [1.0, -1.0, 2.0], 3)
    assert list(zip(rows.rows.tolist(), rows.columns.tolist(), rows.values.tolist(),
                    strict=True)) == [(0, 0, -1.0), (1, 2, 3.0)]  # fmt: skip
    assert rows.count == 3  # the row without an entry still counts


def test_the_point_is_whole_and_optimal() -> None:
    # x0 + x1 = 10, both at least 1: x0 is at most 9; x0 - x1 <= 2 (x0 <= 6) as a second block
    component = _component(Rows.of([0, 0], [0, 1], [1.0, 1.0], 1), [10.0], [5.0, 5.0])
    with quiet_solver():
        assert _solve(component, np.array([-1.0, 0.0]), floor=1).tolist() == [9.0, 1.0]
    bounded = Component(component.cells, component.a_eq, component.b_eq,
                        Rows.of([0, 0], [0, 1], [1.0, -1.0], 1), np.array([2.0]),
                        component.truth, component.cap)  # fmt: skip
    with quiet_solver():
        assert _solve(bounded, np.array([-1.0, 0.0]), floor=1).tolist() == [6.0, 4.0]


def test_a_continuous_extra_variable_is_bounded_and_linked() -> None:
    # one cell, x0 = 7; extra t with t - x0 <= 0 and t <= 3: maximising t gives 3, not 7
    component = _component(Rows.of([0], [0], [1.0], 1), [7.0], [7.0])
    link = Rows.of([0, 0], [0, 1], [-1.0, 1.0], 1)
    with quiet_solver():
        point = _solve(component, np.array([0.0, -1.0]), 0, (link, np.zeros(1)), np.array([3.0]))
    assert point.tolist() == [7.0, 3.0]


def test_a_component_without_a_whole_point_has_none() -> None:
    # x0 + x1 = 1 with both at least 1: nothing fits; 2 * x0 = 3: no whole number fits
    with quiet_solver():
        assert _solve(_component(Rows.of([0, 0], [0, 1], [1.0, 1.0], 1), [1.0], [1.0, 1.0]),
                      np.zeros(2), floor=1) is None  # fmt: skip
        assert _solve(_component(Rows.of([0], [0], [2.0], 1), [3.0], [1.5]),
                      np.zeros(1), floor=0) is None  # fmt: skip


def test_suppression_imports_no_scipy_and_writes_nothing_to_the_console() -> None:
    printed = run_fresh(
        "import sys\n"
        "from pipeline.publication.disclosure import Relation, suppress\n"
        "from schemas.vocabulary import PUBLISHED\n"
        "values = {'a': 1, 'b': 2, 'c': 30, 'totaal': 33}\n"
        "statuses = suppress(values, [Relation('totaal', ('a', 'b', 'c'))], 5)\n"
        "print(*sorted(cell for cell, status in statuses.items() if status != PUBLISHED))\n"
        "print('scipy' in sys.modules)\n"
    )
    # a and b are below 5; their sum, 3, would follow from the total and c: one more is hidden
    assert printed[:2] == ["a", "b"]
    assert printed[2:] in (["c", "False"], ["totaal", "False"])
