"""Reading spreadsheets: which sheet, where the header is, totals, formulas, formats by content."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.html_table import read_html_tables
from connectors.spreadsheet import combine_header_rows, read_xlsx
from schemas.errors import DeliveryError
from schemas.profile import ReaderKind, ReaderOptions
from schemas.rows import ROW_COLUMN
from tests.conftest import write_xlsx

EXPECTED = ("Incidentnummer", "Datum", "Verbaal", "Fysiek")
HEADER: list[Any] = list(EXPECTED)
DATA: list[list[Any]] = [["A1", "2025-01-02", "x", None], ["A2", "2025-01-03", None, "x"]]
UITLEG = [["Uitleg"], ["Vul per incident één regel in."], ["Kolom Datum: dd-mm-jjjj"]]
CODES = [["Code", "Omschrijving"], ["Verbaal", "Schelden"], ["Fysiek", "Slaan"]]


def _options(sheet: str | None = None) -> ReaderOptions:
    return ReaderOptions(kind=ReaderKind.XLSX, sheet=sheet)


def _read(path: Path, sheet: str | None = None, metadata: str | None = None):  # type: ignore[no-untyped-def]
    return read_xlsx(path, _options(sheet), EXPECTED, metadata)


def _xlsx(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "l.xlsx") -> Path:
    path = tmp_path / name
    write_xlsx(path, sheets)
    return path


def _values(raw) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    return raw.cells[[*HEADER, ROW_COLUMN]].astype(object).values.tolist()


def test_explanation_and_code_sheets_do_not_win_over_the_data_sheet(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, {"Uitleg": UITLEG, "Codes": CODES, "Incidenten": [HEADER, *DATA]})

    raw = _read(path)

    assert raw.sheet == "Incidenten"
    assert _values(raw) == [[*DATA[0], 2], [*DATA[1], 3]]


def test_a_hidden_sheet_is_skipped_even_when_its_header_matches(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    old = [HEADER, ["OUD1", "2024-01-01", "x", None]]
    path = _xlsx(tmp_path, {"Oud": old, "Uitleg": UITLEG, "Data": [HEADER, *DATA]})
    workbook = load_workbook(path)
    workbook["Oud"].sheet_state = "hidden"
    workbook.save(path)

    assert _read(path).sheet == "Data"
    assert _read(path, sheet="Oud").cells["Incidentnummer"].tolist() == ["OUD1"]


def test_only_a_hidden_sheet_with_the_header_is_s02_naming_it(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = _xlsx(tmp_path, {"Uitleg": UITLEG, "Data": [HEADER, *DATA]})
    workbook = load_workbook(path)
    workbook["Data"].sheet_state = "hidden"
    workbook.save(path)

    with pytest.raises(DeliveryError) as caught:
        _read(path)
    assert caught.value.code == "S02" and "verborgen tabbladen niet doorzocht: Data" in str(
        caught.value
    )


def test_header_below_title_rows_keeps_excel_row_numbers(tmp_path: Path) -> None:
    rows = [["Agressie-incidenten 2025 Q1"], ["Gemeente Voorbeeld"], [], HEADER, *DATA]

    raw = _read(_xlsx(tmp_path, {"Blad1": rows}))

    assert _values(raw) == [[*DATA[0], 5], [*DATA[1], 6]]


def test_blank_rows_are_left_out_and_row_numbers_stay(tmp_path: Path) -> None:
    rows = [HEADER, DATA[0], [], [None, None, None, None], DATA[1], [], []]

    raw = _read(_xlsx(tmp_path, {"Blad1": rows}))

    assert list(raw.cells[ROW_COLUMN]) == [2, 5]
    assert raw.rows_in == 2


def test_two_row_header_with_a_merged_group_label(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    upper = ["Incidentnummer", "Datum", "Gedrag", None]
    lower = [None, None, "Verbaal", "Fysiek"]
    path = _xlsx(tmp_path, {"Blad1": [["Titel"], upper, lower, *DATA]})
    workbook = load_workbook(path)
    sheet = workbook["Blad1"]
    for merged in ("A2:A3", "B2:B3", "C2:D2"):
        sheet.merge_cells(merged)
    workbook.save(path)

    raw = _read(path)

    assert list(raw.cells.columns) == [*HEADER, ROW_COLUMN]
    assert _values(raw) == [[*DATA[0], 4], [*DATA[1], 5]]


def test_a_single_row_header_is_not_combined_with_a_title_above() -> None:
    from connectors.spreadsheet import locate_header

    rows = [["Titel", None, None, None, "extra"], [*HEADER, None], ["A1", None, None, None, "x"]]

    header = locate_header(rows, EXPECTED)

    assert header is not None and header.data_from == 2
    assert header.names == [*HEADER, None]


def test_combine_header_rows_takes_the_lower_cell_when_it_has_text() -> None:
    assert combine_header_rows(["Nr", "Gedrag", None], [None, "Verbaal", "Fysiek"]) == [
        "Nr",
        "Verbaal",
        "Fysiek",
    ]


def test_total_rows_at_the_end_are_left_out_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [HEADER, *DATA, [], ["Totaal", None, 1, 1], ["som:", None, 2], []]

    with caplog.at_level(logging.INFO, logger="connectors.spreadsheet"):
        raw = _read(_xlsx(tmp_path, {"Blad1": rows}))

    assert list(raw.cells[ROW_COLUMN]) == [2, 3]
    assert "totaalregel 5 overgeslagen" in caplog.text
    assert "totaalregel 6 overgeslagen" in caplog.text


def test_a_total_row_in_the_middle_stays_a_row(tmp_path: Path) -> None:
    rows = [HEADER, DATA[0], ["TOTAAL", None, 1, 0], DATA[1], [None, "Totaal"]]

    raw = _read(_xlsx(tmp_path, {"Blad1": rows}))

    assert raw.cells["Incidentnummer"].tolist() == ["A1", "TOTAAL", "A2"]
    assert list(raw.cells[ROW_COLUMN]) == [2, 3, 4]


def _with_cached_values(path: Path, cached: dict[str, str]) -> None:
    """Give openpyxl's formula cells the cached value Excel would have saved."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cached.items():
        start = xml.index(f'<c r="{ref}"')
        end = xml.index("</c>", start)
        cell = xml[start:end].replace("<v />", f"<v>{value}</v>").replace(">", ' t="str">', 1)
        xml = xml[:start] + cell + xml[end:]
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_formulas_give_their_cached_value_and_are_never_evaluated(tmp_path: Path) -> None:
    rows = [HEADER, ["A1", "2025-01-02", "=1+1", '="x"&A2'], ["A2", "2025-01-03", "=1+1", None]]
    path = _xlsx(tmp_path, {"Blad1": rows})
    _with_cached_values(path, {"C2": "cached", "D2": "xA1"})  # row 3 keeps no cached value

    raw = _read(path)

    assert _values(raw) == [
        ["A1", "2025-01-02", "cached", "xA1", 2],  # the cache, not the formula's 2
        ["A2", "2025-01-03", None, None, 3],  # no cache: empty, never "=1+1" nor 2
    ]


def test_xlsm_and_xlsx_named_xls_are_read_by_content(tmp_path: Path) -> None:
    for name in ("l.xlsm", "l.xls", "l.bin"):
        raw = _read(_xlsx(tmp_path, {"Blad1": [HEADER, *DATA]}, name=name))
        assert _values(raw) == [[*DATA[0], 2], [*DATA[1], 3]]


def _write_ods(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    """A minimal OpenDocument spreadsheet, built with the standard library only."""

    def cell(value: Any) -> str:
        if value is None:
            return "<table:table-cell/>"
        text = f"<text:p>{escape(str(value))}</text:p>"
        return f'<table:table-cell office:value-type="string">{text}</table:table-cell>'

    body = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(f"<table:table-row>{''.join(map(cell, r))}</table:table-row>" for r in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    ns = "urn:oasis:names:tc:opendocument:xmlns"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        f'xmlns:office="{ns}:office:1.0" xmlns:table="{ns}:table:1.0" '
        f'xmlns:text="{ns}:text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
        f"{body}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        f'xmlns:manifest="{ns}:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


def test_ods_is_read_like_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "l.ods"
    _write_ods(path, {"Uitleg": UITLEG, "Data": [["Titel"], [], HEADER, DATA[0], [], DATA[1]]})

    raw = _read(path)

    assert raw.sheet == "Data"
    assert _values(raw) == [[*DATA[0], 4], [*DATA[1], 6]]


@pytest.mark.skip(reason="no installed library writes BIFF .xls (xlwt is not a dependency)")
def test_ole2_xls_is_read_by_calamine() -> None:  # pragma: no cover
    raise AssertionError("an OLE2 .xls goes straight to calamine: see open_sheets")


HTML_XLS = """\ufeff
<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>
<body><table>
<tr><td colspan="4"><b>Export incidenten</b></td></tr>
<tr><th>Incidentnummer</th><th>Datum</th><th>Verbaal</th><th>Fysiek</th></tr>
<tr><td>A1</td><td>2025-01-02</td><td>x</td><td></td></tr>
<tr><td></td><td></td><td></td><td></td></tr>
<tr><td>A2</td><td>2025-01-03</td><td>&nbsp;</td><td>x</td></tr>
<tr><td>Totaal</td><td></td><td>1</td><td>1</td></tr>
</table></body></html>
"""


def test_an_xls_that_is_an_html_table_is_read_with_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(HTML_XLS.encode("utf-8"))

    raw = _read(path)

    assert raw.sheet == "tabel 1"
    assert _values(raw) == [[*DATA[0], 3], [*DATA[1], 5]]


def test_html_spans_leave_empty_cells_so_columns_stay_aligned() -> None:
    html = (
        b"<table><tr><td rowspan=2>a</td><td colspan=2>b</td><td>c</td></tr>"
        b"<tr><td>d</td><td>e<br>f</td><td>g</td></tr></table><table><tr><td>z</td></table>"
    )

    assert read_html_tables(html) == {
        "tabel 1": [["a", "b", "", "c"], ["", "d", "e f", "g"]],
        "tabel 2": [["z"]],
    }


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"dit is geen spreadsheet",
        b"PK\x03\x04 kapot",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1kapot",
        b"\xef\xbb\xbf  <!DOCTYPE html><p>geen tabel</p>",
    ],
)
def test_garbage_is_s01(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "l.xlsx"
    path.write_bytes(content)

    with pytest.raises(DeliveryError) as caught:
        _read(path)
    assert caught.value.code == "S01" and caught.value.file == "l.xlsx"


def test_a_workbook_without_the_header_is_s02(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, {"Uitleg": UITLEG, "Blad1": [["a", "b"], ["1", "2"]]})

    with pytest.raises(DeliveryError) as caught:
        _read(path)
    assert caught.value.code == "S02"


def test_a_named_sheet_that_is_missing_is_s02(tmp_path: Path) -> None:
    with pytest.raises(DeliveryError) as caught:
        _read(_xlsx(tmp_path, {"Blad1": [HEADER, *DATA]}), sheet="Incidenten")
    assert caught.value.code == "S02" and "'Incidenten' ontbreekt" in caught.value.message


def test_metadata_sheet_is_read_by_name_even_when_hidden(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = _xlsx(tmp_path, {"Data": [HEADER, *DATA], "Meta": [["Veld", "Waarde"], ["FTE", 12]]})
    workbook = load_workbook(path)
    workbook["Meta"].sheet_state = "hidden"
    workbook.save(path)

    assert _read(path, metadata="Meta").metadata == {"veld": "Waarde", "fte": "12"}


@given(
    st.lists(
        st.lists(st.text(alphabet="<>/=\"' &;abtrdhcolspan12", max_size=12), max_size=4),
        max_size=6,
    )
)
def test_html_parser_is_total(fragments: list[list[str]]) -> None:
    html = "<table>" + "".join("<tr><td>" + "<td>".join(r) for r in fragments) + "</table>"

    tables = read_html_tables(html.encode())

    assert all(isinstance(c, str) for rows in tables.values() for r in rows for c in r)
