"""The national report: self-contained Dutch HTML, workbook, CSV and Parquet, swapped in whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from pipeline.publication import writer as report_writer
from pipeline.publication.page import (
    ReportError,
    format_number,
    frame_tables,
    render_html,
)
from pipeline.publication.published import SUPPRESSED_MARK, Publication, PublishedTable
from pipeline.publication.writer import ReportFiles, write_report
from schemas.vocabulary import SUPPRESSED_STATUSES
from tests.pipeline.publication_fixture import HOSTILE_NAME, build_publication

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SECTIONS = ("Kernboodschappen", "Kerncijfers per beroepsgroep", "Ontwikkeling en vergelijking",
            "Tabellen per beroepsgroep en veiligheidsregio", "Dekking per veiligheidsregio",
            "Reeksbreuken", "Downloads", "Toelichting")  # fmt: skip
SHEETS = ["Toelichting", "Kerncijfers", "Trend", "incidenten_regio", "incidenten_zwaarste",
          "Dekking", "Reeksbreuken"]  # fmt: skip
FRAMES = ("kerncijfers", "trend", "dekking_regio", "reeksbreuken")
HEADER = 4  # the workbook's header row (1-based): title, description and an empty row above


@pytest.fixture(scope="module")
def publication() -> Publication:
    return build_publication()


@pytest.fixture(scope="module")
def page(publication: Publication) -> str:
    return render_html(publication)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, publication: Publication) -> ReportFiles:
    return write_report(tmp_path_factory.mktemp("rapport") / "monitor", publication)


def suppressed_cells(table: PublishedTable) -> int:
    return sum(
        int(table.frame[s].isin(SUPPRESSED_STATUSES).sum()) for s in table.status_columns.values()
    )


def leaky_publication(publication: Publication) -> Publication:
    """A table whose suppressed cell, and a cell without status, still hold a value (bugs)."""
    frame = pd.DataFrame({"beroepsgroep": ["boa", "boa", "boa"],
                          "periode": ["2025Q1", "2025Q2", "2025Q3"],
                          "incidenten": [4321.0, 250.0, 7777.0],
                          "incidenten_status": ["primair", "gepubliceerd", None]})  # fmt: skip
    table = PublishedTable("lek", "Lek", "Een lek.", frame, ("incidenten",),
                           {"incidenten": "incidenten_status"})  # fmt: skip
    return dataclasses.replace(publication, tables=(table,))


# ---------------------------------------------------------------- HTML


def test_page_is_self_contained(page: str) -> None:
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower() and "@import" not in page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page


def test_page_has_dutch_sections_and_accessible_charts(page: str) -> None:
    assert "Landelijke monitor agressie en geweld tegen hulpverleners" in page
    for title in SECTIONS:
        assert f">{title}" in page, title
    assert page.count('<svg role="img" aria-label="') == 2  # per 1.000 fte and incidents
    assert page.count("<figcaption>") == 2 and page.count("Tabel bij de grafiek") == 2
    assert page.count("<caption>") >= 8
    assert "15 januari 2026, 04:12" in page and "2025Q1 t/m 2025Q4" in page


@pytest.mark.parametrize(("k", "floor", "small", "floor_text"),
                         [(5, 0.6, "1 tot en met 4", "60%"), (10, 0.75, "1 tot en met 9", "75%")])  # fmt: skip
def test_rules_use_k_and_floor_of_the_publication(
    publication: Publication, k: int, floor: float, small: str, floor_text: str
) -> None:
    page = render_html(dataclasses.replace(publication, k=k, coverage_floor=floor))
    rules = html.unescape(page[page.index('id="toelichting"') :])
    assert small in rules and f"de drempel k is {k}" in rules
    assert f"drempel van {floor_text}" in rules and "secundaire onderdrukking" in rules
    assert "huidige gemeentegrenzen" in rules and "'onbekend'" in rules
    assert "kwartaal van de levering" in rules and "Reeksbreuken" in rules


def test_every_suppressed_cell_is_the_mark(publication: Publication, page: str) -> None:
    expected = sum(
        suppressed_cells(t) for t in (*publication.tables, *frame_tables(publication)[:2])
    )
    assert expected > 20
    tables = page[page.index('id="kerncijfers"') : page.index('id="grafieken"')]
    tables += page[page.index('id="tabellen"') : page.index('id="toelichting"')]
    assert len(re.findall(r'<td class="x" title="Verborgen: klein aantal', tables)) == expected
    assert re.findall(r'<td class="x"[^>]*>([^<]*)</td>', tables) == [SUPPRESSED_MARK] * expected
    assert "primair" not in tables and "secundair" not in tables


def test_a_suppressed_value_is_never_shown_as_a_number(publication: Publication) -> None:
    page = render_html(leaky_publication(publication))
    assert "4.321" not in page and "4321" not in page and "7.777" not in page
    assert "250" in page


def test_incomplete_national_figure_is_labelled(page: str) -> None:
    assert "<strong>onvolledig</strong> — dekking 48,2% onder de drempel van 60%" in page
    brandweer = page[
        page.index("Brandweer (2025)") : page.index("</article>", page.index("Brandweer (2025)"))
    ]
    assert "volledig</p>" not in brandweer and "geen landelijk totaal" in brandweer
    assert re.search(r'<td class="num onv"[^>]*>[\d.]+<sup>\*</sup>', page)


def test_dutch_number_notation(publication: Publication, page: str) -> None:
    assert format_number(1234) == "1.234"
    assert format_number(12.5, 1, percent=True) == "12,5%"
    assert format_number(1234567.26, 1) == "1.234.567,3"
    politie = publication.kerncijfers.set_index("beroepsgroep").loc["politie", "incidenten"]
    assert f"<dd>{format_number(politie)}</dd>" in page and politie >= 1000


def test_text_is_escaped(publication: Publication) -> None:
    regions = publication.dekking_regio.assign(naam="<script>alert(1)</script>")
    page = render_html(dataclasses.replace(publication, dekking_regio=regions))
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_status_columns_from_the_publish_step_are_used(publication: Publication) -> None:
    kern = publication.kerncijfers.assign(
        incidenten_status=["gepubliceerd", "primair", "gepubliceerd"],
        aangifte_pct_status="gepubliceerd",
    )
    kern.loc[1, "incidenten"] = None  # boa: hidden by the publish step
    kern.loc[0, "aangifte_pct"] = None  # politie: not computable, yet published
    changed = dataclasses.replace(publication, kerncijfers=kern)
    table = frame_tables(changed)[0]
    assert list(table.frame.columns).count("incidenten_status") == 1
    assert table.status_columns["incidenten"] == "incidenten_status"
    page = render_html(changed)
    card = {name: page[page.index(f"<h3>{name} (2025)") :].split("</article>")[0]
            for name in ("Politie", "Boa")}  # fmt: skip
    assert "<dt>Incidenten</dt><dd>x</dd>" in card["Boa"]
    assert "<dt>Met aangifte (%)</dt><dd>.</dd>" in card["Politie"]
    assert "status</th>" not in page.lower()


def test_quality_per_employer_is_only_in_the_internal_report(
    tmp_path: Path, files: ReportFiles, publication: Publication, page: str
) -> None:
    assert "Kwaliteit" not in page and "kwaliteitsscore" not in page.lower()
    assert "GM0344" not in page  # series breaks are counted, not named
    internal = report_writer.write_internal_report(tmp_path / "intern", publication)
    text = internal.read_text(encoding="utf-8")
    share = publication.kwaliteit["aandeel_foutloos"].iloc[0]
    assert "Rijen zonder fouten (%)" in text and "niet openbaar" in text
    assert f'<td class="num">{format_number(100 * share, 1, percent=True)}</td>' in text
    assert "GM0344" in text and html.escape(HOSTILE_NAME) in text
    kwaliteit = pd.read_csv(tmp_path / "intern" / "kwaliteit.csv", sep=";", encoding="utf-8-sig")
    assert "'" + HOSTILE_NAME in set(kwaliteit["naam"])
    public = [p for p in files.directory.rglob("*") if p.is_file()]
    assert not any("kwaliteit" in p.name for p in public)


def test_coverage_under_the_floor_is_highlighted(publication: Publication, page: str) -> None:
    under = int(publication.dekking_regio["onder_drempel"].sum())
    assert under > 0
    assert page.count('<td class="num onder"') == under == page.count("onder drempel</small>")


# ---------------------------------------------------------------- files


def test_layout(files: ReportFiles, publication: Publication) -> None:
    names = {t.name for t in publication.tables} | set(FRAMES)
    assert set(files.csv) == set(files.parquet) == names
    assert all(
        p.is_file() for p in (files.html, files.xlsx, *files.csv.values(), *files.parquet.values())
    )
    assert sorted(p.name for p in files.directory.parent.iterdir()) == ["monitor"]
    page = files.html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert 'id="kernboodschappen"' in page
    for table in publication.tables:  # every table is in the page, with its title
        assert html.escape(table.title_nl) in page, table.name


def read_sheet(sheet: object) -> pd.DataFrame:
    """A table sheet as a frame: the header row below title and description, labels as names."""
    values = list(sheet.values)  # type: ignore[attr-defined]
    header = list(values[HEADER - 1])
    rows = [r for r in values[HEADER:] if any(v is not None for v in r[1:])]
    return pd.DataFrame(rows, columns=header)


def test_workbook(files: ReportFiles, publication: Publication) -> None:
    book = load_workbook(files.xlsx)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes in ("A4", "A5"), sheet.title
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), sheet.title
    notes = "\n".join(str(c.value) for c in book["Toelichting"]["B"])
    assert "1 tot en met 4" in notes and "drempel van 60%" in notes
    regio = book["incidenten_regio"]
    assert regio["A1"].value == publication.tables[0].title_nl
    assert regio["A2"].value == publication.tables[0].description_nl
    table = publication.tables[0]
    sheet = read_sheet(regio)
    assert "Beroepsgroep (omschrijving)" in sheet.columns and "Incidenten" in sheet.columns
    assert set(sheet["Beroepsgroep (omschrijving)"].dropna()) >= {"Boa", "Politie"}
    footnote = [c.value for c in regio["A"] if c.value and str(c.value).startswith("Definities")]
    assert footnote and "incidenten: aantal geregistreerde incidenten" in footnote[0]
    for column, status in table.status_columns.items():
        label = {"incidenten": "Incidenten"}.get(column, column)
        if label not in sheet:
            continue
        hidden = table.frame[status].isin(SUPPRESSED_STATUSES).to_numpy()
        assert (sheet.loc[hidden, label] == SUPPRESSED_MARK).all()
        shown = sheet.loc[~hidden, label].astype(float).reset_index(drop=True)
        expected = table.frame.loc[~hidden, column].astype(float).reset_index(drop=True)
        pd.testing.assert_series_equal(shown, expected, check_names=False)
    trend = book["Trend"]
    assert len(trend._charts) == 1  # openpyxl reads the charts of a sheet back


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", encoding="utf-8-sig", decimal=",", keep_default_na=False,
                       na_values=[""], dtype={"periode": str, "jaar": str})  # fmt: skip


def test_csv_and_parquet_hold_the_published_values(
    files: ReportFiles, publication: Publication
) -> None:
    for table in (*publication.tables, *frame_tables(publication)):
        from_csv = read_csv(files.csv[table.name])
        from_parquet = pq.read_table(files.parquet[table.name]).to_pandas()
        assert list(from_parquet.columns) == list(table.frame.columns)
        labels = [f"{c}_omschrijving" for c in table.frame.columns
                  if c in ("beroepsgroep", "gedragstype", "zwaarste_gedragstype")]  # fmt: skip
        assert set(from_csv.columns) == set(table.frame.columns) | set(labels)
        for column in table.value_columns:
            status = table.status_columns.get(column)
            hidden = (
                table.frame[status].isin(SUPPRESSED_STATUSES)
                if status
                else pd.Series(False, table.frame.index)
            )
            for read in (from_csv, from_parquet):
                assert read.loc[hidden, column].isna().all(), (table.name, column)
                if status:
                    assert (read[status] == table.frame[status]).all()
                pd.testing.assert_series_equal(
                    pd.to_numeric(read.loc[~hidden, column]).astype(float),
                    pd.to_numeric(table.frame.loc[~hidden, column]).astype(float),
                    check_names=False, check_index=False,
                )  # fmt: skip


def test_csv_is_what_dutch_excel_expects(files: ReportFiles) -> None:
    raw = files.csv["kerncijfers"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    text = raw.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.split(";")[:2] == ["beroepsgroep", "beroepsgroep_omschrijving"]
    assert re.search(r";\d+,\d;", first) and not re.search(r";\d+\.\d;", first)  # decimal comma
    assert "True" not in text and "False" not in text
    assert {"ja", "nee"} <= set(read_csv(files.csv["kerncijfers"])["volledig"])
    assert "boa;Boa;" in text
    assert "\n" in text and "\r" not in text


def test_csv_text_cannot_start_a_formula(tmp_path: Path, publication: Publication) -> None:
    breuken = publication.reeksbreuken.assign(naar="@Meldpunt")
    report_writer.write_internal_report(
        tmp_path, dataclasses.replace(publication, reeksbreuken=breuken)
    )
    kwaliteit = pd.read_csv(tmp_path / "kwaliteit.csv", sep=";", encoding="utf-8-sig")
    assert "'" + HOSTILE_NAME in set(kwaliteit["naam"])
    assert HOSTILE_NAME not in set(kwaliteit["naam"])
    named = pd.read_csv(tmp_path / "reeksbreuken_organisatie.csv", sep=";", encoding="utf-8-sig")
    assert "'@Meldpunt" in set(named["naar"])


def test_trend_files_say_why_a_value_is_missing(files: ReportFiles) -> None:
    trend = read_csv(files.csv["trend"])
    row = trend[(trend["beroepsgroep"] == "boa") & (trend["periode"] == "2025Q2")].iloc[0]
    assert pd.isna(row["incidenten"]) and row["incidenten_status"] == "secundair"
    brandweer = trend[trend["beroepsgroep"] == "brandweer"]
    assert set(brandweer["incidenten_status"]) == {"gepubliceerd"}  # volledig says the rest
    assert brandweer["volledig"].tolist() == ["ja", "nee", "nee", "nee"]
    kern = read_csv(files.csv["kerncijfers"]).set_index("beroepsgroep")
    assert pd.isna(kern.loc["brandweer", "met_letsel"])
    assert kern.loc["brandweer", "met_letsel_status"] == "onderdrukt"
    assert "fte_pct_status" not in kern.columns


def test_a_leaked_value_is_blanked_in_every_file(tmp_path: Path, publication: Publication) -> None:
    out = write_report(tmp_path / "rapport", leaky_publication(publication))
    assert read_csv(out.csv["lek"])["incidenten"].isna().tolist() == [True, False, True]
    assert pq.read_table(out.parquet["lek"]).column("incidenten").null_count == 2
    sheet = load_workbook(out.xlsx)["lek"]
    cells = [sheet[f"D{row}"].value for row in (HEADER + 1, HEADER + 2, HEADER + 3)]
    assert cells == [SUPPRESSED_MARK, 250, SUPPRESSED_MARK]
    assert "4321" not in out.csv["lek"].read_text() and "7777" not in out.csv["lek"].read_text()
    assert "4.321" not in out.html.read_text() and "7.777" not in out.html.read_text()


def test_a_new_report_replaces_the_old_one_whole(tmp_path: Path, publication: Publication) -> None:
    out = tmp_path / "rapport"
    write_report(out, publication)
    (out / "oud.txt").write_text("van de vorige keer")
    files = write_report(out, dataclasses.replace(publication, k=7))
    assert not (out / "oud.txt").exists() and "1 tot en met 6" in files.html.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport"]


def test_a_failed_write_leaves_the_old_report(
    tmp_path: Path, publication: Publication, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "rapport"
    first = write_report(out, publication).html.read_text()

    def broken(*args: object) -> None:
        raise OSError("schijf vol")

    monkeypatch.setattr(report_writer, "write_workbook", broken)
    with pytest.raises(OSError, match="schijf vol"):
        write_report(out, dataclasses.replace(publication, k=7))
    assert (out / "index.html").read_text() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport"]


@pytest.mark.parametrize("name", ["kerncijfers", "Trend", "a/b", "x" * 32])
def test_bad_table_names_are_refused(tmp_path: Path, publication: Publication, name: str) -> None:
    table = dataclasses.replace(publication.tables[0], name=name)
    with pytest.raises(ReportError, match=re.escape(repr(name))):
        write_report(tmp_path / "rapport", dataclasses.replace(publication, tables=(table,)))
    assert not any(tmp_path.iterdir())


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_page_opens_in_chromium_without_errors(files: ReportFiles, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "browser_check.py"), str(files.html),
         "--screenshots", str(tmp_path), "--json"],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["ok"], result.stdout + result.stderr
    [shot] = [Path(p["screenshot"]) for p in report["pages"]]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_changes_since_the_previous_publication_are_listed(publication: Publication) -> None:
    since = dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.UTC)
    changes = pd.DataFrame([{"beroepsgroep": "boa", "niveau": "nationaal", "gebiedcode": "NL",
                             "gebiednaam": "Nederland", "periode": "2025Q3", "incidenten": 1310,
                             "vorige": 1298, "verschil": 12, "reden": "1 late levering"}])  # fmt: skip
    page = render_html(publication, changes, since)
    section = page[page.index('id="wijzigingen"') : page.index('id="tabellen"')]
    assert "1 gepubliceerde kwartaalcijfers" in section and "1 januari 2026, 04:00" in section
    assert "<td>1 late levering</td>" in section and '<td class="num">1.310</td>' in section
    first = render_html(publication)
    assert "eerste bewaarde publicatie" in first[first.index('id="wijzigingen"') :]
    quiet = render_html(publication, changes.iloc[0:0], since)
    assert "Geen gepubliceerd kwartaalcijfer is veranderd" in quiet
