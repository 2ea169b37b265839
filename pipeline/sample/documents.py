"""Lay out a delivery in its source format and write it to the inbox."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from pipeline.employers.template import build_template, incident_columns, save_reproducibly
from pipeline.sample.excel import CREATOR, Sheet, write_workbook
from pipeline.sample.formats import FORMATS, Cells, template_aanlevering
from pipeline.sample.model import (
    BRANDWEER,
    GIR,
    POLITIE,
    TEMPLATE,
    VENDOR_CSV,
    DeliveryFile,
    quarter_end,
    quarter_start,
)
from pipeline.sample.population import Reference

UNREADABLE_BYTES = (
    b"<!DOCTYPE html>\r\n<html><head><title>Sessie verlopen</title></head>"
    b"<body><p>Uw sessie is verlopen. Log opnieuw in om het bestand te downloaden.</p>"
    b"</body></html>\r\n"
)
BRANDWEER_EXPLANATION = (
    ("Registratie agressie en geweld tegen brandweermensen",),
    ("Eén regel per incident. Soort agressie: meerdere waarden scheiden met een puntkomma.",),
    ("Inzet: Brand, Hulpverlening, Evenement, Verkeersongeval, Overig of Onbekend.",),
    ("Ja/Nee/Onbekend-velden leeg laten als ze niet zijn vastgelegd.",),
)


def render_rows(delivery: DeliveryFile, reference: Reference) -> list[Cells]:
    """Spell every row of the delivery in its source format, defects applied."""
    source_format = FORMATS[delivery.organisation.profiel]
    rendered = []
    for row in delivery.rows:
        cells = source_format.to_cells(row.incident, delivery, reference)
        cells.update(row.overrides)
        rendered.append(cells)
    return rendered


def _table(columns: tuple[str, ...], rows: list[Cells]) -> list[list[object]]:
    """Return the header and the rows as lists in column order."""
    return [list(columns), *([cells[name] for name in columns] for cells in rows)]


def write_template_delivery(path: Path, delivery: DeliveryFile, rows: list[Cells]) -> None:
    """Write a delivery in the generated national template, its Aanlevering filled in."""
    table = ([cells[name] for name in incident_columns()] for cells in rows)
    workbook = build_template(template_aanlevering(delivery), table)
    save_reproducibly(workbook, path, workbook_stamp(delivery.year), CREATOR)


def _gir_sheets(delivery: DeliveryFile, rows: list[Cells]) -> list[Sheet]:
    """Lay out the GIR export: three title rows, an empty row, the header in row 5."""
    start = quarter_start(delivery.year, delivery.quarter)
    end = quarter_end(delivery.year, delivery.quarter)
    titles: list[tuple[str, ...]] = [
        ("Incidentregistratie agressie en geweld",),
        (f"Gemeente: {delivery.organisation.naam}",),
        (f"Periode: {start:%d-%m-%Y} t/m {end:%d-%m-%Y}",),
        (),
    ]
    return [Sheet("Export", [*titles, *_table(FORMATS[GIR].columns, rows)])]


def _brandweer_sheets(delivery: DeliveryFile, rows: list[Cells]) -> list[Sheet]:
    """Lay out the brandweer export: Uitleg, then Registraties with the header in row 1."""
    return [
        Sheet("Uitleg", BRANDWEER_EXPLANATION),
        Sheet("Registraties", _table(FORMATS[BRANDWEER].columns, rows)),
    ]


def csv_bytes(rows: list[Cells]) -> bytes:
    """Return the vendor CSV: `;`-separated, CRLF line ends, cp1252."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(_table(FORMATS[VENDOR_CSV].columns, rows))
    return buffer.getvalue().encode("cp1252")


def jsonl_bytes(rows: list[Cells]) -> bytes:
    """Return the police export: one UTF-8 JSON object per line."""
    columns = FORMATS[POLITIE].columns
    lines = (
        json.dumps({name: cells[name] for name in columns}, ensure_ascii=False) for cells in rows
    )
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def workbook_stamp(year: int) -> datetime:
    """Return the fixed creation time written into every workbook of a sample year."""
    return datetime(year + 1, 1, 1, 12, 0, 0)


def write_delivery(path: Path, delivery: DeliveryFile, reference: Reference) -> None:
    """Write one delivery file in its organisation's format."""
    if delivery.unreadable:
        path.write_bytes(UNREADABLE_BYTES)
        return
    rows = render_rows(delivery, reference)
    profiel = delivery.organisation.profiel
    if profiel == VENDOR_CSV:
        path.write_bytes(csv_bytes(rows))
    elif profiel == POLITIE:
        path.write_bytes(jsonl_bytes(rows))
    elif profiel == TEMPLATE:
        write_template_delivery(path, delivery, rows)
    else:
        layouts = {GIR: _gir_sheets, BRANDWEER: _brandweer_sheets}
        sheets = layouts[profiel](delivery, rows)
        write_workbook(path, sheets, workbook_stamp(delivery.year))
