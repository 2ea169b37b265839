"""Throughput of one large delivery: the raw reader alone vs everything `monitor check` does.

    .venv/bin/python bench/check.py [--rows 100000] [--shared-strings]

Builds a vendor CSV and a GIR-style xlsx of N rows in a temporary folder, then prints rows/s
for `read_delivery` and for `check_file` (read, recognise, harmonise, validate, batch checks),
so the overhead of our stages is visible, and the raw read of the same file (bench/national.py's
floor: calamine or the csv module, no mapping). A ten-row check runs first, so the one-time cost
of a process (importing GX) is printed apart. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import xlsxwriter
from national import raw_rows  # bench/national.py
from openpyxl import Workbook

from connectors import read_delivery
from connectors.profiles import load_profiles
from connectors.sheet_parts import cores, part_count
from pipeline.night.check import check_file
from pipeline.settings import Settings

CSV_HEADER = ("ID;Datum;Tijd;Gemeld op;Plaats CBS;Gedrag;Kanaal;Situatie;Wapen;Daders;Letsel;"
              "Verzuimdagen;Schade;Aangifte;VPT;Nazorg;Medewerker;Toelichting")  # fmt: skip
GIR_HEADER = ["Meldingsnummer", "Datum voorval", "Tijdstip", "Datum melding", "Locatie", "Verbaal",
              "Bedreiging", "Intimidatie", "Seksuele intimidatie", "Discriminatie", "Fysiek geweld",
              "Vernieling", "Doxing", "Overig", "Wijze", "Werkzaamheid", "Wapen gebruikt",
              "Materiële schade", "Aangifte gedaan", "VPT", "Nazorg", "Aantal daders", "Letsel",
              "Verzuim (dagen)", "Personeelsnummer", "Omschrijving"]  # fmt: skip


def write_csv(path: Path, rows: int) -> None:
    """A vendor CSV delivery (cp1252, `;`) with one incident a row."""
    lines = [CSV_HEADER]
    for i in range(rows):
        day = 1 + i % 28
        lines.append(
            f"V{i};{day:02d}-02-2025;14:35;{day:02d}-02-2025;0344;VB,BD;F;HH;N;2;0;0;N;J;J;J;M-{i % 500};tekst"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def write_xlsx(path: Path, rows: int) -> None:
    """A GIR-style export: title rows, then the header, then one incident a row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Export")
    for title in (["Incidentregistratie agressie en geweld"], ["Gemeente: Amsterdam"], [], []):
        sheet.append(title)
    sheet.append(GIR_HEADER)
    for i in range(rows):
        day = dt.datetime(2025, 5, 1 + i % 28)
        sheet.append([f"A-{i}", day, "09:15", day, "Amsterdam", "X", None, None, None, None, None,
                      None, None, None, "Telefoon", "Handhaving", "Nee", "Nee", "Ja", "Ja", "Ja", 1,
                      "Geen letsel", 0, str(i % 500), "tekst"])  # fmt: skip
    workbook.save(path)


def write_xlsx_shared(path: Path, rows: int) -> None:
    """The same export as Excel saves it: its texts as shared strings (XlsxWriter), a free text of
    ~150 characters of its own on every row (the bounds then count the strings every cell shows,
    `connectors/string_copies.py`)."""
    words = ("collega", "werd", "uitgescholden", "bij", "controle", "op", "de", "markt", "en",
             "daarna", "bedreigd", "door", "twee", "personen", "met", "een", "fiets")  # fmt: skip
    workbook = xlsxwriter.Workbook(path)
    sheet, dates = workbook.add_worksheet("Export"), workbook.add_format({"num_format": "d-m-yyyy"})
    for row, title in enumerate(("Incidentregistratie agressie en geweld", "Gemeente: Amsterdam")):
        sheet.write_string(row, 0, title)
    sheet.write_row(4, 0, GIR_HEADER)
    for i in range(rows):
        day = dt.datetime(2025, 5, 1 + i % 28)
        text = " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(24))[:150]
        sheet.write_row(5 + i, 0, [f"A-{i}", day, "09:15", day, "Amsterdam", "X", None, None, None,
                                   None, None, None, None, None, "Telefoon", "Handhaving", "Nee",
                                   "Nee", "Ja", "Ja", "Ja", 1, "Geen letsel", 0, str(i % 500),
                                   f"{i}: {text}"])  # fmt: skip
        sheet.write_datetime(5 + i, 1, day, dates)
        sheet.write_datetime(5 + i, 3, day, dates)
    workbook.close()


def measure(path: Path, org: str, rows: int) -> None:
    """Rows per second for the raw reader and for the whole check."""
    profile = next(p for p in load_profiles() if p.id in ("vendor_csv", "gir_gemeente")
                   and p.reader.kind.value == ("csv" if path.suffix == ".csv" else "xlsx"))  # fmt: skip
    started = time.perf_counter()
    cells = sum(1 for _ in raw_rows(path))  # bench/national.py's floor: the raw cells only
    raw_seconds = time.perf_counter() - started
    started = time.perf_counter()
    raw = read_delivery(path, profile, 2**31)
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = check_file(path, org, Settings(), dt.date.today())
    check_seconds = time.perf_counter() - started
    print(f"{path.suffix[1:]:>4}: {rows:,} rows ({result.rows_loaded:,} loaded, {raw.rows_in:,} read)\n"
          f"      raw read ({'calamine' if path.suffix == '.xlsx' else 'csv module'}, {cells:,} rows "
          f"incl. titles): {rows / raw_seconds:,.0f} rows/s ({raw_seconds:.1f} s)\n"
          f"      our reader alone: {rows / read_seconds:,.0f} rows/s ({read_seconds:.1f} s)\n"
          f"      monitor check: {rows / check_seconds:,.0f} rows/s ({check_seconds:.1f} s), "
          f"{raw_seconds / check_seconds:.0%} of the raw read{_parts(path)}")  # fmt: skip


def _parts(path: Path) -> str:
    """How many parts the workbook's sheet is parsed in on this machine (`connectors.sheet_parts`:
    one per core for a large sheet; the raw read is one thread)."""
    if path.suffix != ".xlsx":
        return ""
    with zipfile.ZipFile(path) as archive:
        size = max(
            i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/")
        )
    return (f"; its sheet ({size / 2**20:.0f} MiB of XML) parsed in {part_count(size)} parts "
            f"on {cores()} cores")  # fmt: skip


def warm_up(root: Path) -> None:
    """Check a ten-row delivery first: the one-time cost of a process (importing GX, ~3.5 s, and
    building the validators) is not a cost per row. Printed, not hidden."""
    small = root / "warm" / "incidenten_GM0344_2025Q1.csv"
    small.parent.mkdir()
    write_csv(small, 10)
    started = time.perf_counter()
    check_file(small, "GM0344", Settings(), dt.date.today())
    print(f"warm-up (imports, validators; once a process): {time.perf_counter() - started:.1f} s")


def main() -> None:
    """Build both deliveries and measure them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--shared-strings", action="store_true",
                        help="the xlsx as Excel saves it: texts as shared strings, a free text "
                        "of its own on every row")  # fmt: skip
    arguments = parser.parse_args()
    rows = arguments.rows
    root = Path(tempfile.mkdtemp(prefix="monitor-bench-check-"))
    try:
        csv_path, xlsx_path = (
            root / "incidenten_GM0344_2025Q1.csv",
            root / "GIR_GM0363_2025-K2.xlsx",
        )
        write_csv(csv_path, rows)
        (write_xlsx_shared if arguments.shared_strings else write_xlsx)(xlsx_path, rows)
        warm_up(root)
        measure(csv_path, "GM0344", rows)
        measure(xlsx_path, "GM0363", rows)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
