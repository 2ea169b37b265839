"""Disclosure control: suppression rules, frame helpers, and an independent recovery attack."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.publication.disclosure import (
    Bound,
    CellStatus,
    DisclosureError,
    Relation,
    audit,
    suppress,
)
from schemas.vocabulary import PRIMARY, PUBLISHED, SECONDARY
from tests.attacker import Knowledge, intervals
from tests.pipeline.disclosure_frames import (
    apply_statuses,
    cell_key,
    cells_for_frame,
    relations_for_frame,
)

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNTS = st.one_of(st.integers(0, 6), st.integers(0, 40))  # many small cells
K = st.sampled_from([3, 5, 10])

AREAS = {"NL": ["R1", "R2", "onbekend"], "R1": ["G1", "G2"], "R2": ["G3", "G4", "G5"]}
CATEGORIES = {"totaal": ["c1", "c2", "c3"]}
PERIODS = {"2025": ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]}


# --- the attacker: the integer program of tests/attacker.py, not the module's audit ---------


def attack(
    values: Mapping[Hashable, int],
    statuses: Mapping[Hashable, CellStatus],
    relations: Sequence[Relation],
    k: int,
    bounds: Sequence[Bound] = (),
) -> set[Hashable]:
    """The hidden cells an attacker narrows to less than k (hidden >= 1: zeros are published)."""
    known = Knowledge(values={cell: None if statuses[cell] != PUBLISHED else float(value)
                              for cell, value in values.items()})  # fmt: skip
    for relation in relations:
        known.total(relation.total, relation.parts)
    for bound in bounds:
        known.at_most(bound.smaller, bound.larger)
    found = intervals(known, k)
    return {cell for cell, (lo, hi) in found.items() if hi - lo < k - 1e-6}


def assert_protected(
    values: Mapping[Hashable, int],
    statuses: Mapping[Hashable, CellStatus],
    relations: Sequence[Relation],
    k: int,
    bounds: Sequence[Bound] = (),
) -> None:
    for cell, value in values.items():
        assert (statuses[cell] == PRIMARY) == (0 < value < k), cell
        assert statuses[cell] == PUBLISHED or value > 0, cell  # zeros are published
    assert attack(values, statuses, relations, k, bounds) == set()


# --- tables --------------------------------------------------------------------------------


def one_way(parts: list[int]) -> tuple[dict[Hashable, int], list[Relation]]:
    values: dict[Hashable, int] = {i: v for i, v in enumerate(parts)}
    values["totaal"] = sum(parts)
    return values, [Relation("totaal", tuple(range(len(parts))))]


def two_way(grid: list[list[int]]) -> tuple[dict[Hashable, int], list[Relation]]:
    rows, columns = range(len(grid)), range(len(grid[0]))
    values: dict[Hashable, int] = {(r, c): grid[r][c] for r in rows for c in columns}
    for r in rows:
        values[(r, "T")] = sum(grid[r])
    for c in [*columns, "T"]:
        values[("T", c)] = sum(values[(r, c)] for r in rows)
    relations = [Relation((r, "T"), tuple((r, c) for c in columns)) for r in [*rows, "T"]]
    relations += [Relation(("T", c), tuple((r, c) for r in rows)) for c in [*columns, "T"]]
    return values, relations


def hierarchical_frame(leaves: Sequence[int]) -> pd.DataFrame:
    """Area (gemeente → regio → NL, plus onbekend) × category (+ totaal) × quarter (+ year)."""
    leaf_areas = ["G1", "G2", "G3", "G4", "G5", "onbekend"]
    rows = [
        (area, category, quarter)
        for area in leaf_areas
        for category in CATEGORIES["totaal"]
        for quarter in PERIODS["2025"]
    ]
    frame = pd.DataFrame(rows, columns=["regio", "categorie", "periode"])
    frame["incidenten"] = list(leaves)[: len(frame)]
    for column, hierarchy in [("regio", AREAS), ("categorie", CATEGORIES), ("periode", PERIODS)]:
        for total, parts in reversed(list(hierarchy.items())):
            others = [c for c in ["regio", "categorie", "periode"] if c != column]
            sums = frame[frame[column].isin(parts)].groupby(others, as_index=False)["incidenten"]
            frame = pd.concat([frame, sums.sum().assign(**{column: total})], ignore_index=True)
    return frame


def frame_model(frame: pd.DataFrame) -> tuple[dict[Hashable, int], list[Relation]]:
    dims = {"regio": AREAS, "categorie": CATEGORIES, "periode": PERIODS}
    values = cells_for_frame(frame, dims, "incidenten")
    return values, relations_for_frame(frame, dims, "incidenten", set(dims))


def realistic_frame(seed: int) -> tuple[pd.DataFrame, dict[str, dict[str, list[str]]]]:
    """25 regions + onbekend + NL × 3 categories + totaal × 4 quarters + year: 540 cells."""
    rng = np.random.default_rng(seed)
    areas = [f"VR{r:02d}" for r in range(1, 26)] + ["onbekend"]
    categories = [f"c{i}" for i in range(1, 4)]
    quarters = [f"2025Q{q}" for q in range(1, 5)]
    counts = rng.poisson(rng.gamma(1.0, 3.0, size=(26, 3, 1)), size=(26, 3, 4))
    index = pd.MultiIndex.from_product([areas, categories, quarters], names=["regio", "cat", "per"])
    cube = pd.Series(counts.ravel(), index=index, name="n").unstack(["cat", "per"])
    cube.loc["NL"] = cube.sum()
    frame = cube.stack(["cat", "per"], future_stack=True).rename("n").reset_index()
    wide = frame.pivot_table(index=["regio", "per"], columns="cat", values="n").assign(
        totaal=lambda t: t.sum(axis=1)
    )
    frame = wide.stack().rename("n").reset_index()
    year = frame.groupby(["regio", "cat"], as_index=False)["n"].sum().assign(per="2025")
    frame = pd.concat([frame, year], ignore_index=True).astype({"n": int})
    dims = {
        "regio": {"NL": areas},
        "cat": {"totaal": categories},
        "per": {"2025": quarters},
    }
    return frame, dims


# --- suppression properties ----------------------------------------------------------------


@PROPERTY
@given(st.lists(COUNTS, min_size=1, max_size=8), K)
def test_one_way_table_is_protected(parts: list[int], k: int) -> None:
    values, relations = one_way(parts)
    assert_protected(values, suppress(values, relations, k), relations, k)


@PROPERTY
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(st.lists(COUNTS, min_size=n, max_size=n), min_size=1, max_size=4)
    ),
    K,
)
def test_two_way_table_with_margins_is_protected(grid: list[list[int]], k: int) -> None:
    values, relations = two_way(grid)
    assert_protected(values, suppress(values, relations, k), relations, k)


SPARSE = [0] * 72  # mostly zeros: hidden zeros are pinned by non-negativity (a regression)
SPARSE[46] = SPARSE[51] = SPARSE[59] = SPARSE[70] = 1
SPARSE[71] = 4


@PROPERTY
@given(st.lists(COUNTS, min_size=72, max_size=72), K)
@example(leaves=SPARSE, k=5)
def test_hierarchy_with_time_is_protected(leaves: list[int], k: int) -> None:
    values, relations = frame_model(hierarchical_frame(leaves))
    statuses = suppress(values, relations, k)
    assert_protected(values, statuses, relations, k)
    assert audit(values, statuses, relations, k) == []


def test_realistic_table_is_protected_quickly() -> None:
    frame, dims = realistic_frame(seed=7)
    values = cells_for_frame(frame, dims, "n")
    relations = relations_for_frame(frame, dims, "n", set(dims))
    assert len(values) == 27 * 4 * 5
    statuses = suppress(values, relations, 5)
    assert sum(status == PRIMARY for status in statuses.values()) > 60  # many small cells
    assert_protected(values, statuses, relations, 5)


def test_naive_suppression_is_recovered_by_the_attacker() -> None:
    values, relations = two_way([[2, 8, 9], [7, 6, 12], [10, 11, 13]])
    naive: dict[Hashable, CellStatus] = dict.fromkeys(values, PUBLISHED)
    naive[(0, 0)] = PRIMARY
    naive[(0, 1)] = SECONDARY  # one complement in the row; the columns still give both away
    assert attack(values, naive, relations, 5) == {(0, 0), (0, 1)}
    assert set(audit(values, naive, relations, 5)) == {(0, 0), (0, 1)}
    assert_protected(values, suppress(values, relations, 5), relations, 5)


def test_attacker_and_audit_see_a_primary_pinned_below_k() -> None:
    values, relations = one_way([1, 2, 30])
    statuses: dict[Hashable, CellStatus] = {0: PRIMARY, 1: PRIMARY, 2: PUBLISHED}
    statuses["totaal"] = PUBLISHED  # 1 + 2 = 3 is known: each is 1 or 2 (hidden >= 1)
    assert attack(values, statuses, relations, 5) == {0, 1}
    assert set(audit(values, statuses, relations, 5)) == {0, 1}


def test_hidden_at_least_one_narrows_what_zero_would_not() -> None:
    """With a published total of 7 = a + b + c and all three hidden, a cell could lie in [0, 7]
    if zeros could hide; as zeros are published it lies in [1, 5]: narrower than k = 5."""
    values, relations = one_way([2, 2, 3])
    statuses: dict[Hashable, CellStatus] = {0: PRIMARY, 1: PRIMARY, 2: PRIMARY, "totaal": PUBLISHED}
    assert attack(values, statuses, relations, 5) == {0, 1, 2}
    assert set(audit(values, statuses, relations, 5)) == {0, 1, 2}
    protected = suppress(values, relations, 5)
    assert protected["totaal"] != PUBLISHED
    assert_protected(values, protected, relations, 5)


def test_linked_tables_are_protected_through_their_inequalities() -> None:
    """Nothing is more severe than fysiek geweld, so its zwaarste count equals its gedragstype
    count: hiding the small zwaarste cells and fysiek as their complement is safe for the total
    alone, but the published gedragstype count gives fysiek and then the small ones away."""
    types = ("fysiek", "bedreiging", "verbaal")  # most severe first
    z = {"fysiek": 20, "bedreiging": 3, "verbaal": 2}
    g = {"fysiek": 20, "bedreiging": 5, "verbaal": 8}
    values: dict[Hashable, int] = {"totaal": 25, **{("z", t): z[t] for t in types},
                                   **{("g", t): g[t] for t in types}}  # fmt: skip
    relations = [Relation("totaal", tuple(("z", t) for t in types))]
    bounds = [Bound(("totaal",), tuple(("g", t) for t in types))]
    for i, t in enumerate(types):
        bounds += [Bound((("z", t),), (("g", t),)), Bound((("g", t),), ("totaal",)),
                   Bound((("g", t),), tuple(("z", u) for u in types[: i + 1]))]  # fmt: skip
    naive: dict[Hashable, CellStatus] = dict.fromkeys(values, PUBLISHED)
    naive[("z", "bedreiging")] = naive[("z", "verbaal")] = PRIMARY
    naive[("z", "fysiek")] = SECONDARY
    assert attack(values, naive, relations, 5) == set()  # the total alone: protected
    assert attack(values, naive, relations, 5, bounds) == {("z", t) for t in types}
    statuses = suppress(values, relations, 5, bounds)
    assert_protected(values, statuses, relations, 5, bounds)


def test_a_bound_that_the_data_break_is_refused() -> None:
    with pytest.raises(DisclosureError, match="does not hold"):
        suppress({"a": 5, "b": 3}, [], 5, [Bound(("a",), ("b",))])


def test_zero_is_published_and_k_is_a_parameter() -> None:
    values, relations = one_way([0, 3, 9, 40])
    assert suppress(values, relations, 3)[0] == PUBLISHED
    assert suppress(values, relations, 3)[1] == PUBLISHED
    assert suppress(values, relations, 5)[1] == PRIMARY
    assert suppress(values, relations, 10)[2] == PRIMARY


def test_inconsistent_relation_is_refused() -> None:
    with pytest.raises(DisclosureError, match="not the sum"):
        suppress({"t": 10, "a": 4, "b": 5}, [Relation("t", ("a", "b"))])


# --- frames --------------------------------------------------------------------------------


def test_relations_for_frame_follow_the_hierarchy() -> None:
    values, relations = frame_model(hierarchical_frame(range(72)))
    assert len(values) == 9 * 4 * 5
    # area: 3 totals × 4 categories × 5 periods; category: 9 areas × 5; time: 9 areas × 4
    assert len(relations) == 60 + 45 + 36

    def key(regio: str) -> Hashable:
        codes = {"regio": regio, "categorie": "c1", "periode": "2025Q1"}
        return cell_key(codes, ["regio", "categorie", "periode"], "incidenten", {})

    nl = next(relation for relation in relations if relation.total == key("NL"))
    assert nl.parts == (key("R1"), key("R2"), key("onbekend"))
    r2 = next(relation for relation in relations if relation.total == key("R2"))
    assert r2.parts == (key("G3"), key("G4"), key("G5"))


def test_non_additive_dimension_gets_no_relations() -> None:
    frame = pd.DataFrame(
        {"gedragstype": ["totaal", "verbaal", "fysiek"], "periode": ["2025"] * 3, "n": [10, 7, 6]}
    )
    dims = {"gedragstype": {"totaal": ["verbaal", "fysiek"]}, "periode": {}}
    assert relations_for_frame(frame, dims, "n", set()) == []


def test_linked_tables_share_the_grand_total() -> None:
    zwaarste = pd.DataFrame({"zwaarste": ["totaal", "a", "b"], "periode": "2025", "n": [12, 9, 3]})
    gedrag = pd.DataFrame(
        {"gedragstype": ["totaal", "a", "b"], "periode": "2025", "n": [12, 10, 4]}
    )
    totals = {"zwaarste": "totaal", "gedragstype": "totaal"}
    z_values = cells_for_frame(zwaarste, ["zwaarste", "periode"], "n", totals)
    g_values = cells_for_frame(gedrag, ["gedragstype", "periode"], "n", totals)
    assert set(z_values) & set(g_values) == {("n", ("periode", "2025"))}
    relations = relations_for_frame(
        zwaarste, {"zwaarste": {"totaal": ["a", "b"]}, "periode": {}}, "n", {"zwaarste"}, totals
    )
    statuses = suppress({**z_values, **g_values}, relations, 5)
    z_published = apply_statuses(zwaarste, statuses, ["zwaarste", "periode"], "n", totals)
    g_published = apply_statuses(gedrag, statuses, ["gedragstype", "periode"], "n", totals)
    assert z_published["n_status"].tolist() == [PUBLISHED, SECONDARY, PRIMARY]
    assert g_published["n_status"].tolist() == [PUBLISHED, PUBLISHED, PRIMARY]
    assert z_published["n"].tolist()[0] == g_published["n"].tolist()[0] == 12


def test_apply_statuses_hides_values() -> None:
    frame = pd.DataFrame({"regio": ["NL", "A", "B"], "n": [30, 2, 28]})
    values = cells_for_frame(frame, ["regio"], "n")
    statuses = suppress(
        values, relations_for_frame(frame, {"regio": {"NL": ["A", "B"]}}, "n", {"regio"})
    )
    published = apply_statuses(frame, statuses, ["regio"], "n", status_column="status")
    assert published["n"].isna().tolist() == [False, True, True]  # A is in [0, 30]
    assert published["status"].tolist() == [PUBLISHED, PRIMARY, SECONDARY]
    assert frame["n"].tolist() == [30, 2, 28]  # the input is untouched


# --- rates ---------------------------------------------------------------------------------


def test_absent_parts_are_structural_zeros() -> None:
    frame = pd.DataFrame(
        {"regio": ["NL", "R1", "R2", "G1", "G2"], "n": [12, 12, 0, 9, 3]}  # R2 has no gemeenten
    )
    dims = {"regio": {"NL": ["R1", "R2"], "R1": ["G1", "G2"], "R2": ["G3"]}}
    relations = relations_for_frame(frame, dims, "n", {"regio"})
    assert [relation.total for relation in relations] == [
        ("n", ("regio", "NL")),
        ("n", ("regio", "R1")),
    ]
    statuses = suppress(cells_for_frame(frame, ["regio"], "n"), relations)
    assert statuses[("n", ("regio", "G2"))] == PRIMARY
    assert statuses[("n", ("regio", "R2"))] == PUBLISHED
    broken = frame.assign(n=[13, 12, 1, 9, 3])  # R2 = 1 without any gemeente: inconsistent
    with pytest.raises(DisclosureError, match="not the sum"):
        suppress(
            cells_for_frame(broken, ["regio"], "n"),
            relations_for_frame(broken, dims, "n", {"regio"}),
        )


def test_rates_are_protected_through_their_counts() -> None:
    teller = {"A": 2, "B": 30, "C": 25}
    noemer = {"A": 40, "B": 60, "C": 50}
    values: dict[Hashable, int] = {}
    relations: list[Relation] = []
    for region in teller:
        values |= {("teller", region): teller[region], ("noemer", region): noemer[region]}
        values[("rest", region)] = noemer[region] - teller[region]
        relations.append(Relation(("noemer", region), (("teller", region), ("rest", region))))
    for measure in ("teller", "noemer", "rest"):
        values[(measure, "NL")] = sum(values[(measure, region)] for region in teller)
        relations.append(Relation((measure, "NL"), tuple((measure, r) for r in teller)))
    relations.append(Relation(("noemer", "NL"), (("teller", "NL"), ("rest", "NL"))))
    statuses = suppress(values, relations, 5)
    assert_protected(values, statuses, relations, 5)
    # a rate is published where its teller and noemer are (pipeline/publication/disclosure_tables.py)
    published = {region: statuses[("teller", region)] == statuses[("noemer", region)] == PUBLISHED
                 for region in teller}  # fmt: skip
    assert statuses[("teller", "A")] == PRIMARY  # 2 of 40
    # C's teller (the smallest >= k) is hidden too: with NL and B it would give A away
    assert statuses[("teller", "C")] == SECONDARY
    assert published == {"A": False, "B": True, "C": False}
    assert statuses[("teller", "NL")] == statuses[("noemer", "NL")] == PUBLISHED
