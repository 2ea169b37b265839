"""Harmonise a delivery: map its raw text cells onto the national fields, vectorised.

Pure functions, frame in and frame out. Every cell that cannot be mapped becomes a numbered edit
(E01 missing, E02 not in the code list, E03 invalid date or time, E05 invalid number); nothing is
guessed and nothing is dropped here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from connectors.base import RawTable, normalise_header
from pipeline.ingest.codes import map_codes, split_codes
from pipeline.ingest.gedrag import most_serious
from pipeline.ingest.parsing import (
    on_distinct,
    parse_dates,
    parse_integers,
)
from pipeline.ingest.reference import Reference
from schemas.codelists import FIELD_CODELIST, load_codelists
from schemas.edit_codes import EditCode
from schemas.fields import CATALOGUE, FieldKind, FieldName
from schemas.profile import (
    CODE_FIELDS,
    DATE_FIELDS,
    GEMEENTE_FIELDS,
    INTEGER_FIELDS,
    MAPPABLE_FIELDS,
    MULTI_CODE_FIELDS,
    REQUIRED_FIELDS,
    TIME_FIELDS,
    FieldMap,
    GemeenteTransform,
    MappingProfile,
)
from schemas.rows import ROW_COLUMN
from schemas.vocabulary import ONBEKEND

EDIT_COLUMNS = ["rij", "veld", "code", "waarde"]
SOURCE_SUFFIX = "_bron"  # a recoded gemeente keeps its delivered code in <field>_bron
NATIONAL_FIELDS = (*MAPPABLE_FIELDS, *(f"{name}{SOURCE_SUFFIX}" for name in GEMEENTE_FIELDS))
ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")
TIME_FORMATS = ("%H:%M", "%H:%M:%S")
INTEGER_MINIMUM = {s.name: s.minimum or 0 for s in CATALOGUE if s.kind is FieldKind.INTEGER}
EMPLOYEE_ID, PSEUDONYM = FieldName.MEDEWERKER_ID.value, FieldName.MEDEWERKER_PSEUDONIEM.value
BEROEPSGROEP = FieldName.BEROEPSGROEP.value


@dataclass(frozen=True)
class Harmonised:
    """National columns for every input row, plus the edits found while mapping."""

    frame: pd.DataFrame  # one row per input row, indexed like the raw cells
    edits: pd.DataFrame  # EDIT_COLUMNS


def source_column(cells: pd.DataFrame, name: str) -> pd.Series:
    """The raw cells of a source column, found by its normalised header."""
    by_norm = {normalise_header(str(c)): c for c in cells.columns.tolist()}
    return cells[by_norm[normalise_header(name)]]


def missing_columns(cells: pd.DataFrame, profile: MappingProfile) -> list[str]:
    """Source columns the profile maps that the delivery lacks (S03). A tick-box column is
    found by its name or by its meaning (`Fysieke agressie (lichamelijk)` for fysiek_geweld)."""
    names = [str(c) for c in cells.columns.tolist()]
    present = {normalise_header(c) for c in names}
    missing = []
    for mapping in profile.fields.values():
        if mapping.ticks:
            found = mapping.tick_columns(names)
            missing += [mapping.ticks[code] for code, column in found.items() if column is None]
        else:
            missing += [c for c in mapping.source_columns() if normalise_header(c) not in present]
    return missing


def _edits(
    mask: pd.Series, rows: pd.Series, veld: str, code: EditCode, values: pd.Series
) -> pd.DataFrame | None:
    """Edit rows for every True in mask (None when there is none)."""
    if not mask.any():
        return None
    return pd.DataFrame({"rij": rows[mask], "veld": veld, "code": code,
                         "waarde": values[mask].astype(object)})  # fmt: skip


def map_ticks(
    cells: pd.DataFrame, mapping: FieldMap, allowed: tuple[str, ...]
) -> tuple[pd.Series, pd.Series]:
    """Tick-box columns: a tick value means the code applies; anything else is E02."""
    ticks = {normalise_header(v) for v in mapping.tick_values}
    marked, bad = {}, pd.Series(False, index=cells.index)
    found = mapping.tick_columns([str(c) for c in cells.columns.tolist()])
    for code in (c for c in allowed if found.get(c) is not None):
        (column,) = on_distinct(cells[found[code]],  # a few distinct texts in a column
                                lambda v: (v.map(normalise_header, na_action="ignore"),))  # fmt: skip
        marked[code] = column.isin(ticks)
        bad |= column.notna() & ~marked[code]
    return _true_columns(pd.DataFrame(marked, index=cells.index)), bad


def _true_columns(flags: pd.DataFrame) -> pd.Series:
    """Per row, the list of column names whose flag is True (None when there is none); one list
    per pattern of flags, shared by its rows (the checks of a list run once per list object:
    `schemas.guard`, `gedrag.most_serious`)."""
    columns = [str(c) for c in flags.columns]
    ticked = [flags[c].to_numpy(dtype=bool) for c in flags.columns]
    distinct, inverse = _tick_patterns(ticked, len(flags))
    lists = np.empty(len(distinct), dtype=object)
    for i, key in enumerate(distinct):
        lists[i] = [c for bit, c in enumerate(columns) if key >> bit & 1] or None
    return pd.Series(lists[inverse], index=flags.index, dtype=object)


def _tick_patterns(ticked: list[np.ndarray], rows: int) -> tuple[list[int], np.ndarray]:
    """Each row's ticks as the bits of one key: the distinct keys (a few patterns for many rows),
    and each row's position among them."""
    assert len(ticked) < 63, "a tick-box column per code of a code list: a few"  # bits of a key
    keys = np.zeros(rows, dtype=np.int64)
    for bit, column in enumerate(ticked):
        keys |= column.astype(np.int64) << bit
    distinct, inverse = np.unique(keys, return_inverse=True)
    return distinct.tolist(), inverse


def map_gemeente(
    values: pd.Series, transform: GemeenteTransform, ref: Reference
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Gemeente as written → (today's code, the code as delivered, unknown mask)."""
    text = values.astype("string").str.strip()
    if transform is GemeenteTransform.NAAM:
        codes = text.str.lower().map(ref.gemeente_by_name())
    elif transform is GemeenteTransform.NUMMER:
        digits = text.where(text.str.fullmatch(r"\d{1,4}"))
        codes = "GM" + digits.str.zfill(4)
    else:
        codes = text.str.upper().where(text.str.upper().str.fullmatch(r"GM\d{4}"))
    codes = codes.astype(object).where(codes.notna(), None)
    known = set(ref.gemeenten["gemeentecode"]) | set(ref.successor) | set(ref.split_codes)
    unknown = values.notna() & ~codes.isin(known)
    original = codes.where(~unknown, None)
    current = original.map(lambda c: None if c is None or c in ref.split_codes
                           else ref.current_code(c))  # fmt: skip
    current = current.astype(object)
    return current.where(current.notna(), None), original.astype(object), unknown


@dataclass(frozen=True)
class DeliveryContext:
    """What the harmonisation needs to know about the delivery as a whole.

    For a batch of deliveries (`schemas.rows`) the organisation is a column aligned with the
    cells: each row's own delivery's organisation.
    """

    organisatiecode: str | pd.Series  # today's code
    organisatiecode_bron: str | pd.Series  # as delivered
    pseudonym_key: bytes


def apply_profile(
    raw: RawTable, profile: MappingProfile, ctx: DeliveryContext, ref: Reference
) -> Harmonised:
    """Map every field the profile names; unmapped national fields stay missing.

    Only what makes an incident countable rejects it (E edits): the required fields, of which
    one valid gedragstype is enough, and a blank beroepsgroep is the organisation's own
    (DESIGN §6). An invalid value elsewhere is loaded as missing (or `onbekend`) with W06.
    """
    cells, rows = raw.cells, raw.cells[ROW_COLUMN]
    columns: dict[str, pd.Series] = {}
    found: list[pd.DataFrame | None] = []
    for name, mapping in profile.fields.items():
        raw_values = _raw_values(cells, mapping)
        values, bad, code, extra = _map_field(name, mapping, raw_values, cells, ref)
        shown = extra.pop("_onbekend_deel", raw_values)
        if name == BEROEPSGROEP:
            values, contradicts = default_beroepsgroep(values, ctx.organisatiecode)
            found.append(_edits(contradicts, rows, name, EditCode.W08, raw_values))
        if name not in REQUIRED_FIELDS:
            values = _blank_invalid(name, values, bad)
            code = EditCode.W06
        elif name in MULTI_CODE_FIELDS:  # one valid type keeps the incident; the unknown part warns
            found.append(_edits(bad & values.notna(), rows, name, EditCode.W06, shown))
            bad = bad & values.isna()
        columns.update({name: values, **extra})
        found.append(_edits(bad, rows, name, code, shown))
        if name in REQUIRED_FIELDS:
            found.append(_edits(values.isna() & ~bad, rows, name, EditCode.E01, raw_values))
    out = pd.DataFrame(columns, index=cells.index)
    out.insert(0, "organisatiecode", ctx.organisatiecode)
    out.insert(1, "organisatiecode_bron", ctx.organisatiecode_bron)
    for name in (f for f in NATIONAL_FIELDS if f not in out):
        out[name] = pd.Series(
            None, index=out.index, dtype="Int64" if name in INTEGER_FIELDS else object
        )
    out[PSEUDONYM] = _pseudonyms(out, ctx)
    out = out.drop(columns=[EMPLOYEE_ID], errors="ignore")
    out[FieldName.ZWAARSTE_GEDRAGSTYPE.value] = most_serious(out[FieldName.GEDRAGSTYPEN.value])
    out[ROW_COLUMN] = rows
    edits = [e for e in found if e is not None]
    frame = pd.concat(edits, ignore_index=True) if edits else pd.DataFrame(columns=EDIT_COLUMNS)
    return Harmonised(out, frame)


def quarter_of_dates(values: pd.Series, formats: tuple[str, ...] = ()) -> tuple[int, int] | None:
    """(jaar, kwartaal) when every readable date falls in one quarter; None otherwise."""
    dates, _ = parse_dates(values, ISO_FORMATS + formats, dutch=True)
    quarters = {(d.year, (d.month + 2) // 3) for d in dates.dropna()}
    return quarters.pop() if len(quarters) == 1 else None


def suggest_codes(veld: str | None, waarde: object) -> tuple[str, ...]:
    """The closest codes for an unknown value of a coded field (a hint in feedback only)."""
    listname = FIELD_CODELIST.get(veld or "")
    if listname is None or waarde is None or (not isinstance(waarde, str) and pd.isna(waarde)):
        return ()
    return load_codelists().suggest(listname, waarde)


def default_beroepsgroep(
    values: pd.Series, organisatiecode: str | pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Blank beroepsgroep → the organisation's own; (values, mask of values contradicting it).
    `organisatiecode` is one code, or each row's code (a batch of deliveries)."""
    codelists = load_codelists()
    if isinstance(organisatiecode, str):
        own: object = codelists.default_beroepsgroep(organisatiecode)
        if own is None:
            return values, pd.Series(False, index=values.index)
    else:
        table = {code: codelists.default_beroepsgroep(code) for code in organisatiecode.unique()}
        own = organisatiecode.map(table).astype(object)
    contradicts = values.notna() & pd.Series(own, index=values.index).notna() & values.ne(own)
    filled = values.where(values.notna(), own)
    return filled.astype(object), contradicts.astype(bool)


def _blank_invalid(name: str, values: pd.Series, bad: pd.Series) -> pd.Series:
    """An invalid optional value becomes missing, or `onbekend` where its code list has it."""
    if not bad.any():
        return values
    listname = FIELD_CODELIST.get(name)
    unknown = ONBEKEND if listname and ONBEKEND in load_codelists().codes(listname) else None
    if unknown is None and name in INTEGER_FIELDS:
        return values.mask(bad)
    return values.astype(object).where(~bad, unknown)


def _raw_values(cells: pd.DataFrame, mapping: FieldMap) -> pd.Series:
    """The source text behind a mapping (tick boxes: the ticked column names)."""
    if mapping.column is not None:
        return source_column(cells, mapping.column)
    if mapping.constant is not None:
        return pd.Series(mapping.constant, index=cells.index, dtype=object)
    found = [
        c for c in mapping.tick_columns([str(c) for c in cells.columns.tolist()]).values() if c
    ]
    distinct, inverse = _tick_patterns([cells[c].notna().to_numpy() for c in found], len(cells))
    texts = [",".join(c for bit, c in enumerate(found) if key >> bit & 1) or None
             for key in distinct]  # fmt: skip
    return pd.Series(np.array(texts, dtype=object)[inverse], index=cells.index, dtype=object)


def _map_field(
    name: str, mapping: FieldMap, values: pd.Series, cells: pd.DataFrame, ref: Reference
) -> tuple[pd.Series, pd.Series, EditCode, dict[str, pd.Series]]:
    """Dispatch on the field's kind: (values, bad mask, edit code, extra columns)."""
    codelists = load_codelists()
    if name in MULTI_CODE_FIELDS:
        allowed = codelists.for_field(name)
        if mapping.ticks:
            lists, bad = map_ticks(cells, mapping, allowed)
            return lists, bad, EditCode.E02, {}
        lists, unknown = on_distinct(values, lambda v: split_codes(v, mapping, allowed))
        return (
            lists,
            unknown.notna(),
            EditCode.E02,
            {"_onbekend_deel": unknown.where(unknown.notna(), values)},
        )
    if name in CODE_FIELDS:
        allowed = codelists.for_field(name)
        codes, bad = on_distinct(values, lambda v: map_codes(v, mapping, allowed))
        return codes, bad, EditCode.E02, {}
    if name in DATE_FIELDS:
        formats = ISO_FORMATS + mapping.formats
        dates, bad = on_distinct(values, lambda v: parse_dates(v, formats, dutch=True))
        return dates, bad, EditCode.E03, {}
    if name in TIME_FIELDS:
        formats = TIME_FORMATS + mapping.formats
        times, bad = on_distinct(values, lambda v: parse_dates(v, formats, times=True, dutch=True))
        return times, bad, EditCode.E03, {}
    if name in INTEGER_FIELDS:
        minimum = INTEGER_MINIMUM[name]
        numbers, bad = on_distinct(values, lambda v: parse_integers(v, minimum))
        return numbers, bad, EditCode.E05, {}
    if name in GEMEENTE_FIELDS:
        transform = mapping.transform or GemeenteTransform.CODE
        current, original, bad = on_distinct(values, lambda v: map_gemeente(v, transform, ref))
        return current, bad, EditCode.E02, {f"{name}{SOURCE_SUFFIX}": original}
    text = values.astype(object).where(values.notna(), None)
    return text, pd.Series(False, index=values.index), EditCode.E01, {}


def _pseudonyms(out: pd.DataFrame, ctx: DeliveryContext) -> pd.Series:
    """Replace the raw employee id by its keyed pseudonym (DESIGN §9)."""
    from pipeline.ingest.pseudonym import pseudonymise

    if EMPLOYEE_ID not in out:
        return pd.Series(None, index=out.index, dtype=object)
    return pseudonymise(out[EMPLOYEE_ID], ctx.organisatiecode, ctx.pseudonym_key)
