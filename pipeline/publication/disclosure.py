"""Statistical disclosure control for published counts: primary and secondary suppression.

The model is small and general: cells are hashable keys with non-negative integer values, tied
together by additive relations `total = sum(parts)` and by inequalities `sum(smaller) <=
sum(larger)` (linked tables: incidents of a gedragstype never outnumber all incidents).
Everything an attacker can combine goes into one call of `suppress`, so a cell hidden in one
table cannot be recovered through another.

Rules:
- primary: a count from 1 to k-1 is never published. Zeros are always published and never
  hidden, so an attacker knows every hidden cell is at least 1; the audit uses that;
- secondary: every relation with a hidden cell has at least two hidden cells, and when its total
  is published the hidden parts leave each of them at least k of room (their sum minus their
  number is at least k); the complement is the published non-zero cell with the smallest value,
  preferring non-totals and cells that close other relations;
- audit (`pipeline/publication/disclosure_audit.py`): an integer program asks, for every hidden cell, the
  smallest and largest value consistent with the published cells, all relations and
  inequalities and hidden >= 1. Every hidden cell must keep an interval at least k wide
  (upper and lower protection, CBS practice): none is exact, none pinned inside [1, k-1]. A cell
  that fails gets one more complement in one of its relations, until the audit is clean.

The attacker is not told which hidden cells are primary: public outputs show one mark for both.

Rates: publish a rate's numerator and denominator counts with it, and put numerator,
denominator and rest (denominator - numerator) into `suppress` with the relation denominator =
numerator + rest; a rate is published only where both its counts are.

`pipeline/publication/disclosure_tables.py` builds the problem of a publication.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.publication.disclosure_audit import (
    Constraint,
    components,
    intervals,
    quiet_solver,
)
from schemas.errors import PipelineError
from schemas.vocabulary import PRIMARY, PUBLISHED, SECONDARY

Key = Hashable
CellStatus = str  # PUBLISHED, PRIMARY or SECONDARY (schemas.vocabulary)
DEFAULT_K = 5
HIDDEN_FLOOR = 1  # zeros are published, so a hidden cell is known to be at least 1


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


@dataclass(frozen=True)
class Bound:
    """An inequality an outsider knows: `sum(smaller) <= sum(larger)`."""

    smaller: tuple[Key, ...]
    larger: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        """The cells on both sides."""
        return (*self.smaller, *self.larger)


@dataclass
class _Model:
    """Suppression state: which cells are hidden and how many per relation."""

    values: Mapping[Key, int]
    relations: Sequence[Relation]
    bounds: Sequence[Bound]
    k: int
    by_cell: dict[Key, list[int]]  # relation indices, then len(relations) + bound index
    totals: set[Key]
    constraints: list[Constraint]
    hidden: dict[Key, CellStatus] = field(default_factory=dict)
    n_hidden: list[int] = field(default_factory=list)
    seen: dict[Key, tuple[float, float]] = field(default_factory=dict)  # feasible lo, hi


def suppress(
    values: Mapping[Key, int],
    relations: Sequence[Relation],
    k: int = DEFAULT_K,
    bounds: Sequence[Bound] = (),
) -> dict[Key, CellStatus]:
    """Return the status of every cell after primary and secondary suppression (audited)."""
    model = _build_model(values, relations, bounds, k)
    for cell, value in values.items():
        if 0 < value < k:
            _hide(model, cell, PRIMARY)
    _close_relations(model, range(len(relations)))
    while problems := _audit_model(model):
        changed: set[int] = set()
        for cell in problems:  # one fix per relation and round: one fix often settles several
            if not changed.isdisjoint(model.by_cell.get(cell, [])):
                continue
            if (complement := _complement_for(model, cell)) is not None:
                touched = _hide(model, complement, SECONDARY)
                changed.update(touched)
                _close_relations(model, [i for i in touched if i < len(relations)])
        if not changed:
            raise DisclosureError(
                f"cells {problems}: no published cell left to hide to protect them"
            )
    return {cell: model.hidden.get(cell, PUBLISHED) for cell in values}


def audit(
    values: Mapping[Key, int],
    statuses: Mapping[Key, CellStatus],
    relations: Sequence[Relation],
    k: int,
    bounds: Sequence[Bound] = (),
) -> list[Key]:
    """Return the hidden cells whose feasible interval is narrower than k."""
    model = _build_model(values, relations, bounds, k)
    for cell, status in statuses.items():
        if status != PUBLISHED:
            _hide(model, cell, status)
    return _audit_model(model)


# --- heuristic -----------------------------------------------------------------------------


def _build_model(
    values: Mapping[Key, int], relations: Sequence[Relation], bounds: Sequence[Bound], k: int
) -> _Model:
    """Check the input (the true values satisfy every relation and bound) and index it."""
    if k < 1:
        raise DisclosureError(f"k = {k}: expected a minimum cell count of at least 1")
    for cell, count in values.items():
        if count < 0 or count != int(count):
            raise DisclosureError(f"cell {cell}: value {count!r}, expected a count >= 0")
    by_cell: dict[Key, list[int]] = {}
    constraints: list[Constraint] = []
    items: list[Relation | Bound] = [*relations, *bounds]
    for index, item in enumerate(items):
        missing = [cell for cell in item.cells if cell not in values]
        if missing:
            raise DisclosureError(f"{item}: cells without a value {missing}")
        if isinstance(item, Relation):
            if values[item.total] != sum(values[part] for part in item.parts):
                raise DisclosureError(f"relation {item}: the total is not the sum of the parts")
            terms: tuple[tuple[Key, float], ...] = (
                (item.total, 1.0), *((part, -1.0) for part in item.parts))  # fmt: skip
        else:
            if sum(values[c] for c in item.smaller) > sum(values[c] for c in item.larger):
                raise DisclosureError(f"bound {item}: does not hold for the true values")
            terms = (*((c, 1.0) for c in item.smaller), *((c, -1.0) for c in item.larger))
        merged: dict[Key, float] = {}
        for cell, coefficient in terms:
            merged[cell] = merged.get(cell, 0.0) + coefficient
        constraints.append(Constraint(tuple(merged.items()), isinstance(item, Relation)))
        for cell in dict.fromkeys(item.cells):
            by_cell.setdefault(cell, []).append(index)
    totals = {relation.total for relation in relations}
    return _Model(values, relations, bounds, k, by_cell, totals, constraints, {},
                  [0] * (len(relations) + len(bounds)))  # fmt: skip


def _cells(model: _Model, index: int) -> tuple[Key, ...]:
    """The cells of relation or bound `index`."""
    if index < len(model.relations):
        return model.relations[index].cells
    return model.bounds[index - len(model.relations)].cells


def _hide(model: _Model, cell: Key, status: CellStatus) -> list[int]:
    """Hide a cell; return the relations and bounds it is in."""
    if cell in model.hidden:
        return []
    model.hidden[cell] = status
    touched = model.by_cell.get(cell, [])
    for index in touched:
        model.n_hidden[index] += 1
    return touched


def _needs_complement(model: _Model, index: int) -> bool:
    """Whether a relation reveals a hidden cell or leaves one less than k of room on its own.

    With the total published, the hidden parts sum to a known amount S; each is at least 1, so
    each lies in [1, S - (m - 1)] for m hidden parts: a width of S - m.
    """
    relation = model.relations[index]
    if model.n_hidden[index] == 1:
        return True
    if model.n_hidden[index] == 0 or relation.total in model.hidden:
        return False
    hidden = [part for part in relation.parts if part in model.hidden]
    room = sum(model.values[part] for part in hidden) - len(hidden) * HIDDEN_FLOOR
    return room < model.k


def _close_relations(model: _Model, queue: Iterable[int]) -> None:
    """Give every relation that needs one another hidden cell, to a fixed point."""
    pending = deque(queue)
    while pending:
        index = pending.popleft()
        if not _needs_complement(model, index):
            continue
        cell = _best_candidate(model, [index])
        if cell is not None:
            touched = _hide(model, cell, SECONDARY)
            pending.extend(i for i in touched if i < len(model.relations))


def _best_candidate(model: _Model, indices: Iterable[int]) -> Key | None:
    """The published cell of these relations and bounds that is cheapest to hide.

    Zeros are never hidden (so hidden >= 1 is a true fact the audit may use); hiding every
    non-zero cell tied to a cell always protects it, so a non-zero candidate exists.
    """
    best: Key | None = None
    best_score: tuple[int, bool, int] | None = None
    n_relations = len(model.relations)
    for index in indices:
        for cell in _cells(model, index):
            value = model.values[cell]
            if cell in model.hidden or value == 0:
                continue
            closes = sum(1 for other in model.by_cell[cell]
                         if other != index and other < n_relations and model.n_hidden[other] == 1)  # fmt: skip
            score = (-closes, cell in model.totals, value)
            if best_score is None or score < best_score:
                best, best_score = cell, score
    return best


def _complement_for(model: _Model, cell: Key) -> Key | None:
    """A published cell to hide so that the audit finding `cell` can be protected, if any."""
    indices = set(model.by_cell.get(cell, []))
    while (candidate := _best_candidate(model, sorted(indices))) is None:
        around = {i for index in indices for other in _cells(model, index)
                  for i in model.by_cell[other]}  # fmt: skip
        if around == indices:  # every non-zero cell tied to it is hidden
            return None
        indices = around  # look one relation further
    return candidate


# --- audit ---------------------------------------------------------------------------------


def _audit_model(model: _Model) -> list[Key]:
    """Hidden cells whose feasible interval is narrower than k, component by component.

    Intervals seen are kept in the model: hiding more cells only enlarges the feasible set (the
    true point stays feasible), so a cell once settled stays settled.
    """
    k = model.k
    problems: list[Key] = []
    for component in components(model.values, list(model.hidden), model.constraints):
        settled = [model.seen.get(cell, (0.0, 0.0)) for cell in component.cells]
        if all(hi - lo >= k - 1e-6 for lo, hi in settled):
            continue
        with quiet_solver():
            lo, hi = intervals(component, k, HIDDEN_FLOOR, model.seen)
        for cell, low, high in zip(component.cells, lo.tolist(), hi.tolist(), strict=True):
            model.seen[cell] = (low, high)
            if high - low < k - 1e-6:
                problems.append(cell)
    return problems
