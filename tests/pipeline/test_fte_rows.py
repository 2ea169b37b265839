"""A delivery's FTE as plain rows (`FteRow`): read from its sheet as pandas reads numbers, and
loaded as one frame for a batch with every row's delivery id."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.ingest.meta import _numbers
from pipeline.warehouse.ledger import FteRow, with_ids


def test_plain_decimals_are_read_as_pandas_reads_them() -> None:
    texts = [f"{whole}.{part}" for whole in (0, 1, 7, 12, 99, 1234, 98765) for part in
             ("0", "1", "25", "333", "6", "05", "999999", "1234567")] + ["8", "0", "14.2"]  # fmt: skip
    expected = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").tolist()
    assert _numbers(texts) == expected
    assert _numbers(["8.6", "12"]) == [8.6, 12.0]


@pytest.mark.parametrize(("text", "number"), [
    ("1_000", math.nan),  # float() would read 1000.0: pandas does not
    ("twaalf", math.nan), ("", math.nan), ("1e3", 1000.0), ("-2", -2.0), (" 7.5 ", 7.5),
])  # fmt: skip
def test_other_texts_are_read_by_pandas(text: str, number: float) -> None:
    got = _numbers(["8.6", text])
    assert got[0] == 8.6
    assert (math.isnan(got[1]) and math.isnan(number)) or got[1] == number


def test_rows_of_a_batch_become_one_frame_with_their_delivery_ids() -> None:
    deliveries = ((FteRow("boa", 12.5, "aanlevering"), FteRow("brandweer", 3.0, "aanlevering")),
                  (), (FteRow("politie", 120.25, "referentie"),))  # fmt: skip
    frame = with_ids(list(deliveries), [7, 8, 9])
    assert frame["beroepsgroep"].tolist() == ["boa", "brandweer", "politie"]
    assert frame["fte"].tolist() == [12.5, 3.0, 120.25] and frame["fte"].dtype == "float64"
    assert frame["bron"].tolist() == ["aanlevering", "aanlevering", "referentie"]
    assert frame["delivery_id"].tolist() == [7, 7, 9]
    mixed = with_ids([pd.DataFrame(list(deliveries[0])), *deliveries[1:]], [7, 8, 9])
    pd.testing.assert_frame_equal(mixed, frame)
    assert with_ids([(), ()], [1, 2]).empty
