"""Validate harmonised rows with the numbered edits (DESIGN §6) and the pydantic model.

The row checks come from the edit registry (`schemas/edits.py`) and run in one loop: first the
checks on every received row (errors, and warnings that load a value as missing), then the
pydantic model as a last guard, then the warnings on the rows that will be loaded. Errors reject
the row; warnings keep it. Every input row ends as exactly one of: loaded, rejected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pipeline.ingest.harmonise import EDIT_COLUMNS, Harmonised
from schemas.edit_checks import CheckContext, Rows, column
from schemas.edit_codes import EditCode
from schemas.edits import EDITS, Severity, row_checks
from schemas.fields import FieldName as F
from schemas.guard import column_errors
from schemas.incident import Incident, Periode
from schemas.rows import ROW_COLUMN, delivery_of, row_in_delivery

INCIDENT_FIELDS = tuple(Incident.model_fields)
EMPTY_EDITS = pd.DataFrame(columns=EDIT_COLUMNS)
DELIVERY = "_levering"  # a batch row's delivery, while the batch is split
NO_EDITS = pd.DataFrame(columns=[*EDIT_COLUMNS, "incidentnummer", "severity"])  # a clean delivery's
# The edit for a value the pydantic model rejects (the guard), by field; E02 for the others.
GUARD_CODES: dict[str, EditCode] = {F.INCIDENTDATUM: EditCode.E04, F.REGISTRATIEDATUM: EditCode.E04,
               F.INCIDENTTIJD: EditCode.E04, F.AANTAL_DADERS: EditCode.E05,
               F.VERZUIM_DAGEN: EditCode.E05}  # fmt: skip


@dataclass(frozen=True)
class Validated:
    """The rows to load, and every edit (errors and warnings) with its severity."""

    incidents: pd.DataFrame  # the national fields, `rij` (the row in the employer's file), ...
    edits: pd.DataFrame  # EDIT_COLUMNS + severity
    rows_in: int

    @property
    def rows_rejected(self) -> int:
        """Rows with at least one error edit."""
        if self.edits.empty:  # most deliveries: no pandas work on nothing
            return 0
        errors = self.edits[self.edits["severity"] == Severity.ERROR.value]
        return int(errors["rij"].nunique())


def _edit_rows(frame: pd.DataFrame, mask: pd.Series, veld: F, code: EditCode) -> pd.DataFrame:
    """Edit rows for every True in mask, showing the value of `veld` (empty when none)."""
    if not mask.any():
        return EMPTY_EDITS
    return pd.DataFrame({"rij": frame.loc[mask, ROW_COLUMN], "veld": veld.value,
                         "code": code.value, "waarde": column(frame, veld)[mask].map(
                             _text, na_action="ignore")})  # fmt: skip


def _text(value: object) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def run_row_checks(
    frame: pd.DataFrame, ctx: CheckContext, rows: Rows
) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """Run the registry's row checks on `rows`: (the edits found, the frame with every value a
    check loads as missing blanked)."""
    found: list[pd.DataFrame] = []
    blanked = frame
    for edit, check in row_checks(rows):
        fails = check.failing(frame, ctx)
        found.append(_edit_rows(frame, fails, check.field, edit.code))
        if check.blanks and check.field in blanked:
            blanked = blanked.assign(
                **{check.field.value: blanked[check.field].where(~fails, None)}
            )
    return found, blanked


def model_errors(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate the rows to load with the pydantic Incident model: a last, independent guard
    (field by field over whole columns, `schemas.guard`; the same verdict as row by row).

    A missing value is None to the model. Harmonising leaves None in a column of objects, so
    those go as they are; only where the model meets pandas' NaN, NA or NaT (no field takes one:
    it raises or is an error, `tests/pipeline/test_validate.py`) is every column validated again
    with those as None. Finding them first took ~3 ms for every 100,000 values."""
    try:
        errors = column_errors(_columns(frame, as_none=False))
        again = any(_marks_missing(error.input) for error in errors)
    except TypeError:  # pydantic on NaT in a date field
        again = True
    if again:
        errors = column_errors(_columns(frame, as_none=True))
    numbers = frame[ROW_COLUMN].to_numpy()
    rows = [{"rij": numbers[error.row], "veld": error.field,
             "code": GUARD_CODES.get(error.field, EditCode.E02).value,
             "waarde": str(error.input)[:200]} for error in errors]  # fmt: skip
    return pd.DataFrame(rows, columns=EDIT_COLUMNS)


def _columns(frame: pd.DataFrame, *, as_none: bool) -> dict[str, list[object]]:
    """The model's fields as lists; a column of objects as it is unless `as_none`, else with
    every missing value as None."""
    return {name: frame[name].tolist() if frame[name].dtype == object and not as_none
            else frame[name].to_numpy(dtype=object, na_value=None).tolist()
            for name in INCIDENT_FIELDS}  # fmt: skip


def _marks_missing(value: object) -> bool:
    """Whether a value is pandas' mark of a missing one (NaN, NA, NaT), not a value of its own."""
    return value is not None and pd.api.types.is_scalar(value) and bool(pd.isna(value))


def validate_delivery(
    harmonised: Harmonised, periode: Periode, today: dt.date, *, period_from_data: bool = False
) -> Validated:
    """Apply every row edit to one delivery; split its rows into loaded and rejected.

    With `period_from_data` the delivery gets W07: its period was taken from the incident dates.
    """
    return validate_deliveries(harmonised, [(periode, period_from_data)], today)[0]


def validate_deliveries(
    harmonised: Harmonised, periodes: Sequence[tuple[Periode, bool]], today: dt.date
) -> list[Validated]:
    """Apply every row edit to a batch of deliveries (rows numbered as in `schemas.rows`), and
    split the outcome back per delivery: its rows to load, its edits, how many rows it had.

    `periodes` holds each delivery's period and whether it was taken from the data (W07).
    """
    ctx = CheckContext(today=today, periode=periodes[0][0],
                       periodes={i: periode for i, (periode, _) in enumerate(periodes)})  # fmt: skip
    received, frame = run_row_checks(harmonised.frame, ctx, Rows.RECEIVED)
    errors = pd.concat([harmonised.edits, *received], ignore_index=True)
    is_error = errors["code"].map(lambda c: EDITS[c].severity is Severity.ERROR).astype(bool)
    rejected = errors.loc[is_error, "rij"]
    errors = errors[is_error | ~errors["rij"].isin(rejected)]  # a rejected row gets no warnings
    kept = frame[~frame[ROW_COLUMN].isin(rejected)]
    guard = model_errors(kept) if len(kept) else EMPTY_EDITS
    errors = pd.concat([errors, guard], ignore_index=True) if len(guard) else errors
    kept = kept[~kept[ROW_COLUMN].isin(guard["rij"])]
    found = [errors, *run_row_checks(kept, ctx, Rows.LOADED)[0]] if len(kept) else [errors]
    edits = pd.concat([f for f in found if len(f)] or [EMPTY_EDITS], ignore_index=True)
    numbers = frame.set_index(ROW_COLUMN)[F.BRON_INCIDENTNUMMER] if len(frame) else pd.Series()
    edits["incidentnummer"] = edits["rij"].map(numbers)  # the employer's own number, for feedback
    rows = pd.Series(edits["rij"], dtype="int64")
    edits = edits.assign(rij=row_in_delivery(rows), _levering=delivery_of(rows))
    position = delivery_of(kept[ROW_COLUMN]).to_numpy()
    kept = kept.assign(**{ROW_COLUMN: row_in_delivery(kept[ROW_COLUMN])}).rename(
        columns={ROW_COLUMN: "rij"}  # as loaded; once for the batch, not for every delivery
    )
    kept = _consolidated(kept)  # the frame of many blocks is let go here, before the split
    sizes = delivery_of(frame[ROW_COLUMN]).value_counts()
    by_delivery = dict(tuple(edits.groupby(DELIVERY, sort=False)))
    loaded = dict(tuple(kept.groupby(position, sort=False)))  # by an array: no column to drop
    none_loaded = kept.iloc[:0]
    return [
        _one_delivery(by_delivery.get(i, EMPTY_EDITS), loaded.get(i, none_loaded),
                      int(sizes.get(i, 0)), periode, from_data)
        for i, (periode, from_data) in enumerate(periodes)
    ]  # fmt: skip


def _consolidated(frame: pd.DataFrame) -> pd.DataFrame:
    """The same frame with the columns of one type in one block, as a frame built at once has
    them (a harmonised frame grows a block per field), side by side: ordered by type, then name.

    Every delivery's share is pickled to the flow: a share of 14 blocks took four times as long
    to pickle as one of 6. The flow loads a batch of deliveries as one frame: concatenating
    ~400 of them took 0.13 s when profiles ordered their columns differently, 0.03 s in one order.
    In name order the text columns' block was cut by the typed ones into five runs, each sliced
    out of every frame: the flow's two concatenations of the national sample's load batches (its
    quality scores and its load) took 0.24 s, 0.13 s with each type's columns side by side.
    """
    order = sorted(frame.columns, key=lambda name: (str(frame[name].dtype), name))
    return pd.DataFrame({name: frame[name] for name in order}, index=frame.index)


def _one_delivery(edits: pd.DataFrame, kept: pd.DataFrame, rows_in: int, periode: Periode,
                  period_from_data: bool) -> Validated:  # fmt: skip
    """One delivery's share of a validated batch, with W07 when its period came from the data."""
    kept = kept.reset_index(drop=True)
    if edits.empty and not period_from_data:  # most deliveries: no pandas work on nothing
        return Validated(kept, NO_EDITS.copy(), rows_in=rows_in)
    edits = edits.drop(columns=[DELIVERY], errors="ignore")
    if period_from_data:
        w07 = pd.DataFrame([{"rij": None, "veld": F.INCIDENTDATUM.value,
                             "code": EditCode.W07.value, "waarde": periode.code}])  # fmt: skip
        edits = pd.concat([edits, w07], ignore_index=True) if len(edits) else w07
        numbers = edits["incidentnummer"].astype(object) if "incidentnummer" in edits else None
        edits["incidentnummer"] = None if numbers is None else numbers.where(numbers.notna(), None)
    edits = edits.reindex(columns=[*EDIT_COLUMNS, "incidentnummer"])
    edits["severity"] = edits["code"].map(lambda c: EDITS[c].severity.value)
    edits = edits.sort_values(["rij", "code"], kind="stable").reset_index(drop=True)
    return Validated(kept, edits, rows_in=rows_in)
