"""Long-format frames as a disclosure model, for the property tests of tables with hierarchies.

A key is (value column, (dimension, code) pairs sorted by dimension), where a dimension at its
grand total code (`totals`, e.g. {"categorie": "totaal"}) is left out, so the same quantity in
two tables has the same key. `apply_statuses` writes the result back onto a frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set

import pandas as pd

from pipeline.publication.disclosure import CellStatus, DisclosureError, Key, Relation
from schemas.vocabulary import PUBLISHED

Hierarchy = Mapping[str, Sequence[str]]  # total code -> part codes; several levels allowed


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
