"""The ground truth of a sample: incidents, rejects, warnings, deliveries and FTE."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline.sample.formats import FORMATS
from pipeline.sample.model import (
    LOADED,
    REJECTED,
    DeliveryFile,
    Gedragscodes,
    Incident,
    Organisation,
    PlannedRow,
)
from pipeline.sample.plan import LevertVoor
from schemas.edit_codes import EditCode
from schemas.fields import FieldName

PASSTHROUGH = (  # written to the truth as drawn
    FieldName.KANAAL,
    FieldName.CONTEXT,
    FieldName.WAPEN,
    FieldName.AANTAL_DADERS,
    FieldName.LETSEL,
    FieldName.VERZUIM_DAGEN,
    FieldName.MATERIELE_SCHADE,
    FieldName.AANGIFTE,
    FieldName.VPT_MARKERING,
    FieldName.NAZORG_AANGEBODEN,
    FieldName.MEDEWERKER_ID,
)
INCIDENT_COLUMNS = (
    *(FieldName.ORGANISATIECODE, "organisatiecode_bron", "periode", "bronbestand"),
    *(FieldName.BRON_INCIDENTNUMMER, FieldName.BEROEPSGROEP, FieldName.INCIDENTDATUM),
    *(FieldName.INCIDENTTIJD, FieldName.REGISTRATIEDATUM, FieldName.GEMEENTECODE_LOCATIE),
    *(FieldName.GEDRAGSTYPEN, FieldName.ZWAARSTE_GEDRAGSTYPE),
    *PASSTHROUGH,
)
REJECT_COLUMNS = (
    *(FieldName.ORGANISATIECODE, "periode", "bronbestand", "rij"),
    *(FieldName.BRON_INCIDENTNUMMER, "code", "veld"),
)
WARNING_COLUMNS = (
    *(FieldName.ORGANISATIECODE, "periode", "bronbestand", "rij"),
    *(FieldName.BRON_INCIDENTNUMMER, "code"),
)
DELIVERY_COLUMNS = (
    *("organisatiecode_bron", FieldName.ORGANISATIECODE, "periode", "bronbestand", "profiel"),
    *("status", "geen_incidenten", "rows_in", "rows_loaded", "rows_rejected", "received_at"),
)
LEVERT_VOOR_COLUMNS = ("leverancier", FieldName.ORGANISATIECODE, "vanaf", "tot", "toelichting")
FTE_COLUMNS = (FieldName.ORGANISATIECODE, FieldName.BEROEPSGROEP, "fte")

TruthRow = tuple[object, ...]


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[TruthRow]) -> int:
    """Write a UTF-8 CSV (comma, LF); None is written empty. Return the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    return count


def _iso(day: date | None) -> str | None:
    """Format a date as ISO; missing stays missing."""
    return None if day is None else day.isoformat()


def _incident_row(delivery: DeliveryFile, incident: Incident, codes: Gedragscodes) -> TruthRow:
    """Return the truth row of one loaded incident."""
    org = delivery.organisation
    tijd = incident[FieldName.INCIDENTTIJD]
    gedrag = incident[FieldName.GEDRAGSTYPEN]
    return (
        *(org.code, delivery.bron_code, delivery.periode, delivery.file_name),
        *(incident.number, org.beroep, incident[FieldName.INCIDENTDATUM].isoformat()),
        None if tijd is None else f"{tijd}:00",
        _iso(incident[FieldName.REGISTRATIEDATUM]),
        incident[FieldName.GEMEENTECODE_LOCATIE],
        "|".join(codes.sort(gedrag)),
        codes.zwaarste(gedrag),
        *(incident[name] for name in PASSTHROUGH),
    )


def incident_rows(files: list[DeliveryFile], codes: Gedragscodes) -> Iterator[TruthRow]:
    """Yield every incident that must end up loaded (superseded deliveries excluded)."""
    for delivery in files:
        if delivery.status != LOADED:
            continue
        for row in delivery.rows:
            if row.outcome == LOADED:
                yield _incident_row(delivery, row.incident, codes)


def _numbered(delivery: DeliveryFile) -> Iterator[tuple[int, object, PlannedRow]]:
    """Yield each row with its employer-facing row number and number as written."""
    source_format = FORMATS[delivery.organisation.profiel]
    for position, row in enumerate(delivery.rows):
        written = row.overrides.get(source_format.id_column, row.incident.number)
        yield source_format.first_row + position, written or "", row


def reject_rows(files: list[DeliveryFile]) -> Iterator[TruthRow]:
    """Yield every rejected row, and every rejected file with code S01 and no row number."""
    for delivery in files:
        head = (delivery.organisation.code, delivery.periode, delivery.file_name)
        if delivery.unreadable:
            yield (*head, None, None, EditCode.S01, None)
        for rij, number, row in _numbered(delivery):
            if row.outcome == REJECTED:
                yield (*head, rij, number, row.code, row.veld)


def warning_rows(files: list[DeliveryFile]) -> Iterator[TruthRow]:
    """Yield every loaded row that must carry a warning."""
    for delivery in files:
        if delivery.status != LOADED:
            continue
        head = (delivery.organisation.code, delivery.periode, delivery.file_name)
        for rij, number, row in _numbered(delivery):
            if row.outcome == LOADED and row.code is not None:
                yield (*head, rij, number, row.code)


def delivery_rows(files: list[DeliveryFile]) -> Iterator[TruthRow]:
    """Yield each delivery file with its expected ledger outcome and row counts."""
    for delivery in files:
        rows_in = len(delivery.rows)
        rejected = sum(row.outcome == REJECTED for row in delivery.rows)
        geen = None if delivery.unreadable else "ja" if delivery.geen_incidenten else "nee"
        yield (
            delivery.bron_code,
            delivery.organisation.code,
            delivery.periode,
            delivery.file_name,
            delivery.organisation.profiel,
            delivery.status,
            geen,
            rows_in,
            rows_in - rejected,
            rejected,
            iso_utc(delivery.received),
        )


def iso_utc(moment: datetime) -> str:
    """Format a moment as ISO 8601 in UTC, e.g. `2025-04-10T09:00:00+00:00`."""
    return moment.astimezone(UTC).isoformat()


def levert_voor_rows(relations: Iterable[LevertVoor]) -> Iterator[TruthRow]:
    """Yield the covered-by relations as the Taskforce's reference file spells them."""
    for r in relations:
        yield r.leverancier, r.organisatie, r.vanaf, r.tot, r.toelichting


def fte_rows(organisations: Iterable[Organisation]) -> Iterator[TruthRow]:
    """Yield the FTE of every organisation's beroepsgroep."""
    for org in organisations:
        yield org.code, org.beroep, f"{org.fte:.1f}"
