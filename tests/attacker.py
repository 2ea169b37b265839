"""An integer attacker on published tables, written apart from `pipeline/publication/disclosure*.py`.

It knows the published values, linear relations between cells (equalities and inequalities)
and a lower bound for every hidden cell (1 when zeros are always published). For every hidden
cell, and for every derived quantity asked about (e.g. a rate's rest, denominator minus
numerator), it finds the smallest and largest whole-number value consistent with all of it
(scipy's `milp`, HiGHS). Random directions first collect feasible points that widen many
intervals at once; every quantity still narrower than k gets its own exact minimum and maximum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from schemas.codelists import load_codelists

Cell = Hashable
Terms = dict[Cell, float]  # a linear expression over cells


@dataclass
class Knowledge:
    """What an outsider knows: published values (None: hidden), relations and bounds."""

    values: dict[Cell, float | None] = field(default_factory=dict)
    equalities: list[Terms] = field(default_factory=list)  # sum(coef * cell) == 0
    inequalities: list[Terms] = field(default_factory=list)  # sum(coef * cell) <= 0
    derived: dict[Hashable, Terms] = field(default_factory=dict)  # extra quantities to bound

    def total(self, total: Cell, parts: Sequence[Cell]) -> None:
        """total == sum(parts)."""
        terms: Terms = defaultdict(float, {total: 1.0})
        for part in parts:
            terms[part] -= 1.0
        self.equalities.append(dict(terms))

    def at_most(self, smaller: Sequence[Cell], larger: Sequence[Cell]) -> None:
        """sum(smaller) <= sum(larger)."""
        terms: Terms = defaultdict(float)
        for cell in smaller:
            terms[cell] += 1.0
        for cell in larger:
            terms[cell] -= 1.0
        self.inequalities.append(dict(terms))


def intervals(
    known: Knowledge, k: int, floor: int = 1, seed: int = 0
) -> dict[Hashable, tuple[float, float]]:
    """Feasible [min, max] of every hidden cell and derived quantity narrower than k (wider
    ones are reported with an interval at least k wide, not necessarily exact)."""
    hidden = sorted((c for c, v in known.values.items() if v is None), key=repr)
    targets: dict[Hashable, Terms] = {cell: {cell: 1.0} for cell in hidden} | known.derived
    result: dict[Hashable, tuple[float, float]] = {}
    for cells, rows_eq, rows_ub in _components(known, hidden):
        index = {cell: i for i, cell in enumerate(cells)}
        program = _program(known, index, rows_eq, rows_ub, floor)
        mine = {t: terms for t, terms in targets.items()
                if any(c in index for c in terms) and all(c in index or known.values.get(c) is not None
                                                          for c in terms)}  # fmt: skip
        vectors = {t: _vector(known, terms, index) for t, terms in mine.items()}
        lo = {t: np.inf for t in mine}
        hi = {t: -np.inf for t in mine}
        rng = np.random.default_rng(seed)
        for _ in range(6):
            point = program(rng.choice([-1.0, 1.0], size=len(cells)))
            _widen(point, vectors, lo, hi)
        for target, (vector, constant) in vectors.items():
            for sign in (1.0, -1.0):
                if hi[target] - lo[target] < k - 1e-6:
                    _widen(program(sign * vector), {target: (vector, constant)}, lo, hi)
            result[target] = (lo[target], hi[target])
    return result


def _vector(known: Knowledge, terms: Terms, index: Mapping[Cell, int]) -> tuple[np.ndarray, float]:
    vector = np.zeros(len(index))
    constant = 0.0
    for cell, coefficient in terms.items():
        if cell in index:
            vector[index[cell]] += coefficient
        else:
            constant += coefficient * float(known.values[cell])  # type: ignore[arg-type]
    return vector, constant


def _widen(point: np.ndarray | None, vectors: Mapping[Hashable, tuple[np.ndarray, float]],
           lo: dict[Hashable, float], hi: dict[Hashable, float]) -> None:  # fmt: skip
    assert point is not None, "the published tables are inconsistent: no feasible point"
    for target, (vector, constant) in vectors.items():
        value = float(vector @ point) + constant
        lo[target], hi[target] = min(lo[target], value), max(hi[target], value)


def _components(
    known: Knowledge, hidden: list[Cell]
) -> list[tuple[list[Cell], list[int], list[int]]]:
    parent = {cell: cell for cell in hidden}

    def find(cell: Cell) -> Cell:
        while parent[cell] != cell:
            cell = parent[cell]
        return cell

    rows = [(True, i, t) for i, t in enumerate(known.equalities)]
    rows += [(False, i, t) for i, t in enumerate(known.inequalities)]
    rows += [(None, 0, t) for t in known.derived.values()]  # a derived quantity links its cells
    for _, _, terms in rows:
        cells = [c for c in terms if c in parent]
        for cell in cells[1:]:
            a, b = find(cell), find(cells[0])
            if a != b:
                parent[a] = b
    groups: dict[Cell, tuple[list[Cell], list[int], list[int]]] = {}
    for cell in hidden:
        groups.setdefault(find(cell), ([], [], []))[0].append(cell)
    for equality, i, terms in rows:
        cells = [c for c in terms if c in parent]
        if cells and equality is not None:
            groups[find(cells[0])][1 if equality else 2].append(i)
    return list(groups.values())


def _program(known: Knowledge, index: Mapping[Cell, int], rows_eq: list[int], rows_ub: list[int],
             floor: int):  # type: ignore[no-untyped-def]  # fmt: skip
    """A function: objective → an integer point minimising it (None if infeasible)."""
    n = len(index)
    constraints = []
    for rows, source, equality in ((rows_eq, known.equalities, True),
                                   (rows_ub, known.inequalities, False)):  # fmt: skip
        if not rows:
            continue
        matrix = sparse.lil_matrix((len(rows), n))
        rhs = np.zeros(len(rows))
        for r, i in enumerate(rows):
            for cell, coefficient in source[i].items():
                if cell in index:
                    matrix[r, index[cell]] += coefficient
                else:
                    rhs[r] -= coefficient * float(known.values[cell])  # type: ignore[arg-type]
        lower = rhs if equality else np.full(len(rows), -np.inf)
        constraints.append(LinearConstraint(matrix.tocsr(), lower, rhs))
    cap = 10.0 * (sum(abs(v) for v in known.values.values() if v is not None) + 10 * n + 10)

    def solve(objective: np.ndarray) -> np.ndarray | None:
        found = milp(objective, constraints=constraints, integrality=np.ones(n),
                     bounds=Bounds(np.full(n, float(floor)), np.full(n, cap)))  # fmt: skip
        return None if found.x is None else np.round(found.x, 6)

    return solve


# --- published tables of the monitor ---------------------------------------------------------


def number(text: object) -> float | None:
    """A published value: empty is hidden (None); '12,5' is Dutch for 12.5."""
    return None if pd.isna(text) else float(str(text).replace(",", "."))  # type: ignore[call-overload]


RATE_COUNTS = {  # numerator, denominator, the count the denominator is part of (public)
    "aangifte": ("met_aangifte", "aangifte_bekend", "incidenten"),
    "vpt": ("aangifte_met_vpt", "vpt_bekend", "met_aangifte"),
    "letsel": ("met_letsel", "letsel_bekend", "incidenten"),
    "nazorg": ("nazorg_aangeboden", "nazorg_bekend", "incidenten"),
}
CATEGORY_TABLES = {"incidenten_gedragstype": "gedragstype", "incidenten_zwaarste": "zwaarste_gedragstype",
              "incidenten_context": "context"}  # fmt: skip


def knowledge_from_tables(
    indicators: pd.DataFrame, tables: Mapping[str, pd.DataFrame]
) -> dict[str, Knowledge]:
    """Per beroepsgroep, what a reader of the published tables knows: every published and
    hidden ('verborgen') count, and every relation the tables and the public code list imply.
    Values may be text in Dutch notation (the CSV files) or numbers."""
    known: dict[str, Knowledge] = defaultdict(Knowledge)
    counts = ["incidenten", *(c for trio in RATE_COUNTS.values() for c in trio[:2])]
    for row in indicators.to_dict("records"):
        for column in counts:
            if row[f"{column}_status"] in ("gepubliceerd", "verborgen"):
                key = (column, row["gebiedcode"], row["periode"])
                known[row["beroepsgroep"]].values[key] = number(row[column])
    for name, category in CATEGORY_TABLES.items():
        for row in tables[name].to_dict("records"):
            key = (category, row[category], row["periode"])
            known[row["beroepsgroep"]].values[key] = number(row["incidenten"])
    rank = {c.code: int(c.rank or 0) for c in load_codelists().lists["gedragstype"]}
    for group in known.values():
        relate(group, rank)
    return dict(known)


def relate(known: Knowledge, rank: dict[str, int]) -> None:
    """Areas add up to NL, quarters to their year, zwaarste types and contexts to the total;
    numerator <= denominator <= its base; gedragstype links (the severity order is public)."""
    cells = set(known.values)
    by: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for cell in cells:
        by[(cell[0], cell[2])].append(cell)  # (name, periode) → cells over areas or codes
    for (name, periode), group in by.items():
        if name in counts_names():
            parts = [c for c in group if c[1] != "NL"]
            if ("NL" in {c[1] for c in group}) and parts:
                known.total((name, "NL", periode), parts)
        if "Q" not in periode:  # a year: its quarters
            for cell in group:
                quarters = [
                    c for c in cells if c[:2] == cell[:2] and c[2].startswith(f"{periode}Q")
                ]
                if quarters:
                    known.total(cell, quarters)
    for cell in [c for c in cells if c[0] == "incidenten" and c[1] == "NL"]:
        periode = cell[2]
        for name in ("zwaarste_gedragstype", "context"):
            known.total(cell, [c for c in by[(name, periode)]])
        gedrag = {c[1]: c for c in by[("gedragstype", periode)]}
        zwaarste = {c[1]: c for c in by[("zwaarste_gedragstype", periode)]}
        known.at_most([cell], list(gedrag.values()))
        for code, g in gedrag.items():
            known.at_most([g], [cell])
            known.at_most([zwaarste[code]], [g])
            known.at_most([g], [zwaarste[c] for c in zwaarste if rank[c] >= rank[code]])
    for numerator, denominator, base in RATE_COUNTS.values():
        for cell in [c for c in cells if c[0] == denominator]:
            area, periode = cell[1:]
            known.at_most([(numerator, area, periode)], [cell])
            known.at_most([cell], [(base, area, periode)])
            if known.values[cell] is None or known.values[(numerator, area, periode)] is None:
                known.derived[("rest", denominator, area, periode)] = {
                    cell: 1.0, (numerator, area, periode): -1.0}  # fmt: skip


def counts_names() -> set[str]:
    return {"incidenten", *(c for trio in RATE_COUNTS.values() for c in trio[:2])}
