"""Generate the national sample: plan, draw, write the inbox, the truth and the manifest."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.sample.deliveries import build_deliveries
from pipeline.sample.documents import write_delivery
from pipeline.sample.manifest import (
    LEVERT_VOOR_NAME,
    MANIFEST_NAME,
    OUTPUT_FOLDERS,
    write_manifest,
)
from pipeline.sample.model import LOADED, DeliveryFile, SampleError, load_gedragscodes, periode
from pipeline.sample.plan import SamplePlan, plan_sample
from pipeline.sample.population import Reference
from pipeline.sample.series import default_series, parse_quarter
from pipeline.sample.truth import (
    DELIVERY_COLUMNS,
    FTE_COLUMNS,
    INCIDENT_COLUMNS,
    LEVERT_VOOR_COLUMNS,
    REJECT_COLUMNS,
    WARNING_COLUMNS,
    delivery_rows,
    fte_rows,
    incident_rows,
    levert_voor_rows,
    reject_rows,
    warning_rows,
    write_csv,
)


@dataclass(frozen=True)
class SampleSummary:
    """What a generated sample holds, for the CLI to print."""

    out: Path
    year: int
    first: str
    last: str
    delivery_files: int
    truth_incidents: int
    truth_rejects: int
    incidents_per_beroepsgroep: dict[str, int]


def default_sample_year(today: date) -> int:
    """Return the main year of a sample made on `today`: the last year whose fourth quarter is
    due (the year before `today`'s, unless its last quarter's deadline has not yet passed)."""
    return default_series(today)[2]


def prepare_output(out: Path) -> None:
    """Empty the output folders of an earlier sample; refuse a non-empty foreign folder."""
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST_NAME).is_file():
            raise SampleError(
                f"{out} is not empty and holds no {MANIFEST_NAME}; choose another --out"
            )
        for folder in OUTPUT_FOLDERS:
            shutil.rmtree(out / folder, ignore_errors=True)
        (out / MANIFEST_NAME).unlink()
    out.mkdir(parents=True, exist_ok=True)


def write_inbox(inbox: Path, files: list[DeliveryFile], reference: Reference) -> None:
    """Write every delivery under its source code and set its mtime to the received time."""
    for delivery in files:
        folder = inbox / delivery.bron_code
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / delivery.file_name
        write_delivery(path, delivery, reference)
        stamp = delivery.received.timestamp()
        os.utime(path, (stamp, stamp))


def write_truth(out: Path, plan: SamplePlan, files: list[DeliveryFile]) -> tuple[int, int]:
    """Write the FTE and levert-voor references and the four truth files; return incident and
    reject counts."""
    reference = out / "reference"
    for year in sorted({year for year, _ in plan.series.quarters}):
        write_csv(reference / f"fte_{year}.csv", FTE_COLUMNS, fte_rows(plan.organisations))
    relations = levert_voor_rows([plan.coverage.levert_voor])
    write_csv(reference / LEVERT_VOOR_NAME, LEVERT_VOOR_COLUMNS, relations)
    truth = out / "truth"
    codes = load_gedragscodes()
    incidents = write_csv(truth / "incidents.csv", INCIDENT_COLUMNS, incident_rows(files, codes))
    rejects = write_csv(truth / "rejects.csv", REJECT_COLUMNS, reject_rows(files))
    write_csv(truth / "warnings.csv", WARNING_COLUMNS, warning_rows(files))
    write_csv(truth / "deliveries.csv", DELIVERY_COLUMNS, delivery_rows(files))
    return incidents, rejects


def _per_beroepsgroep(files: list[DeliveryFile]) -> dict[str, int]:
    """Count the incidents that must be loaded, per beroepsgroep."""
    counts: Counter[str] = Counter()
    for delivery in files:
        if delivery.status == LOADED:
            loaded = sum(row.outcome == LOADED for row in delivery.rows)
            counts[delivery.organisation.beroep] += loaded
    return dict(sorted(counts.items()))


def generate_sample(
    out: Path,
    year: int,
    seed: int = 2025,
    scale: float = 1.0,
    reference_dir: Path = Path("data/reference"),
    first: str | None = None,
    last: str | None = None,
) -> SampleSummary:
    """Write a deterministic national sample to `out` and return what it holds. It covers the
    quarters from `first` to `last` (`YYYYQn`; default the four quarters of `year`); the special
    cases of one year lie in `year`."""
    plan = plan_sample(year, seed, scale, reference_dir,
                       parse_quarter(first) if first is not None else None,
                       parse_quarter(last) if last is not None else None)  # fmt: skip
    files = build_deliveries(plan)
    prepare_output(out)
    write_inbox(out / "inbox", files, plan.reference)
    incidents, rejects = write_truth(out, plan, files)
    write_manifest(out, plan, files)
    return SampleSummary(
        out=out,
        year=year,
        first=periode(*plan.series.quarters[0]),
        last=periode(*plan.series.quarters[-1]),
        delivery_files=len(files),
        truth_incidents=incidents,
        truth_rejects=rejects,
        incidents_per_beroepsgroep=_per_beroepsgroep(files),
    )
