"""Minimal raw values: what of a rejected value the warehouse and the feedback may keep (DESIGN §11).

An edit keeps the value it found only where that helps the employer fix it and cannot identify a
person: values of code-list, date, time and number fields, truncated. Everything else — values of
free-text or unknown fields, the incident number, the employee id, any value equal to (or holding)
an employee id of the same delivery, and values that look like an identifier where a code, date or
number belongs (a column shift puts ids there) — is stored as `[verwijderd]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from connectors import RawTable
from schemas.fields import FieldName, field_codelists
from schemas.profile import (
    DATE_FIELDS,
    GEMEENTE_FIELDS,
    INTEGER_FIELDS,
    TIME_FIELDS,
    MappingProfile,
)

REMOVED = "[verwijderd]"
MAX_SHOWN = 60  # characters of a kept value
MIN_ID_LENGTH = 3  # shorter employee ids are not searched for inside other values
_CODE = frozenset(field_codelists()) | {FieldName.ORGANISATIECODE.value}
_GEMEENTE = frozenset(GEMEENTE_FIELDS)
_DATE = frozenset((*DATE_FIELDS, *TIME_FIELDS))
_NUMBER = frozenset(INTEGER_FIELDS)
# Letters and digits mixed (M-77, P12345) or five digits or more: an identifier, not a code.
_IDENTIFIER = re.compile(r"(?=.*[A-Za-z])(?=.*\d)|\d{5,}")
_DATE_TEXT = re.compile(r"[\d\s./:T-]{1,25}|\d{4}Q[1-4]")  # a date, a time, or a period (W07)
_NUMBER_TEXT = re.compile(r"[+-]?[\d\s.,]{1,12}|[^\W\d_]{1,20}")
_GEMEENTE_TEXT = re.compile(r"(GM)?\d{1,4}|[^\d]{1,40}", re.IGNORECASE)


def employee_ids(raw: RawTable, profile: MappingProfile) -> frozenset[str]:
    """The raw employee ids of a delivery: the values of its medewerker column."""
    mapping = profile.fields.get(FieldName.MEDEWERKER_ID)
    column = mapping.column if mapping is not None else None
    if column is None or column not in raw.cells.columns:
        return frozenset()
    values = raw.cells[column].dropna().astype(str).str.strip()
    return frozenset(v for v in values if v)


def minimal_value(veld: object, waarde: object, ids: Iterable[str] = ()) -> object:
    """The value an edit may keep: itself (truncated) when safe, else `[verwijderd]`."""
    if waarde is None or (not isinstance(waarde, list | tuple) and pd.isna(waarde)):
        return None
    text = str(waarde).strip()
    if _holds_id(text, ids) or not _fits(str(veld) if isinstance(veld, str) else "", text):
        return REMOVED
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def minimise_edits(edits: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """The edits with every `waarde` reduced to what may be kept (see the module docstring)."""
    if edits.empty or "waarde" not in edits.columns:
        return edits
    known = frozenset(ids)
    values = [
        minimal_value(v, w, known) for v, w in zip(edits["veld"], edits["waarde"], strict=True)
    ]
    return edits.assign(waarde=pd.Series(values, index=edits.index, dtype=object))


def _holds_id(text: str, ids: Iterable[str]) -> bool:
    """True when the text is, or contains, one of the delivery's employee ids."""
    return any(text == i or (len(i) >= MIN_ID_LENGTH and i in text) for i in ids)


def _fits(veld: str, text: str) -> bool:
    """True when the text is a plausible value of the field's kind and no identifier."""
    if veld in _DATE:
        return bool(_DATE_TEXT.fullmatch(text))
    if veld in _NUMBER:
        return bool(_NUMBER_TEXT.fullmatch(text)) and not _IDENTIFIER.search(text)
    if veld in _GEMEENTE:
        return bool(_GEMEENTE_TEXT.fullmatch(text))
    if veld in _CODE:
        return len(text) <= 2 * MAX_SHOWN and not _IDENTIFIER.search(text)
    return False  # free text, incident number, employee id, unknown fields
