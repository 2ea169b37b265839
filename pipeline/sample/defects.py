"""Known defects injected into deliveries: E edits (row rejected) and W edits (row kept).

An invalid value in an optional field is a W06 (the incident counts, the field loads as missing
or `onbekend`); only what makes an incident uncountable is an E edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipeline.sample.formats import GIR_TICKS
from pipeline.sample.model import (
    BRANDWEER,
    GIR,
    LOADED,
    POLITIE,
    PROFILES,
    REJECTED,
    TEMPLATE,
    VENDOR_CSV,
    DeliveryFile,
    Incident,
    PlannedRow,
    quarter_start,
)
from schemas.edit_codes import EditCode as C
from schemas.fields import FieldName as F

# the bad source cells of a year; the template's columns (and one police column) carry the
# national field's own name
Overrides = Callable[[int], dict[str, object]]
DrawIncident = Callable[[DeliveryFile], Incident]
FUTURE_YEARS = 6


@dataclass(frozen=True)
class RowError:
    """An E edit: which profile, code and national field, and the bad source cells."""

    profiel: str
    code: C
    veld: F
    overrides: Overrides


def _future(year: int) -> date:
    """Return a date well after today for a sample of `year` (e.g. 2031 for 2025)."""
    return date(year + FUTURE_YEARS, 1, 15)


ROW_ERRORS = (  # only what makes an incident uncountable rejects it (DESIGN §6)
    RowError(TEMPLATE, C.E01, F.BRON_INCIDENTNUMMER, lambda y: {F.BRON_INCIDENTNUMMER: None}),
    RowError(TEMPLATE, C.E01, F.GEDRAGSTYPEN, lambda y: {F.GEDRAGSTYPEN: None}),
    RowError(TEMPLATE, C.E02, F.GEDRAGSTYPEN, lambda y: {F.GEDRAGSTYPEN: "postduif"}),
    RowError(TEMPLATE, C.E02, F.BEROEPSGROEP, lambda y: {F.BEROEPSGROEP: "brandweerr-man"}),
    RowError(TEMPLATE, C.E03, F.INCIDENTDATUM, lambda y: {F.INCIDENTDATUM: "gisteren"}),
    RowError(TEMPLATE, C.E04, F.INCIDENTDATUM, lambda y: {F.INCIDENTDATUM: date(2009, 12, 31)}),
    RowError(GIR, C.E01, F.GEDRAGSTYPEN, lambda y: dict.fromkeys(GIR_TICKS)),
    RowError(GIR, C.E03, F.INCIDENTDATUM, lambda y: {"Datum voorval": f"31-02-{y}"}),
    RowError(VENDOR_CSV, C.E01, F.INCIDENTDATUM, lambda y: {"Datum": ""}),
    RowError(VENDOR_CSV, C.E02, F.GEDRAGSTYPEN, lambda y: {"Gedrag": "XX"}),
    RowError(VENDOR_CSV, C.E03, F.INCIDENTDATUM, lambda y: {"Datum": f"31-02-{y}"}),
    RowError(BRANDWEER, C.E01, F.GEDRAGSTYPEN, lambda y: {"Soort agressie": None}),
    RowError(BRANDWEER, C.E02, F.GEDRAGSTYPEN, lambda y: {"Soort agressie": "Oefening"}),
    RowError(BRANDWEER, C.E03, F.INCIDENTDATUM, lambda y: {"Datum": f"31-02-{y}"}),
    RowError(BRANDWEER, C.E04, F.INCIDENTDATUM, lambda y: {"Datum": date(2008, 6, 1)}),
    RowError(POLITIE, C.E01, F.BRON_INCIDENTNUMMER, lambda y: {"registratienummer": None}),
    RowError(POLITIE, C.E01, F.GEDRAGSTYPEN, lambda y: {"feitcategorieen": []}),
    RowError(POLITIE, C.E02, F.GEDRAGSTYPEN, lambda y: {"feitcategorieen": ["zakkenrollen"]}),
    RowError(POLITIE, C.E03, F.INCIDENTDATUM, lambda y: {"pleegdatum": f"{y}-02-31"}),
)


@dataclass(frozen=True)
class OptionalDefect:
    """A W06: an invalid value in an optional field; the incident loads with `loaded_as`."""

    profiel: str
    veld: F
    loaded_as: str | None  # the national value the incident holds (missing: None)
    overrides: Overrides


OPTIONAL_DEFECTS = (
    OptionalDefect(TEMPLATE, F.KANAAL, "onbekend", lambda y: {F.KANAAL: "postduif"}),
    OptionalDefect(TEMPLATE, F.AANTAL_DADERS, None, lambda y: {F.AANTAL_DADERS: 0}),
    OptionalDefect(GIR, F.KANAAL, "onbekend", lambda y: {"Wijze": "Fax"}),
    OptionalDefect(GIR, F.REGISTRATIEDATUM, None, lambda y: {"Datum melding": _future(y)}),
    OptionalDefect(GIR, F.AANTAL_DADERS, None, lambda y: {"Aantal daders": "twee"}),
    OptionalDefect(VENDOR_CSV, F.LETSEL, "onbekend", lambda y: {"Letsel": "7"}),
    OptionalDefect(VENDOR_CSV, F.REGISTRATIEDATUM, None, lambda y: {"Gemeld op": "gisteren"}),
    OptionalDefect(
        VENDOR_CSV, F.REGISTRATIEDATUM, None, lambda y: {"Gemeld op": f"{_future(y):%d-%m-%Y}"}
    ),
    OptionalDefect(VENDOR_CSV, F.VERZUIM_DAGEN, None, lambda y: {"Verzuimdagen": "-3"}),
    OptionalDefect(VENDOR_CSV, F.AANTAL_DADERS, None, lambda y: {"Daders": "twee"}),
    OptionalDefect(BRANDWEER, F.CONTEXT, "onbekend", lambda y: {"Inzet": "Oefening"}),
    OptionalDefect(
        BRANDWEER, F.REGISTRATIEDATUM, None, lambda y: {"Datum registratie": "gisteren"}
    ),
    OptionalDefect(BRANDWEER, F.VERZUIM_DAGEN, None, lambda y: {"Verzuim": -3}),
    OptionalDefect(POLITIE, F.KANAAL, "onbekend", lambda y: {"modus": "postduif"}),
    OptionalDefect(
        POLITIE, F.REGISTRATIEDATUM, None, lambda y: {F.REGISTRATIEDATUM: _future(y).isoformat()}
    ),
    OptionalDefect(POLITIE, F.AANTAL_DADERS, None, lambda y: {"aantal_verdachten": "twee"}),
    OptionalDefect(POLITIE, F.AANTAL_DADERS, None, lambda y: {"aantal_verdachten": 0}),
)
DUPLICATE_PROFILES = (TEMPLATE, GIR, VENDOR_CSV, POLITIE)


def _w01(incident: Incident, start: date, rng: np.random.Generator) -> Incident:
    """VPT flag ja while aangifte is nee."""
    return incident.but({F.AANGIFTE: "nee", F.VPT_MARKERING: "ja"})


def _w02(incident: Incident, start: date, rng: np.random.Generator) -> Incident:
    """Medical injury with only verbal aggression."""
    return incident.but({F.GEDRAGSTYPEN: ("verbaal",), F.LETSEL: "medisch", F.VERZUIM_DAGEN: 2})


def _w03(incident: Incident, start: date, rng: np.random.Generator) -> Incident:
    """Implausibly many sick days."""
    return incident.but({F.VERZUIM_DAGEN: 366 + int(rng.integers(0, 300))})


def _w04(incident: Incident, start: date, rng: np.random.Generator) -> Incident:
    """Incident dated 5–40 days before the delivery's quarter, registered in it."""
    day = start - timedelta(days=int(rng.integers(5, 41)))
    return incident.but({F.INCIDENTDATUM: day, F.REGISTRATIEDATUM: start})


def _w05(incident: Incident, start: date, rng: np.random.Generator) -> Incident:
    """Registered 1–5 days before the incident date."""
    day = incident[F.INCIDENTDATUM] - timedelta(days=int(rng.integers(1, 6)))
    return incident.but({F.REGISTRATIEDATUM: day})


WARNINGS = {C.W01: _w01, C.W02: _w02, C.W03: _w03, C.W04: _w04, C.W05: _w05}


def eligible_deliveries(
    files: list[DeliveryFile], special: set[tuple[str, int]]
) -> dict[str, list[DeliveryFile]]:
    """Return per profile the loaded, non-special deliveries with rows, open for defects."""
    eligible: dict[str, list[DeliveryFile]] = {profiel: [] for profiel in PROFILES}
    for delivery in files:
        key = (delivery.organisation.code, delivery.quarter)
        if delivery.status == LOADED and delivery.rows and key not in special:
            eligible[delivery.organisation.profiel].append(delivery)
    return eligible


def _insert(
    rows: list[PlannedRow], row: PlannedRow, rng: np.random.Generator, after: int = -1
) -> None:
    """Insert a row at a random position after index `after`."""
    rows.insert(int(rng.integers(after + 1, len(rows) + 1)), row)


def _pick(candidates: list[DeliveryFile], rng: np.random.Generator) -> DeliveryFile:
    """Pick one delivery at random."""
    return candidates[int(rng.integers(len(candidates)))]


def inject_defects(
    eligible: dict[str, list[DeliveryFile]], draw: DrawIncident, rng: np.random.Generator
) -> None:
    """Add one extra row per E and W edit (W in every profile) and the E06 duplicates."""
    for error in ROW_ERRORS:
        delivery = _pick(eligible[error.profiel], rng)
        row = PlannedRow(draw(delivery), REJECTED, error.code, error.veld)
        row.overrides = error.overrides(delivery.year)
        _insert(delivery.rows, row, rng)
    for defect in OPTIONAL_DEFECTS:
        delivery = _pick(eligible[defect.profiel], rng)
        incident = draw(delivery).but({defect.veld: defect.loaded_as})
        row = PlannedRow(incident, LOADED, C.W06, defect.veld)
        row.overrides = defect.overrides(delivery.year)
        _insert(delivery.rows, row, rng)
    for profiel in PROFILES:
        for code, warn in WARNINGS.items():
            delivery = _pick(eligible[profiel], rng)
            start = quarter_start(delivery.year, delivery.quarter)
            _insert(delivery.rows, PlannedRow(warn(draw(delivery), start, rng), LOADED, code), rng)
    for profiel in DUPLICATE_PROFILES:
        _inject_duplicate(_pick(eligible[profiel], rng), draw, rng)


def _inject_duplicate(delivery: DeliveryFile, draw: DrawIncident, rng: np.random.Generator) -> None:
    """Add a second, different incident that reuses the number of a clean row (E06)."""
    clean = [i for i, row in enumerate(delivery.rows) if row.code is None]
    first = clean[int(rng.integers(len(clean)))]
    number = delivery.rows[first].incident.number
    duplicate = draw(delivery).but({F.BRON_INCIDENTNUMMER: number})
    row = PlannedRow(duplicate, REJECTED, C.E06, F.BRON_INCIDENTNUMMER)
    _insert(delivery.rows, row, rng, after=first)
