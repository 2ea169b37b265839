"""Everything processing needs, read once per run: reference data, profiles, FTE, the key; and
the `ref` schema of the warehouse written from them."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd

from connectors.profiles import load_profiles
from pipeline.ingest.process import ProcessingInputs
from pipeline.ingest.pseudonym import checked_key
from pipeline.ingest.reference import (
    LEVERT_VOOR_COLUMNS,
    Reference,
    load_fte,
    load_levert_voor,
    load_reference,
    quarter_calendar,
)
from pipeline.settings import DEMO_PSEUDONYM_KEY, Settings
from pipeline.warehouse.store import Warehouse
from schemas.codelists import load_codelists
from schemas.edits import EDIT_CATALOGUE_VERSION, EDITS
from schemas.fields import EARLIEST_INCIDENTDATUM

FIRST_YEAR = EARLIEST_INCIDENTDATUM.year  # the first year of the delivery calendar (DESIGN §5)
log = logging.getLogger(__name__)


def pseudonym_key(settings: Settings) -> bytes:
    """The HMAC key from MONITOR_PSEUDONYM_KEY (≥ 32 bytes); the demo key only in sample mode."""
    secret = settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None
    key = checked_key(secret, sample_mode=settings.sample_mode, demo_key=DEMO_PSEUDONYM_KEY)
    if secret is None or not secret.strip():
        log.info("demo pseudonym key in use: allowed in sample mode only")
    return key


def load_all_fte(fte_dir: Path, reference: Reference | None = None) -> pd.DataFrame:
    """Every yearly FTE file in a directory, validated (against `reference` when given)."""
    years = sorted(
        int(p.stem.removeprefix("fte_")) for p in fte_dir.glob("fte_[0-9][0-9][0-9][0-9].csv")
    )
    frames = [load_fte(fte_dir, y, reference) for y in years]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else load_fte(fte_dir, 0)


def prepare_inputs(
    settings: Settings, today: dt.date, history: dict[str, list[int]]
) -> ProcessingInputs:
    """Reference data, profiles, FTE and key: everything processing needs, read once."""
    reference = load_reference(settings.reference_dir)
    return ProcessingInputs(
        reference=reference,
        profiles=load_profiles(),
        fte=load_all_fte(settings.fte_directory, reference),
        pseudonym_key=pseudonym_key(settings),
        max_file_bytes=settings.max_file_bytes,
        today=today,
        history=history,
        deadline_days=settings.delivery_deadline_days,
        levert_voor=load_levert_voor(settings.fte_directory, reference),
    )


def write_reference_tables(
    warehouse: Warehouse,
    inputs: ProcessingInputs,
    coverage_floor: float = 0.6,
    start_periode: str | None = None,
) -> None:
    """Refresh the `ref` schema: organisations, gemeenten, regions, herindelingen, codes, edits,
    FTE, periods (expected from `start_periode` on) and the indicator settings (`ref.instelling`:
    the coverage floor)."""
    ref = inputs.reference
    warehouse.replace_table("ref.organisatie", ref.organisations())
    warehouse.replace_table("ref.gemeente", ref.gemeenten)
    warehouse.replace_table("ref.veiligheidsregio", ref.veiligheidsregios)
    warehouse.replace_table("ref.herindeling", ref.herindelingen)
    codelists = load_codelists()
    codes = [{"lijst": name, "volgorde": i, **c.model_dump()} for name, items in codelists.lists.items()
             for i, c in enumerate(items)]  # fmt: skip
    warehouse.replace_table("ref.code", pd.DataFrame(codes).assign(versie=codelists.version))
    edits = pd.DataFrame([e.model_dump(mode="json") for e in EDITS.values()])
    warehouse.replace_table("ref.edit", edits.assign(versie=EDIT_CATALOGUE_VERSION))
    fte_types = {
        "organisatiecode": "string",
        "beroepsgroep": "string",
        "jaar": "int64",
        "fte": "float64",
    }
    warehouse.replace_table("ref.fte", inputs.fte.astype(fte_types))
    warehouse.replace_table(
        "ref.levert_voor", inputs.levert_voor.reindex(columns=LEVERT_VOOR_COLUMNS).astype("string")
    )
    calendar = quarter_calendar(
        FIRST_YEAR, inputs.today.year + 1, inputs.deadline_days, start_periode
    )
    warehouse.replace_table("ref.periode", calendar)
    settings = pd.DataFrame({"naam": ["dekkingsdrempel"], "waarde": [float(coverage_floor)]})
    warehouse.replace_table("ref.instelling", settings)
