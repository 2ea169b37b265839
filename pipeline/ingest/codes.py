"""Coded cells onto a code list: one code a cell (`map_codes`) or several (`split_codes`), by the
profile's own codes first, then the code list's codes, labels and synonyms. Unknown cells are
flagged, never guessed (DESIGN §6)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from connectors.base import normalise_header
from schemas.codelists import fold, load_codelists
from schemas.profile import FieldMap
from schemas.vocabulary import JA, NEE, NO_SPELLINGS, YES_SPELLINGS

YES_NO_VARIANTS: dict[str, str | None] = {
    **dict.fromkeys(YES_SPELLINGS, JA),
    **dict.fromkeys(NO_SPELLINGS, NEE),
}  # only for a profile field that asks for them (yes_no_variants: true)
# Several codes in one cell when the profile names no separator: , ; / | or the word "en".
DEFAULT_SPLIT = r"(?i)\s*[,;/|]\s*|\s+en\s+"


def _code_table(
    cells: list[object], mapping: FieldMap, allowed: tuple[str, ...]
) -> dict[object, str | None]:
    """Each distinct cell (missing ones are None: `_cells`) that maps → its code: the profile's
    codes (as written, case and spaces ignored), then the code list's codes, labels and synonyms
    (accents and punctuation ignored too). Unknown cells are left out: never a fuzzy guess."""
    codelists = load_codelists()
    listname = codelists.list_for(allowed)
    national = codelists.lookup(listname) if listname else {fold(c): c for c in allowed}
    own: dict[str, str | None] = dict(YES_NO_VARIANTS) if mapping.yes_no_variants else {}
    own |= {normalise_header(k): v for k, v in mapping.codes.items()}
    own_folded = {fold(k): v for k, v in own.items() if fold(k)}  # accents and punctuation too
    table: dict[object, str | None] = {}
    for value in dict.fromkeys(cells):
        if value is None:
            continue
        text = str(value)
        if normalise_header(text) in own:
            table[value] = own[normalise_header(text)]
        elif fold(text) in own_folded:
            table[value] = own_folded[fold(text)]
        elif fold(text) in national:
            table[value] = national[fold(text)]
    return table


def map_codes(
    values: pd.Series, mapping: FieldMap, allowed: tuple[str, ...]
) -> tuple[pd.Series, pd.Series]:
    """Map coded cells; returns (codes, unmappable mask). A code mapped to null stays missing.

    Cell by cell in a dictionary: on a pass's few distinct cells (`on_distinct`) pandas' own
    map, masks and conversions took ~1.6 ms a field, ~16 ms a pass."""
    cells = _cells(values)
    table = _code_table(cells, mapping, allowed)
    codes = [table.get(cell, _UNKNOWN) for cell in cells]
    bad = [code is _UNKNOWN and cell is not None for code, cell in zip(codes, cells, strict=True)]
    known = [None if code is _UNKNOWN else code for code in codes]
    return (pd.Series(known, index=values.index, dtype=object),
            pd.Series(bad, index=values.index, dtype=bool))  # fmt: skip


_UNKNOWN = object()  # a cell no code maps from


def _cells(values: pd.Series) -> list[object]:
    """The cells as plain objects, a missing one (None, NaN, NA) as None."""
    return values.to_numpy(dtype=object, na_value=None).tolist()


def map_multi_codes(
    values: pd.Series, mapping: FieldMap, allowed: tuple[str, ...]
) -> tuple[pd.Series, pd.Series]:
    """Several codes in one cell, split by the profile's separator, in code-list order.

    Without a separator in the profile the cell splits on DEFAULT_SPLIT, unless the whole cell
    is itself a known code (a profile code like `schelden en tieren` stays one code).
    Returns (lists, mask of cells with at least one unknown part).
    """
    lists, unknown = split_codes(values, mapping, allowed)
    return lists, unknown.notna()


def split_codes(
    values: pd.Series, mapping: FieldMap, allowed: tuple[str, ...]
) -> tuple[pd.Series, pd.Series]:
    """(lists of known codes, the unknown parts of each cell joined by ', ' or None)."""
    order = {c: i for i, c in enumerate(allowed)}
    whole = pd.Series(False, index=values.index)
    if mapping.split is None:
        whole = values.isin(list(_code_table(_cells(values), mapping, allowed)))
    split = values[~whole].str.split(mapping.split or DEFAULT_SPLIT, regex=True).explode()
    tokens = pd.concat([values[whole], split])
    tokens = tokens.where(tokens.str.strip().ne(""), None).dropna()
    codes, bad = map_codes(tokens, mapping, allowed)
    unknown = tokens[bad].astype(str).str.strip().groupby(level=0).agg(", ".join)
    found = codes.dropna()
    ranked = pd.DataFrame(
        {"row": found.index, "code": found.to_numpy(), "order": found.map(order).to_numpy()}
    )
    ranked = ranked.drop_duplicates(["row", "code"]).sort_values(["row", "order"], kind="stable")
    lists = lists_by_row(ranked["row"], ranked["code"])
    unknown = unknown.reindex(values.index).astype(object)
    return lists.reindex(values.index).astype(object), unknown.where(unknown.notna(), None)


def lists_by_row(rows: pd.Series, items: pd.Series) -> pd.Series:
    """Consecutive items of the same row as one list per row (rows sorted); far faster than a
    groupby with `agg(list)` on many small groups."""
    labels, values = rows.to_numpy(), items.to_numpy(dtype=object)
    if not len(labels):
        return pd.Series([], dtype=object)
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    items_list, bounds = values.tolist(), [*starts.tolist(), len(values)]
    groups = [items_list[a:b] for a, b in pairwise(bounds)]  # list slices: no array a row
    return pd.Series(groups, index=labels[starts], dtype=object)
