"""The manifest `sample.json`: arguments, special cases and every generated file's hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pipeline.sample.model import SUPERSEDED, DeliveryFile, periode
from pipeline.sample.plan import SamplePlan
from pipeline.sample.series import FALLING_AANGIFTE, RISING_GEDRAG
from pipeline.sample.truth import iso_utc
from schemas.edit_codes import EditCode
from schemas.fields import FieldName

MANIFEST_NAME = "sample.json"
OUTPUT_FOLDERS = ("inbox", "reference", "truth")
LEVERT_VOOR_NAME = "levert_voor.csv"


def _where(delivery: DeliveryFile) -> dict[str, str]:
    """Describe a delivery by organisation, period and file."""
    return {
        FieldName.ORGANISATIECODE: delivery.organisation.code,
        "organisatiecode_bron": delivery.bron_code,
        "periode": delivery.periode,
        "bronbestand": delivery.file_name,
    }


def _of(files: list[DeliveryFile], key: tuple[str, int], year: int) -> list[DeliveryFile]:
    """Return the delivery files of one organisation and quarter of `year`."""
    return [f for f in files if (f.organisation.code, f.quarter, f.year) == (*key, year)]


def describe_cases(plan: SamplePlan, files: list[DeliveryFile]) -> dict[str, Any]:
    """Describe where each special case sits, so tests and people can find it."""
    cases = plan.cases
    legacy_code, _, legacy_quarter = cases.legacy
    redelivery = _of(files, cases.redelivery, plan.year)
    duplicates = [
        _where(f) | {FieldName.BRON_INCIDENTNUMMER: row.incident.number}
        for f in files
        for row in f.rows
        if row.code == EditCode.E06
    ]
    missing_code, missing_quarter = cases.missing
    return {
        "pre_2023_code": [_where(f) for f in _of(files, (legacy_code, legacy_quarter), plan.year)],
        "nil_returns": [_where(f) for f in files if f.geen_incidenten],
        "redelivery": {
            "superseded": [_where(f) for f in redelivery if f.status == SUPERSEDED],
            "correction": [_where(f) for f in redelivery if f.status != SUPERSEDED],
        },
        "unreadable": [_where(f) for f in files if f.unreadable],
        "missing_quarter": {
            FieldName.ORGANISATIECODE: missing_code,
            "periode": periode(plan.year, missing_quarter),
        },
        "duplicate_incidentnummers": duplicates,
        **_coverage_cases(plan, files),
        **_series_cases(plan),
    }


def _series_cases(plan: SamplePlan) -> dict[str, Any]:
    """Describe the series around the main year: its developments, break and region below
    the coverage floor (empty when the sample holds only the main year)."""
    series = plan.series
    cases: dict[str, Any] = {
        "developments": {
            "stijgend_gedragstype": RISING_GEDRAG,
            "dalend_aangifte_beroepsgroep": FALLING_AANGIFTE,
        }
    }
    if series.series_break:
        code, profiel, since = series.series_break
        cases["series_break"] = {FieldName.ORGANISATIECODE: code, "eerder_profiel": profiel,
                                 "vanaf": periode(*since)}  # fmt: skip
    if series.below_floor:
        region, when, missing = series.below_floor
        cases["below_floor"] = {"veiligheidsregio": region, FieldName.BEROEPSGROEP: "boa",
                                "periode": periode(*when), "niet_geleverd": list(missing)}  # fmt: skip
    return cases


def _coverage_cases(plan: SamplePlan, files: list[DeliveryFile]) -> dict[str, Any]:
    """Describe the covered-by relation and the late delivery."""
    relation = plan.coverage.levert_voor
    late = _of(files, plan.coverage.late, plan.year)
    return {
        "levert_voor": [
            {
                "leverancier": relation.leverancier,
                FieldName.ORGANISATIECODE: relation.organisatie,
                "vanaf": relation.vanaf,
                "tot": relation.tot,
            }
        ],
        "late": [
            {
                FieldName.ORGANISATIECODE: f.organisation.code,
                "periode": f.periode,
                "bronbestand": f.file_name,
                "received_at": iso_utc(f.received),
            }
            for f in late
        ],
    }


def file_hashes(out: Path) -> list[dict[str, str]]:
    """List every generated file with its SHA-256, in path order."""
    paths = sorted(p for folder in OUTPUT_FOLDERS for p in (out / folder).rglob("*") if p.is_file())
    return [
        {
            "path": path.relative_to(out).as_posix(),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
        for path in paths
    ]


def write_manifest(out: Path, plan: SamplePlan, files: list[DeliveryFile]) -> None:
    """Write `sample.json` with the arguments, the special cases and the file hashes."""
    manifest = {
        "year": plan.year,
        "start_periode": periode(*plan.series.quarters[0]),  # MONITOR_START_PERIODE for a run
        "eind_periode": periode(*plan.series.quarters[-1]),
        "seed": plan.seed,
        "scale": plan.scale,
        "demo_key_allowed": True,
        "cases": describe_cases(plan, files),
        "files": file_hashes(out),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    (out / MANIFEST_NAME).write_text(f"{text}\n", encoding="utf-8")
