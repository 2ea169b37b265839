"""How a harmonised row is numbered: its row in the employer's file, and in a batch its delivery.

Deliveries of one profile are harmonised and validated together (`pipeline.ingest.process`).
In such a batch a row's number carries the delivery's position times 2**32, so every
row-level step (edits, rejection, the pydantic guard) keeps working on one unique number per
row, and each result is split back to its delivery. A single delivery is position 0: its
numbers are the employer's own row numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

ROW_COLUMN = "_rij"  # the row number as the employer sees it in their own file
_SPAN = 2**32  # row numbers per delivery: a file holds far fewer rows (connectors.limits)


def batch_rows(rows: pd.Series, sizes: Sequence[int]) -> pd.Series:
    """The rows of deliveries stacked in order (`sizes`: each one's rows), numbered for a batch:
    each delivery's numbers plus its position times the span, in one pass."""
    positions = np.repeat(np.arange(len(sizes), dtype=np.int64), np.asarray(sizes, dtype=np.int64))
    return rows.astype("int64") + positions * _SPAN


def delivery_of(rows: pd.Series) -> pd.Series:
    """The position of each batch row's delivery (0 for the rows of a single delivery)."""
    return rows.astype("int64") // _SPAN


def row_in_delivery(rows: pd.Series) -> pd.Series:
    """Each batch row's number in its own file."""
    return rows.astype("int64") % _SPAN
