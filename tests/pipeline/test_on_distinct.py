"""Parsing each distinct text once gives exactly what parsing every cell gives."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.parsing import on_distinct, parse_dates, parse_integers

TEXTS = ["3-2-2025", "03/02/2025", "2025-02-03", "31-02-2025", "3 mrt. 2025", "45678", "gisteren",
         "2", " 2 ", "2,0", "2,5", "1.000", "-1", "", "14.35", "14:35 uur", "25:00"]  # fmt: skip
cells = st.lists(st.one_of(st.sampled_from(TEXTS), st.none()), min_size=0, max_size=60)


def same(left: tuple[pd.Series, ...], right: tuple[pd.Series, ...]) -> None:
    for a, b in zip(left, right, strict=True):
        assert a.index.equals(b.index)
        assert (
            a.astype(object).where(a.notna(), None).tolist()
            == b.astype(object).where(b.notna(), None).tolist()
        )


@settings(max_examples=50, deadline=None)
@given(cells, st.integers(min_value=0, max_value=5))
def test_dates_times_and_numbers_parse_alike(texts: list[str | None], offset: int) -> None:
    values = pd.Series(texts, index=range(offset, offset + len(texts)), dtype=object)
    dates = lambda v: parse_dates(v, ("%Y-%m-%d",), dutch=True)  # noqa: E731
    times = lambda v: parse_dates(v, ("%H:%M",), times=True, dutch=True)  # noqa: E731
    numbers = lambda v: parse_integers(v, 1)  # noqa: E731
    for parse in (dates, times, numbers):
        same(on_distinct(values, parse), parse(values))


def test_a_repeated_column_is_parsed_once_per_distinct_text() -> None:
    seen: list[int] = []

    def parse(values: pd.Series) -> tuple[pd.Series, ...]:
        seen.append(len(values))
        return parse_integers(values, 0)

    values = pd.Series(["1", "2", None, "1", "2", "2", "x", "1"] * 10, dtype=object)
    numbers, bad = on_distinct(values, parse)
    assert seen == [4]  # "1", "2", "x" and one slot for the missing cells
    assert numbers.tolist()[:8] == [1, 2, pd.NA, 1, 2, 2, pd.NA, 1]
    assert bad.tolist()[:8] == [False, False, False, False, False, False, True, False]


def test_cells_that_are_not_text_are_parsed_one_by_one() -> None:
    seen: list[int] = []

    def parse(values: pd.Series) -> tuple[pd.Series, ...]:
        seen.append(len(values))
        return parse_integers(values, 0)

    on_distinct(pd.Series([1, True, 1.0, "1"] * 5, dtype=object), parse)
    assert seen == [20]
