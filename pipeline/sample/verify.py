"""Compare the warehouse with a generated sample's ground truth (`truth/*.csv`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from pipeline.ingest.pseudonym import pseudonymise
from pipeline.sample.truth import INCIDENT_COLUMNS
from pipeline.warehouse.store import Warehouse
from schemas.fields import FieldName

ORGANISATION, NUMBER = FieldName.ORGANISATIECODE, FieldName.BRON_INCIDENTNUMMER
EMPLOYEE, PSEUDONYM = FieldName.MEDEWERKER_ID, FieldName.MEDEWERKER_PSEUDONIEM
KEY = [ORGANISATION, NUMBER]
# the truth's incident columns but the key; the employee id is compared as its pseudonym
FIELDS = [PSEUDONYM if name == EMPLOYEE else name for name in INCIDENT_COLUMNS if name not in KEY]


@dataclass
class TruthComparison:
    """Differences between the warehouse and the truth; empty lists mean they agree."""

    incidents_expected: int = 0
    incidents_loaded: int = 0
    missing_incidents: list[str] = field(default_factory=list)
    unexpected_incidents: list[str] = field(default_factory=list)
    field_differences: list[str] = field(default_factory=list)
    missing_rejects: list[str] = field(default_factory=list)
    unexpected_rejects: list[str] = field(default_factory=list)
    missing_warnings: list[str] = field(default_factory=list)
    unexpected_warnings: list[str] = field(default_factory=list)
    ledger_differences: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        """True when nothing differs."""
        return not any(v for v in vars(self).values() if isinstance(v, list))


def _text(value: object) -> str:
    """A warehouse value as the truth CSV writes it."""
    if isinstance(value, list | tuple | np.ndarray):
        return "|".join(map(str, value))
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_truth(truth_dir: Path, name: str) -> pd.DataFrame:
    """One truth file, every value as text."""
    return pd.read_csv(truth_dir / f"{name}.csv", dtype=str, keep_default_na=False)


def compare_incidents(wh: Warehouse, truth_dir: Path, key: bytes, result: TruthComparison) -> None:
    """The loaded incidents must equal the truth: same keys, same national field values."""
    truth = read_truth(truth_dir, "incidents")
    ids = truth[EMPLOYEE].where(truth[EMPLOYEE] != "", None)
    pseudonyms = pseudonymise(ids, truth[ORGANISATION], key)
    truth[PSEUDONYM] = pseudonyms.where(pseudonyms.notna(), "")
    loaded = wh.query(f"SELECT {', '.join(KEY + FIELDS)} FROM core.incident")
    loaded = loaded.apply(lambda col: col.map(_text)) if len(loaded) else loaded
    result.incidents_expected, result.incidents_loaded = len(truth), len(loaded)
    merged = truth.merge(loaded, on=KEY, how="outer", suffixes=("_truth", "_wh"), indicator=True)
    keys = merged[ORGANISATION] + " " + merged[NUMBER]
    result.missing_incidents = keys[merged["_merge"] == "left_only"].tolist()
    result.unexpected_incidents = keys[merged["_merge"] == "right_only"].tolist()
    both = merged[merged["_merge"] == "both"]
    for name in FIELDS:
        differ = both[both[f"{name}_truth"] != both[f"{name}_wh"]]
        result.field_differences += [
            f"{r[ORGANISATION]} {r[NUMBER]} {name}: "
            f"verwacht '{r[f'{name}_truth']}', geladen '{r[f'{name}_wh']}'"
            for _, r in differ.iterrows()
        ]


def _edit_keys(frame: pd.DataFrame, with_code: bool = True) -> set[str]:
    rij = frame["rij"].map(_text)
    parts = frame["bronbestand"] + " rij " + rij.where(rij != "", "-")
    return set(parts + " " + frame["code"]) if with_code else set(parts)


def compare_edits(wh: Warehouse, truth_dir: Path, result: TruthComparison) -> None:
    """Every truth reject is in ops.reject with its code, and no other row is rejected;
    the same for warnings."""
    rejects = wh.query("SELECT bronbestand, rij, code FROM ops.reject")
    truth_rejects = read_truth(truth_dir, "rejects")
    expected, found = _edit_keys(truth_rejects), _edit_keys(rejects)
    result.missing_rejects = sorted(expected - found)
    rejected_rows = _edit_keys(truth_rejects, with_code=False)
    result.unexpected_rejects = sorted(k for k in found if k.rsplit(" ", 1)[0] not in rejected_rows)
    warnings = wh.query("SELECT bronbestand, rij, code FROM ops.warning")
    expected_w, found_w = _edit_keys(read_truth(truth_dir, "warnings")), _edit_keys(warnings)
    result.missing_warnings = sorted(expected_w - found_w)
    result.unexpected_warnings = sorted(found_w - expected_w)


def compare_ledger(wh: Warehouse, truth_dir: Path, result: TruthComparison) -> None:
    """Every delivery file has the expected status, nil return flag, row counts and (when the
    truth has it) received time."""
    truth = read_truth(truth_dir, "deliveries")
    ledger = wh.query("SELECT bronbestand, status, geen_incidenten, rows_in, rows_loaded, "
                      "rows_rejected, epoch_ms(received_at) AS received_ms FROM ops.delivery")  # fmt: skip
    ledger["geen_incidenten"] = ledger["geen_incidenten"].map({True: "ja", False: "nee"})
    merged = truth.merge(ledger.astype(str), on="bronbestand", how="outer", suffixes=("", "_wh"),
                         indicator=True)  # fmt: skip
    for _, row in merged.iterrows():
        if row["_merge"] != "both":
            result.ledger_differences.append(f"{row['bronbestand']}: alleen in {row['_merge']}")
            continue
        for column in ("status", "rows_in", "rows_loaded", "rows_rejected"):
            if str(row[column]) != str(row[f"{column}_wh"]):
                result.ledger_differences.append(
                    f"{row['bronbestand']} {column}: verwacht {row[column]}, grootboek {row[f'{column}_wh']}"
                )
        if row["geen_incidenten"] and row["geen_incidenten"] != row["geen_incidenten_wh"]:
            result.ledger_differences.append(f"{row['bronbestand']} geen_incidenten verschilt")
        if row.get("received_at") and _epoch_ms(row["received_at"]) != row["received_ms"]:
            result.ledger_differences.append(
                f"{row['bronbestand']} received_at: verwacht {row['received_at']}, "
                f"grootboek {pd.to_datetime(int(row['received_ms']), unit='ms', utc=True)}"
            )


def _epoch_ms(moment: str) -> str:
    """An ISO 8601 moment (truth's received_at) as milliseconds since the epoch, as text."""
    return str(int(pd.Timestamp(moment).timestamp() * 1000))


def compare_with_truth(wh: Warehouse, sample_dir: Path, key: bytes) -> TruthComparison:
    """Compare incidents, rejects, warnings and the ledger with the sample's truth."""
    truth_dir = sample_dir / "truth"
    result = TruthComparison()
    compare_incidents(wh, truth_dir, key, result)
    compare_edits(wh, truth_dir, result)
    compare_ledger(wh, truth_dir, result)
    return result


def print_comparison(console: Console, result: TruthComparison) -> None:
    """The warehouse against the sample's truth, in Dutch."""
    console.print(f"Grondwaarheid: {result.incidents_expected} incidenten verwacht, "
                  f"{result.incidents_loaded} geladen.")  # fmt: skip
    checks = {
        "incidenten ontbreken": result.missing_incidents,
        "onverwachte incidenten": result.unexpected_incidents,
        "afwijkende veldwaarden": result.field_differences,
        "afkeuringen ontbreken": result.missing_rejects,
        "onverwachte afkeuringen": result.unexpected_rejects,
        "waarschuwingen ontbreken": result.missing_warnings,
        "onverwachte waarschuwingen": result.unexpected_warnings,
        "grootboek wijkt af": result.ledger_differences,
    }
    for label, items in checks.items():
        mark = "[green]ok[/]" if not items else f"[red]{len(items)}[/]"
        console.print(f"  {label}: {mark}")
        for item in items[:10]:
            console.print(f"    {item}")
    verdict = (
        "[green]Warehouse klopt met de grondwaarheid.[/]"
        if result.agrees
        else "[red]Verschillen gevonden.[/]"
    )
    console.print(verdict)
