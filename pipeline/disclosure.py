"""Statistical disclosure control for published counts: primary and secondary suppression.

The model is small and general: cells are hashable keys with non-negative integer values, and
the published tables are tied together by additive relations `total = sum(parts)`. Everything an
attacker can combine (all tables, all levels of a hierarchy, quarters and years) goes into one
call of `suppress`, so a cell hidden in one table cannot be recovered through another.

Rules:
- primary: a count from 1 to k-1 is never published (0 may be);
- secondary: every relation with a hidden cell has at least two hidden cells (counting the
  total), and when its total is published and a part is primary, its hidden parts sum to at
  least k (else they bound that part below k); the complement is the published cell with the
  smallest value >= k, preferring non-totals and cells that close other relations, iterated
  to a fixed point;
- exact audit: for every hidden cell an LP (HiGHS) minimises and maximises it subject to the
  relations, the published values and non-negativity. A hidden cell is recovered when its
  feasible interval holds a single integer; a primary cell is pinned when its feasible maximum
  is below k (the upper protection interval: an attacker must not learn that a count is small).
  Every finding gets one more suppression in one of its relations, until the audit is clean.

The attacker modelled is the LP relaxation with integer rounding of the bounds; a full integer
program could in rare cases narrow an interval further. The attacker is not told which hidden
cells are primary: a published status that distinguishes 'primair' from 'secundair' tells
that a cell is below k, so public outputs should show one mark for both.

Rates: a rate numerator/denominator reveals its counts. For a table of rates, put numerators,
denominators and rests (denominator - numerator) as cells into `suppress`, with the relation
denominator = numerator + rest and the area/time relations of each, and publish a rate only
where numerator and denominator are published; `protect_rate` is the rule for one rate.

For long-format frames, `cells_for_frame` and `relations_for_frame` build the model: a key is
(value column, (dimension, code) pairs sorted by dimension), where a dimension at its grand
total code (`totals`, e.g. {"zwaarste_gedragstype": "totaal"}) is left out, so the same
quantity in two tables has the same key. `apply_statuses` writes the result back onto a frame.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from schemas.errors import PipelineError

Key = Hashable
CellStatus = Literal["gepubliceerd", "primair", "secundair"]
Hierarchy = Mapping[str, Sequence[str]]  # total code -> part codes; several levels allowed

PUBLISHED: CellStatus = "gepubliceerd"
PRIMARY: CellStatus = "primair"
SECONDARY: CellStatus = "secundair"
DEFAULT_K = 5
_EPS = 1e-6
_BATCH_ROUNDS = 30
_BATCH_GAIN = 4  # a batch round (two LPs) must settle this many cells to go on


class DisclosureError(PipelineError, ValueError):
    """A table handed to disclosure control is inconsistent or cannot be protected."""


@dataclass(frozen=True)
class Relation:
    """An additive relation between cells: `total` equals the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        """The total followed by its parts."""
        return (self.total, *self.parts)


@dataclass
class _Model:
    """Suppression state: which cells are hidden and how many per relation."""

    values: Mapping[Key, int]
    relations: Sequence[Relation]
    k: int
    by_cell: dict[Key, list[int]]
    totals: set[Key]
    hidden: dict[Key, CellStatus] = field(default_factory=dict)
    n_hidden: list[int] = field(default_factory=list)
    seen: dict[Key, tuple[float, float]] = field(default_factory=dict)  # feasible lo, hi


def suppress(
    values: Mapping[Key, int], relations: Sequence[Relation], k: int = DEFAULT_K
) -> dict[Key, CellStatus]:
    """Return the status of every cell after primary and secondary suppression (audited)."""
    model = _build_model(values, relations, k)
    for cell, value in values.items():
        if 0 < value < k:
            _hide(model, cell, PRIMARY)
    _close_relations(model, range(len(relations)))
    while problems := _audit_model(model):
        changed: set[int] = set()
        for cell in problems:  # one fix per relation and round: one fix often settles several
            if not changed.isdisjoint(model.by_cell[cell]):
                continue
            if (complement := _complement_for(model, cell)) is not None:
                touched = _hide(model, complement, SECONDARY)
                changed.update(touched)
                _close_relations(model, touched)
        if not changed:
            raise DisclosureError(
                f"cells {problems}: no published cell left to hide to protect them"
            )
    return {cell: model.hidden.get(cell, PUBLISHED) for cell in values}


def audit(
    values: Mapping[Key, int],
    statuses: Mapping[Key, CellStatus],
    relations: Sequence[Relation],
    k: int | None = None,
) -> list[Key]:
    """Return the hidden cells an attacker can recover exactly from the published cells.

    With `k`, also return the primary cells whose feasible maximum stays below k.
    """
    model = _build_model(values, relations, k or 1)
    for cell, status in statuses.items():
        if status != PUBLISHED:
            _hide(model, cell, status if k else SECONDARY)
    return _audit_model(model)


def protect_rate(
    numerator: int,
    denominator: int,
    k: int = DEFAULT_K,
    *,
    numerator_status: CellStatus = PUBLISHED,
    denominator_status: CellStatus = PUBLISHED,
) -> CellStatus:
    """Return the status of the rate numerator/denominator.

    Primary when the numerator or the rest (denominator - numerator) is from 1 to k-1; secondary
    when the numerator or denominator count is hidden elsewhere (the rate would reveal it). To
    protect a whole table of rates against differencing, put numerators, denominators and rests
    in `suppress` (relation denominator = numerator + rest) and pass the statuses found here.
    """
    if not 0 <= numerator <= denominator:
        raise DisclosureError(
            f"rate {numerator}/{denominator}: expected 0 <= numerator <= denominator"
        )
    if 0 < numerator < k or 0 < denominator - numerator < k:
        return PRIMARY
    if numerator_status != PUBLISHED or denominator_status != PUBLISHED:
        return SECONDARY
    return PUBLISHED


# --- long-format frames -------------------------------------------------------------------


def cell_key(
    codes: Mapping[str, object], dims: Iterable[str], value: str, totals: Mapping[str, str]
) -> tuple[object, ...]:
    """The key of one row: the value column, then (dimension, code) pairs except grand totals."""
    pairs = ((dim, str(codes[dim])) for dim in sorted(dims))
    return (value, *(pair for pair in pairs if pair[1] != totals.get(pair[0])))


def cells_for_frame(
    frame: pd.DataFrame, dims: Iterable[str], value: str, totals: Mapping[str, str] | None = None
) -> dict[Key, int]:
    """Return the cells of a long-format frame (one row per cell) keyed by `cell_key`."""
    dims = list(dims)
    cells: dict[Key, int] = {}
    for row in frame[[*dims, value]].to_dict("records"):
        key = cell_key(row, dims, value, totals or {})
        count = row[value]
        if key in cells or pd.isna(count) or count < 0 or count != int(count):
            raise DisclosureError(
                f"cell {key}: value {count!r} is a duplicate, missing or not a count"
            )
        cells[key] = int(count)
    return cells


def relations_for_frame(
    frame: pd.DataFrame,
    dims: Mapping[str, Hierarchy],
    value: str,
    additive: Set[str],
    totals: Mapping[str, str] | None = None,
) -> list[Relation]:
    """Return the additive relations of a long-format frame.

    `dims` maps every dimension column to its hierarchy (total code -> part codes; {} for a
    dimension without one); only the dimensions in `additive` get relations (not gedragstype,
    where one incident can carry several types). A part absent from the frame is a structural
    zero and left out; a total absent from the frame, or a zero total without parts, gives no
    relation.
    """
    columns = list(dims)
    records = frame[[*columns, value]].to_numpy()
    present = {tuple(str(code) for code in row[:-1]): row[-1] for row in records}
    relations: list[Relation] = []
    for dim in sorted(additive):
        position = columns.index(dim)
        others = {row[:position] + row[position + 1 :] for row in present}
        for other in sorted(others):
            for total, parts in dims[dim].items():
                row = (*other[:position], str(total), *other[position:])
                if row not in present:
                    continue
                part_rows = ((*other[:position], str(p), *other[position:]) for p in parts)
                keys = [_row_key(r, columns, value, totals) for r in part_rows if r in present]
                if keys or present[row] != 0:  # a zero without parts is no relation
                    relations.append(Relation(_row_key(row, columns, value, totals), tuple(keys)))
    return relations


def apply_statuses(
    frame: pd.DataFrame,
    statuses: Mapping[Key, CellStatus],
    dims: Iterable[str],
    value: str,
    totals: Mapping[str, str] | None = None,
    status_column: str | None = None,
) -> pd.DataFrame:
    """Return a copy of the frame with hidden values missing and a status column added."""
    dims = list(dims)
    keys = [cell_key(row, dims, value, totals or {}) for row in frame[dims].to_dict("records")]
    status = pd.Series([statuses[key] for key in keys], index=frame.index, dtype="string")
    result = frame.copy()
    result[value] = result[value].astype("Int64").mask(status != PUBLISHED)
    result[status_column or f"{value}_status"] = status
    return result


def _row_key(
    row: tuple[str, ...], columns: list[str], value: str, totals: Mapping[str, str] | None
) -> tuple[object, ...]:
    """`cell_key` of a tuple of codes in column order."""
    return cell_key(dict(zip(columns, row, strict=True)), columns, value, totals or {})


# --- heuristic -----------------------------------------------------------------------------


def _build_model(values: Mapping[Key, int], relations: Sequence[Relation], k: int) -> _Model:
    """Check the input and index the relations by cell."""
    if k < 1:
        raise DisclosureError(f"k = {k}: expected a minimum cell count of at least 1")
    for cell, count in values.items():
        if count < 0 or count != int(count):
            raise DisclosureError(f"cell {cell}: value {count!r}, expected a count >= 0")
    by_cell: dict[Key, list[int]] = {}
    for index, relation in enumerate(relations):
        missing = [cell for cell in relation.cells if cell not in values]
        if missing:
            raise DisclosureError(f"relation {relation}: cells without a value {missing}")
        if values[relation.total] != sum(values[part] for part in relation.parts):
            raise DisclosureError(f"relation {relation}: the total is not the sum of the parts")
        for cell in dict.fromkeys(relation.cells):
            by_cell.setdefault(cell, []).append(index)
    totals = {relation.total for relation in relations}
    return _Model(values, relations, k, by_cell, totals, {}, [0] * len(relations))


def _hide(model: _Model, cell: Key, status: CellStatus) -> list[int]:
    """Hide a cell; return the relations it is in."""
    if cell in model.hidden:
        return []
    model.hidden[cell] = status
    touched = model.by_cell.get(cell, [])
    for index in touched:
        model.n_hidden[index] += 1
    return touched


def _needs_complement(model: _Model, index: int) -> bool:
    """Whether a relation reveals a hidden cell or bounds a primary part below k on its own.

    With the total published, the hidden parts sum to a known amount, which bounds each of them.
    """
    if model.n_hidden[index] != 1 and model.relations[index].total not in model.hidden:
        hidden = [part for part in model.relations[index].parts if part in model.hidden]
        primary = any(model.hidden[part] == PRIMARY for part in hidden)
        return primary and sum(model.values[part] for part in hidden) < model.k
    return model.n_hidden[index] == 1


def _close_relations(model: _Model, queue: Iterable[int]) -> None:
    """Give every relation that needs one another hidden cell, to a fixed point."""
    pending = deque(queue)
    while pending:
        index = pending.popleft()
        if not _needs_complement(model, index):
            continue
        cell = _best_candidate(model, [index])
        if cell is not None:
            pending.extend(_hide(model, cell, SECONDARY))


def _best_candidate(model: _Model, indices: Iterable[int]) -> Key | None:
    """The published cell of these relations that is cheapest to hide as a complement.

    Zeros are never complements: a hidden zero is often pinned by non-negativity, and hiding
    every non-zero cell tied to a cell always protects it, so a non-zero candidate exists.
    """
    best: Key | None = None
    best_score: tuple[int, bool, int] | None = None
    for index in indices:
        for cell in model.relations[index].cells:
            value = model.values[cell]
            if cell in model.hidden or value == 0:
                continue
            closes = sum(
                1 for other in model.by_cell[cell] if other != index and model.n_hidden[other] == 1
            )
            score = (-closes, cell in model.totals, value)
            if best_score is None or score < best_score:
                best, best_score = cell, score
    return best


def _complement_for(model: _Model, cell: Key) -> Key | None:
    """A published cell to hide so that the audit finding `cell` can be protected, if any."""
    indices = set(model.by_cell[cell])
    while (candidate := _best_candidate(model, sorted(indices))) is None:
        around = {i for other in _cells_of(model, indices) for i in model.by_cell[other]}
        if around == indices:  # all non-zero cells tied to it are hidden: protected next round
            return None
        indices = around  # look one relation further
    return candidate


def _cells_of(model: _Model, indices: Iterable[int]) -> set[Key]:
    """All cells of these relations."""
    return {cell for index in indices for cell in model.relations[index].cells}


# --- audit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Component:
    """One connected group of hidden cells as an LP: a_eq @ x = b_eq, 0 <= x <= cap."""

    cells: list[Key]
    a_eq: sparse.csr_matrix
    b_eq: np.ndarray
    truth: np.ndarray
    primary: np.ndarray
    cap: float


def _audit_model(model: _Model) -> list[Key]:
    """Hidden cells recovered or primary cells pinned below k, component by component.

    Feasible intervals seen are kept in the model: hiding more cells only enlarges the feasible
    set, so a cell once settled stays settled and later rounds re-examine open cells only.
    """
    problems: list[Key] = []
    for cells, indices in _components(model):
        if not indices:
            continue  # a hidden cell in no relation cannot be recovered
        lp = _component_lp(model, cells, indices)
        seen = [model.seen.get(cell, (model.values[cell],) * 2) for cell in cells]
        lo, hi = (np.array(bound, dtype=float) for bound in zip(*seen, strict=True))
        if not np.logical_or(*_open_cells(lp, lo, hi, model.k)).any():
            continue
        problems.extend(_audit_component(lp, model.k, lo, hi))
        model.seen.update(zip(cells, zip(lo.tolist(), hi.tolist(), strict=True), strict=True))
    return problems


def _components(model: _Model) -> list[tuple[list[Key], list[int]]]:
    """Hidden cells grouped by the relations that connect them (union-find)."""
    parent = {cell: cell for cell in model.hidden}

    def find(cell: Key) -> Key:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    linking = [i for i, count in enumerate(model.n_hidden) if count]
    for index in linking:
        hidden = [cell for cell in model.relations[index].cells if cell in parent]
        for cell in hidden[1:]:
            parent[find(cell)] = find(hidden[0])
    groups: dict[Key, tuple[list[Key], list[int]]] = {}
    for cell in model.hidden:
        groups.setdefault(find(cell), ([], []))[0].append(cell)
    for index in linking:
        first = next(cell for cell in model.relations[index].cells if cell in parent)
        groups[find(first)][1].append(index)
    return list(groups.values())


def _component_lp(model: _Model, cells: list[Key], indices: list[int]) -> _Component:
    """The equality system of one component, published cells moved to the right-hand side."""
    position = {cell: i for i, cell in enumerate(cells)}
    rows: list[int] = []
    columns: list[int] = []
    data: list[float] = []
    rhs = np.zeros(len(indices))
    for row, index in enumerate(indices):
        relation = model.relations[index]
        for cell, sign in ((relation.total, 1.0), *((part, -1.0) for part in relation.parts)):
            if cell in position:
                rows.append(row)
                columns.append(position[cell])
                data.append(sign)
            else:
                rhs[row] -= sign * model.values[cell]
    a_eq = sparse.csr_matrix((data, (rows, columns)), shape=(len(indices), len(cells)))
    truth = np.array([model.values[cell] for cell in cells], dtype=float)
    primary = np.array([model.hidden[cell] == PRIMARY for cell in cells])
    # the cap keeps LPs bounded; k * (1 + sum) lets a scaled copy of the truth reach k anywhere
    cap = float(model.k * (1 + sum(model.values[cell] for cell in _cells_of(model, indices))))
    return _Component(cells, a_eq, rhs, truth, primary, cap)


def _audit_component(lp: _Component, k: int, lo: np.ndarray, hi: np.ndarray) -> list[Key]:
    """Certify each hidden cell with feasible points; solve per-cell LPs only where needed.

    Any feasible point widens the observed interval [lo, hi] of every cell at once: batch LPs
    (as many open cells as possible one above their value or at k, then one below) settle most
    cells, and a cell still open is settled by its own minimum and maximum, which are exact.
    Widens lo and hi in place.
    """
    for _ in range(_BATCH_ROUNDS):
        spread, low = _open_cells(lp, lo, hi, k)
        before = int((spread | low).sum())
        if not before:
            return []
        goal = np.maximum(lp.truth + 1, np.where(lp.primary, k, 0))
        _widen_batch(lp, np.flatnonzero(spread | low), goal, lo, hi)
        down = np.flatnonzero(np.logical_or(*_open_cells(lp, lo, hi, k)) & (lp.truth >= 1))
        _widen_batch(lp, down, None, lo, hi)
        if int(np.logical_or(*_open_cells(lp, lo, hi, k)).sum()) > before - _BATCH_GAIN:
            break  # per-cell LPs are cheaper now
    for i in range(len(lp.cells)):
        for sign in (-1.0, 1.0):
            if _is_open(lp, lo, hi, k, i):
                _widen(lp, sign * (np.arange(len(lp.cells)) == i), lo, hi)
    spread, low = _open_cells(lp, lo, hi, k)
    return [cell for cell, bad in zip(lp.cells, spread | low, strict=True) if bad]


def _open_cells(lp: _Component, lo: np.ndarray, hi: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    """Cells whose interval holds one integer, and primary cells not yet seen at k or more."""
    spread = np.floor(hi + _EPS) - np.ceil(lo - _EPS) < 1
    low = lp.primary & (hi < k - _EPS)
    return spread, low


def _is_open(lp: _Component, lo: np.ndarray, hi: np.ndarray, k: int, i: int) -> bool:
    """Whether cell i is still open (see `_open_cells`)."""
    if math.floor(hi[i] + _EPS) - math.ceil(lo[i] - _EPS) < 1:
        return True
    return bool(lp.primary[i] and hi[i] < k - _EPS)


def _widen_batch(
    lp: _Component, open_: np.ndarray, goal: np.ndarray | None, lo: np.ndarray, hi: np.ndarray
) -> None:
    """Reach as many goals as possible at once: x >= goal (up) or x <= value - 1 (goal None).

    Each open cell j gets an extra variable t_j in [0, goal_j] with t_j <= x_j (up), or in
    [0, 1] with t_j + x_j <= value_j (down); the LP maximises the sum of the t_j.
    """
    n, m = len(lp.cells), len(open_)
    if not m:
        return
    sign, b_ub = (-1.0, np.zeros(m)) if goal is not None else (1.0, lp.truth[open_])
    rows = np.concatenate([np.arange(m), np.arange(m)])
    columns = np.concatenate([open_, n + np.arange(m)])
    data = np.concatenate([np.full(m, sign), np.ones(m)])
    a_ub = sparse.csr_matrix((data, (rows, columns)), shape=(m, n + m))
    a_eq = sparse.hstack([lp.a_eq, sparse.csr_matrix((lp.a_eq.shape[0], m))], format="csr")
    upper = goal[open_] if goal is not None else np.ones(m)
    bounds = [(0.0, lp.cap)] * n + [(0.0, float(u)) for u in upper]
    objective = np.concatenate([np.zeros(n), -np.ones(m)])
    result = linprog(
        objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=lp.b_eq, bounds=bounds, method="highs"
    )
    if result.status == 0:
        np.minimum(lo, result.x[:n], out=lo)
        np.maximum(hi, result.x[:n], out=hi)


def _widen(lp: _Component, objective: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """Minimise the objective and widen [lo, hi] with the optimal point (in place)."""
    result = linprog(objective, A_eq=lp.a_eq, b_eq=lp.b_eq, bounds=(0, lp.cap), method="highs")
    if result.status == 0 and math.isfinite(result.fun):
        np.minimum(lo, result.x, out=lo)
        np.maximum(hi, result.x, out=hi)
