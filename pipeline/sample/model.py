"""Records shared by the sample modules: organisations, incidents, planned rows and periods."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from schemas.errors import PipelineError
from schemas.fields import FieldName

CODELISTS_PATH = Path(__file__).resolve().parents[2] / "schemas" / "codelists.yaml"

TEMPLATE = "nationaal_sjabloon"
GIR = "gir_gemeente"
VENDOR_CSV = "vendor_csv"
BRANDWEER = "brandweer_vr"
POLITIE = "politie_jsonl"
PROFILES = (TEMPLATE, GIR, VENDOR_CSV, BRANDWEER, POLITIE)

LOADED = "loaded"
REJECTED = "rejected"
SUPERSEDED = "superseded"
RECEIVED_DAYS = 10  # a delivery arrives this many days after its quarter
LATE_DAYS = 50  # the late delivery of the sample


class SampleError(PipelineError, ValueError):
    """The sample cannot be generated with these arguments or into this directory."""


@dataclass(frozen=True)
class Gedragscodes:
    """The gedragstype code list: codes in list order and their severity rank."""

    order: tuple[str, ...]
    rank: dict[str, int]

    def sort(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        """Return the codes without duplicates, in code list order."""
        return tuple(code for code in self.order if code in codes)

    def zwaarste(self, codes: tuple[str, ...]) -> str:
        """Return the most serious code by severity rank."""
        return max(codes, key=lambda code: self.rank[code])


def load_gedragscodes(path: Path = CODELISTS_PATH) -> Gedragscodes:
    """Read the gedragstype list (order and rank) from the national code lists."""
    lists = yaml.safe_load(path.read_text(encoding="utf-8"))["lists"]
    entries = lists["gedragstype"]
    return Gedragscodes(
        order=tuple(entry["code"] for entry in entries),
        rank={entry["code"]: int(entry["rank"]) for entry in entries},
    )


@dataclass(frozen=True)
class Organisation:
    """An employer that delivers: a gemeente, a veiligheidsregio or the politie."""

    code: str
    naam: str
    beroep: str  # its beroepsgroep: boa, brandweer or politie
    regio: str | None
    inwoners: int
    index: int
    profiel: str
    fte: float
    jaarverwachting: float


@dataclass(frozen=True)
class Incident:
    """One incident in national terms: the values of the national fields its source holds, by
    field (the raw employee id among them; None is missing), plus the free text no field holds.
    The organisation gives its code and beroepsgroep; the pipeline derives the rest."""

    values: Mapping[FieldName, Any]
    omschrijving: str

    def __getitem__(self, name: FieldName) -> Any:
        """Return the value of one national field."""
        return self.values[name]

    @property
    def number(self) -> str:
        """Return the source's incident number."""
        return str(self.values[FieldName.BRON_INCIDENTNUMMER])

    def but(self, changes: Mapping[FieldName, Any]) -> Incident:
        """Return a copy of the incident with some field values changed."""
        return Incident({**self.values, **changes}, self.omschrijving)


@dataclass
class PlannedRow:
    """A row of a delivery: its incident and what the pipeline must do with it."""

    incident: Incident
    outcome: str = LOADED
    code: str | None = None
    veld: FieldName | None = None
    overrides: dict[str, object] = field(default_factory=dict)


@dataclass
class DeliveryFile:
    """One file in the inbox with its rows and its expected ledger outcome."""

    organisation: Organisation
    bron_code: str
    quarter: int
    year: int
    file_name: str
    received: datetime
    status: str = LOADED
    geen_incidenten: bool = False
    rows: list[PlannedRow] = field(default_factory=list)
    unreadable: bool = False

    @property
    def periode(self) -> str:
        """Return the period as `YYYYQn`."""
        return periode(self.year, self.quarter)


def periode(year: int, quarter: int) -> str:
    """Return the national period code, e.g. `2025Q1`."""
    return f"{year}Q{quarter}"


def quarter_start(year: int, quarter: int) -> date:
    """Return the first day of the quarter."""
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    """Return the last day of the quarter."""
    if quarter == 4:
        return date(year, 12, 31)
    return quarter_start(year, quarter + 1) - timedelta(days=1)


def received_time(year: int, quarter: int, index: int, days: int = RECEIVED_DAYS) -> datetime:
    """Return when a delivery arrives: `days` (10) after the quarter, 09:00 UTC, plus index minutes."""
    day = quarter_end(year, quarter) + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(minutes=index)
