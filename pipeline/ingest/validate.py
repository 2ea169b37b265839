"""Validate harmonised rows with the numbered edits (DESIGN §6) and the pydantic model.

Errors reject the row; warnings keep it. Every input row ends as exactly one of: loaded, rejected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from connectors.base import ROW_COLUMN
from pipeline.ingest.harmonise import EDIT_COLUMNS, Harmonised
from schemas.edits import EDITS, Severity
from schemas.incident import EARLIEST_INCIDENTDATUM, Incident, Periode

INCIDENT_FIELDS = tuple(Incident.model_fields)
SERIOUS_LETSEL = ("medisch", "ernstig")
MAX_PLAUSIBLE_VERZUIM = 365
EMPTY_EDITS = pd.DataFrame(columns=EDIT_COLUMNS)


@dataclass(frozen=True)
class Validated:
    """The rows to load, and every edit (errors and warnings) with its severity."""

    incidents: pd.DataFrame
    edits: pd.DataFrame  # EDIT_COLUMNS + severity
    rows_in: int

    @property
    def rows_rejected(self) -> int:
        """Rows with at least one error edit."""
        errors = self.edits[self.edits["severity"] == Severity.ERROR.value]
        return int(errors["rij"].nunique())


def _edit_rows(frame: pd.DataFrame, mask: pd.Series, veld: str, code: str) -> pd.DataFrame:
    """Edit rows for every True in mask (an empty frame when there is none)."""
    if not mask.any():
        return EMPTY_EDITS
    values = frame[veld] if veld in frame else pd.Series(None, index=frame.index)
    return pd.DataFrame({"rij": frame.loc[mask, ROW_COLUMN], "veld": veld, "code": code,
                         "waarde": values[mask].map(_text, na_action="ignore")})  # fmt: skip


def _text(value: object) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def out_of_range(frame: pd.DataFrame, veld: str, today: dt.date) -> pd.Series:
    """Dates before EARLIEST_INCIDENTDATUM or after today."""
    dates = frame[veld] if veld in frame else pd.Series(None, index=frame.index)
    present = dates.notna()
    return present & ((dates.where(present, today) < EARLIEST_INCIDENTDATUM)
                      | (dates.where(present, today) > today))  # fmt: skip


def range_and_duplicate_errors(frame: pd.DataFrame, today: dt.date) -> list[pd.DataFrame]:
    """E04 incidentdatum out of range, W06 registratiedatum out of range (the incident still
    counts), and E06 duplicate incident numbers (first occurrence kept)."""
    found = [
        _edit_rows(frame, out_of_range(frame, "incidentdatum", today), "incidentdatum", "E04"),
        _edit_rows(
            frame, out_of_range(frame, "registratiedatum", today), "registratiedatum", "W06"
        ),
    ]
    numbers = frame["bron_incidentnummer"]
    duplicate = numbers.notna() & numbers.duplicated(keep="first")
    found.append(_edit_rows(frame, duplicate, "bron_incidentnummer", "E06"))
    return found


def warnings(frame: pd.DataFrame, periode: Periode) -> list[pd.DataFrame]:
    """W01–W05 on rows that will be loaded."""
    col = lambda name: frame[name] if name in frame else pd.Series(None, index=frame.index)  # noqa: E731
    only_verbaal = (
        col("gedragstypen").map(lambda g: g == ["verbaal"], na_action="ignore").fillna(False)
    )
    verzuim = pd.to_numeric(col("verzuim_dagen"), errors="coerce")
    datum, registratie = col("incidentdatum"), col("registratiedatum")
    known = datum.notna()
    outside = known & ((datum.where(known, periode.start) < periode.start)
                       | (datum.where(known, periode.start) > periode.end))  # fmt: skip
    both = known & registratie.notna()
    before = both & (registratie.where(both, periode.start) < datum.where(both, periode.start))
    return [
        _edit_rows(
            frame, col("vpt_markering").eq("ja") & col("aangifte").eq("nee"), "vpt_markering", "W01"
        ),
        _edit_rows(
            frame, col("letsel").isin(SERIOUS_LETSEL) & only_verbaal.astype(bool), "letsel", "W02"
        ),
        _edit_rows(frame, verzuim.gt(MAX_PLAUSIBLE_VERZUIM).fillna(False), "verzuim_dagen", "W03"),
        _edit_rows(frame, outside, "incidentdatum", "W04"),
        _edit_rows(frame, before, "registratiedatum", "W05"),
    ]


def model_errors(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate the rows to load with the pydantic Incident model: a last, independent guard."""
    records = frame[list(INCIDENT_FIELDS)].astype(object).where(frame.notna(), None)
    adapter = TypeAdapter(list[Incident])
    try:
        columns = list(records.columns)  # plain lists: DataFrame.to_dict boxes every cell
        adapter.validate_python([dict(zip(columns, row, strict=True))
                                 for row in records.to_numpy().tolist()])  # fmt: skip
    except ValidationError as exc:
        rows = []
        for error in exc.errors():
            position, veld = error["loc"][0], str(error["loc"][1]) if len(error["loc"]) > 1 else ""
            rows.append({"rij": frame[ROW_COLUMN].iloc[int(position)], "veld": veld,
                         "code": _code_for(veld), "waarde": str(error.get("input"))[:200]})  # fmt: skip
        return pd.DataFrame(rows, columns=EDIT_COLUMNS)
    return pd.DataFrame(columns=EDIT_COLUMNS)


def _code_for(veld: str) -> str:
    if veld in ("incidentdatum", "registratiedatum", "incidenttijd"):
        return "E04"
    if veld in ("aantal_daders", "verzuim_dagen"):
        return "E05"
    return "E02"


def validate_delivery(
    harmonised: Harmonised, periode: Periode, today: dt.date, *, period_from_data: bool = False
) -> Validated:
    """Apply every row edit; split the rows into loaded and rejected.

    With `period_from_data` the delivery gets W07: its period was taken from the incident dates.
    """
    frame = harmonised.frame.copy()
    errors = pd.concat(
        [harmonised.edits, *range_and_duplicate_errors(frame, today)], ignore_index=True
    )
    if "registratiedatum" in frame:
        late = out_of_range(frame, "registratiedatum", today)
        frame["registratiedatum"] = frame["registratiedatum"].where(~late, None)
    is_error = errors["code"].map(lambda c: EDITS[c].severity is Severity.ERROR).astype(bool)
    rejected = errors.loc[is_error, "rij"]
    errors = errors[is_error | ~errors["rij"].isin(rejected)]  # a rejected row gets no warnings
    kept = frame[~frame[ROW_COLUMN].isin(rejected)]
    guard = model_errors(kept) if len(kept) else EMPTY_EDITS
    errors = pd.concat([errors, guard], ignore_index=True) if len(guard) else errors
    kept = kept[~kept[ROW_COLUMN].isin(guard["rij"])]
    found = [errors, *warnings(kept, periode)] if len(kept) else [errors]
    if period_from_data:
        found.append(pd.DataFrame([{"rij": None, "veld": "incidentdatum", "code": "W07",
                                    "waarde": periode.code}]))  # fmt: skip
    edits = (
        pd.concat([f for f in found if len(f)], ignore_index=True)
        if any(len(f) for f in found)
        else pd.DataFrame(columns=EDIT_COLUMNS)
    )
    edits["severity"] = edits["code"].map(lambda c: EDITS[c].severity.value)
    numbers = frame.set_index(ROW_COLUMN)["bron_incidentnummer"] if len(frame) else pd.Series()
    edits["incidentnummer"] = edits["rij"].map(numbers)  # the employer's own number, for feedback
    edits = edits.sort_values(["rij", "code"], kind="stable").reset_index(drop=True)
    return Validated(kept.reset_index(drop=True), edits, rows_in=len(frame))
