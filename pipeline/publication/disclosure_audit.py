"""The integer attacker of disclosure control: how far can each hidden cell be pinned down?

The attacker knows every published cell, every relation between cells (additive totals and
inequalities between linked tables) and that every hidden cell is a whole number of at least
`floor` (1 when zeros are always published: a hidden cell is then known not to be 0). For each
hidden cell it asks a mixed-integer program (HiGHS, through its makers' Python package `highspy`)
for the smallest and largest value consistent with all of that. A cell is protected when that
interval is at least k wide (CBS practice: upper and lower protection), which also means no
hidden cell is exact and none is pinned inside [1, k-1].

Most cells are settled by a few feasible points found for many cells at once; only the cells
still open get their own exact minimum and maximum.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

Key = Hashable
_EPS = 1e-6
_BATCH_ROUNDS = 30
_BATCH_GAIN = 3  # a batch round (two programs) must settle this many cells to go on


@dataclass(frozen=True)
class Constraint:
    """`sum(coef * cell) == 0` (equality) or `<= 0` over cells, published and hidden alike."""

    terms: tuple[tuple[Key, float], ...]
    equality: bool


@dataclass(frozen=True)
class Rows:
    """Rows of a sparse matrix: its non-zero entries (row, column, value) in row order,
    duplicates summed."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    count: int  # rows, also those without an entry

    @classmethod
    def of(cls, rows: Sequence[int] | np.ndarray, columns: Sequence[int] | np.ndarray,
           values: Sequence[float] | np.ndarray, count: int) -> Rows:  # fmt: skip
        """The entries given, in row order, an entry given twice summed (as scipy's csr_matrix
        did)."""
        rows_, columns_ = np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)
        values_ = np.asarray(values, dtype=float)
        if not len(rows_):
            return cls(rows_, columns_, values_, count)
        width = int(columns_.max()) + 1
        keys, where = np.unique(rows_ * width + columns_, return_inverse=True)
        return cls(keys // width, keys % width, np.bincount(where, weights=values_), count)


@dataclass
class Component:
    """Hidden cells tied together by constraints, as matrices over those cells only."""

    cells: list[Key]
    a_eq: Rows
    b_eq: np.ndarray
    a_ub: Rows
    b_ub: np.ndarray
    truth: np.ndarray
    cap: float


def components(
    values: Mapping[Key, int], hidden: Sequence[Key], constraints: Sequence[Constraint]
) -> list[Component]:
    """Group the hidden cells by the constraints that connect them (union-find) and move the
    published cells of each constraint to its right-hand side."""
    parent = {cell: cell for cell in hidden}

    def find(cell: Key) -> Key:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    touching: list[Constraint] = []
    for constraint in constraints:
        cells = [cell for cell, _ in constraint.terms if cell in parent]
        if cells:
            touching.append(constraint)
            for cell in cells[1:]:
                parent[find(cell)] = find(cells[0])
    groups: dict[Key, list[Key]] = {}
    for cell in hidden:
        groups.setdefault(find(cell), []).append(cell)
    by_root: dict[Key, list[Constraint]] = {}
    for constraint in touching:
        first = next(cell for cell, _ in constraint.terms if cell in parent)
        by_root.setdefault(find(first), []).append(constraint)
    return [_component(values, cells, by_root.get(root, [])) for root, cells in groups.items()]


def _component(
    values: Mapping[Key, int], cells: list[Key], constraints: list[Constraint]
) -> Component:
    position = {cell: i for i, cell in enumerate(cells)}
    parts: dict[bool, tuple[list[int], list[int], list[float], list[float]]] = {
        True: ([], [], [], []),
        False: ([], [], [], []),
    }
    for constraint in constraints:
        rows, columns, data, rhs = parts[constraint.equality]
        row, right = len(rhs), 0.0
        for cell, coefficient in constraint.terms:
            if cell in position:
                rows.append(row)
                columns.append(position[cell])
                data.append(coefficient)
            else:
                right -= coefficient * values[cell]
        rhs.append(right)
    matrices = {
        equality: Rows.of(rows, columns, data, len(rhs))
        for equality, (rows, columns, data, rhs) in parts.items()
    }
    b_eq, b_ub = np.array(parts[True][3]), np.array(parts[False][3])
    truth = np.array([values[cell] for cell in cells], dtype=float)
    cap = float(np.abs(b_eq).sum() + np.abs(b_ub).sum() + truth.sum() + 10 * (len(cells) + 10))
    return Component(cells, matrices[True], b_eq, matrices[False], b_ub, truth, cap)


def intervals(
    component: Component, k: int, floor: int, seen: Mapping[Key, tuple[float, float]]
) -> tuple[np.ndarray, np.ndarray]:
    """Feasible [lo, hi] of every cell, exact where narrower than k (else wide enough).

    `seen` holds intervals found before for some cells: hiding more cells only widens them.
    """
    n = len(component.cells)
    known = [
        seen.get(cell, (t, t)) for cell, t in zip(component.cells, component.truth, strict=True)
    ]
    lo = np.array([min(a, t) for (a, _), t in zip(known, component.truth, strict=True)])
    hi = np.array([max(b, t) for (_, b), t in zip(known, component.truth, strict=True)])
    for _ in range(_BATCH_ROUNDS):
        open_ = np.flatnonzero(hi - lo < k - _EPS)
        if not len(open_):
            return lo, hi
        before = len(open_)
        _widen_batch(component, open_, lo, hi, k, floor, up=True)
        _widen_batch(component, np.flatnonzero(hi - lo < k - _EPS), lo, hi, k, floor, up=False)
        if before - int((hi - lo < k - _EPS).sum()) < _BATCH_GAIN:
            break  # the rest is cheaper cell by cell
    for i in range(n):
        for sign in (-1.0, 1.0):  # maximise, then minimise
            if hi[i] - lo[i] < k - _EPS:
                objective = np.zeros(n)
                objective[i] = sign
                point = _solve(component, objective, floor)
                if point is not None:
                    np.minimum(lo, point, out=lo)
                    np.maximum(hi, point, out=hi)
    return lo, hi


def _widen_batch(
    component: Component, open_: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: int, floor: int,
    up: bool,
) -> None:  # fmt: skip
    """One program for many cells: push each open cell k above its lowest value seen (up) or k
    below its highest (down), as many as possible; widen [lo, hi] with the point found."""
    n, m = len(component.cells), len(open_)
    if not m:
        return
    # extra variables t_j, maximise their sum: up t_j <= x_j with t_j <= lo_j + k (t_j is
    # min(x_j, lo_j + k)); down t_j <= cap - x_j with t_j <= cap - hi_j + k. A cell that reaches
    # its goal has moved k away from the other end of what was seen; none is forced to move.
    sign = -1.0 if up else 1.0
    rows = np.concatenate([np.arange(m), np.arange(m)])
    columns = np.concatenate([open_, n + np.arange(m)])
    data = np.concatenate([np.full(m, sign), np.ones(m)])
    link = Rows.of(rows, columns, data, m)
    limit = np.zeros(m) if up else np.full(m, component.cap)
    goal = lo[open_] + k if up else component.cap - hi[open_] + k
    objective = np.concatenate([np.zeros(n), -np.ones(m)])
    point = _solve(component, objective, floor, (link, limit), goal)
    if point is not None:
        np.minimum(lo, point[:n], out=lo)
        np.maximum(hi, point[:n], out=hi)


@contextlib.contextmanager
def quiet_solver() -> Iterator[None]:
    """Silence what HiGHS writes to file descriptor 1 itself (a debug line of its MIP solver
    that `disp=False` does not reach), so the operator's console shows only the run's output."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real stdout (e.g. captured): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _solve(
    component: Component, objective: np.ndarray, floor: int,
    extra: tuple[Rows, np.ndarray] | None = None,
    extra_upper: np.ndarray | None = None,
) -> np.ndarray | None:  # fmt: skip
    """An optimal integer point of the component (None if the solver finds none): the cells
    whole numbers from `floor` to the component's cap, `extra_upper` bounding the continuous
    variables `extra` adds after them. What scipy's `milp` asked HiGHS, without scipy (~0.4 s of
    import in the run that builds the report)."""
    n = len(component.cells)
    m = 0 if extra_upper is None else len(extra_upper)
    below = -highspy.kHighsInf  # a row bounded above only
    blocks = [(component.a_eq, component.b_eq, component.b_eq),
              (component.a_ub, np.full(component.a_ub.count, below), component.b_ub)]  # fmt: skip
    if extra is not None:
        blocks.append((extra[0], np.full(extra[0].count, below), extra[1]))
    offsets = np.cumsum([0] + [block.count for block, _, _ in blocks])
    firsts = offsets[:-1]  # each block's first row; each block's entries are in row order
    rows = np.concatenate([b.rows + first for (b, _, _), first in zip(blocks, firsts, strict=True)])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + m, int(offsets[-1])
    lp.col_cost_ = np.asarray(objective, dtype=float)
    lp.col_lower_ = np.concatenate([np.full(n, float(floor)), np.zeros(m)])
    lp.col_upper_ = np.concatenate([np.full(n, component.cap), extra_upper if m else np.zeros(0)])
    lp.row_lower_ = np.concatenate([np.asarray(lower, dtype=float) for _, lower, _ in blocks])
    lp.row_upper_ = np.concatenate([np.asarray(upper, dtype=float) for _, _, upper in blocks])
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [highspy.HighsVarType.kContinuous] * m
    matrix = lp.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kRowwise
    matrix.num_col_, matrix.num_row_ = lp.num_col_, lp.num_row_
    matrix.start_ = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=lp.num_row_))])
    matrix.index_ = np.concatenate([block.columns for block, _, _ in blocks])
    matrix.value_ = np.concatenate([block.values for block, _, _ in blocks])
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    # one thread, as scipy's HiGHS (1.12) ran: HiGHS's own default (1.16) took ~1.7x the CPU for
    # ~0.9x the time (six realistic tables); the report's programs run beside the night's workers
    solver.setOptionValue("threads", 1)
    if solver.passModel(lp) == highspy.HighsStatus.kError:
        raise ValueError(f"HiGHS refuses the program of {n} hidden cells")
    solver.run()
    if not _found(solver):
        return None
    return np.round(np.asarray(solver.getSolution().col_value[: n + m]), 6)


def _found(solver: highspy.Highs) -> bool:
    """Whether the solver holds a solution, as scipy's `milp` returned one: optimal, or a limit
    reached with a feasible point (no limit is set here)."""
    status = solver.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return True
    limits = (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kIterationLimit,
              highspy.HighsModelStatus.kSolutionLimit)  # fmt: skip
    return status in limits and solver.getInfo().objective_function_value != highspy.kHighsInf
