"""Reading delimited files: encodings, a BOM, sniffed delimiters, quoted newlines."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import connectors.delimited as delimited
from connectors.base import RawTable
from connectors.delimited import read_csv
from schemas.errors import DeliveryError
from schemas.profile import ReaderKind, ReaderOptions
from schemas.rows import ROW_COLUMN

EXPECTED = ("ID", "Datum", "Toelichting")
ROWS = [["ID", "Datum", "Toelichting"], ["V1", "03-07-2025", "Café € 50"], ["V2", "04-07-2025", ""]]


def _write(tmp_path: Path, text: str, encoding: str, name: str = "levering.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _text(delimiter: str) -> str:
    return "".join(delimiter.join(r) + "\r\n" for r in ROWS)


def _options(encoding: str = "utf-8", delimiter: str = ";") -> ReaderOptions:
    return ReaderOptions(kind=ReaderKind.CSV, encoding=encoding, delimiter=delimiter)


@pytest.mark.parametrize(
    ("encoding", "profile_encoding"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("utf-8-sig", "UTF8"), ("cp1252", "cp1252"),
     ("latin-1", "latin-1"), ("cp1252", "windows-1252")],
)  # fmt: skip
def test_read_csv_reads_each_encoding_the_profile_names(
    tmp_path: Path, encoding: str, profile_encoding: str
) -> None:
    text = _text(";").replace("€ ", "") if encoding == "latin-1" else _text(";")
    raw = read_csv(_write(tmp_path, text, encoding), _options(profile_encoding), EXPECTED)

    assert list(raw.cells.columns) == ["ID", "Datum", "Toelichting", ROW_COLUMN]
    assert raw.cells["Toelichting"].iloc[0].startswith("Café")
    assert list(raw.cells[ROW_COLUMN]) == [2, 3]


@pytest.mark.parametrize(
    ("encoding", "profile_encoding", "hint"),
    [
        ("cp1252", "utf-8", "het bestand lijkt cp1252-tekst"),
        ("utf-8", "cp1252", None),  # utf-8 bytes are valid cp1252 (mojibake): read as asked
        ("utf-16", "utf-8", "het bestand lijkt UTF-16"),
    ],
)
def test_read_csv_does_not_guess_another_encoding(
    tmp_path: Path, encoding: str, profile_encoding: str, hint: str | None
) -> None:
    path = _write(tmp_path, _text(";"), encoding)
    if hint is None:
        raw = read_csv(path, _options(profile_encoding), EXPECTED)
        assert raw.cells["Toelichting"].iloc[0] != "Café € 50"
        return
    with pytest.raises(DeliveryError) as caught:
        read_csv(path, _options(profile_encoding), EXPECTED)

    error = caught.value
    assert error.code == "S01" and error.file == "levering.csv"
    assert hint in error.message
    assert f"geen geldige {profile_encoding}-tekst" in error.message
    assert "lever het opnieuw aan" in error.message


def test_read_csv_names_the_line_of_the_undecodable_byte(tmp_path: Path) -> None:
    path = tmp_path / "levering.csv"
    path.write_bytes(_text(";").encode("utf-8") + b"V3;05-07-2025;caf\xe9\r\n")

    with pytest.raises(DeliveryError, match=r"S01 levering\.csv: regel 4: teken \(byte 0xe9\)"):
        read_csv(path, _options("utf-8"), EXPECTED)


@pytest.mark.parametrize("profile_delimiter", [";", ","])
@pytest.mark.parametrize("file_delimiter", [";", ",", "\t", "|"])
def test_read_csv_sniffs_a_delimiter_when_the_profiles_gives_one_column(
    tmp_path: Path, profile_delimiter: str, file_delimiter: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write(tmp_path, _text(file_delimiter), "utf-8")

    with caplog.at_level(logging.INFO, logger="connectors.delimited"):
        raw = read_csv(path, _options(delimiter=profile_delimiter), EXPECTED)

    assert list(raw.cells["Datum"]) == ["03-07-2025", "04-07-2025"]
    assert list(raw.cells[ROW_COLUMN]) == [2, 3]
    sniffed = [r for r in caplog.records if "sniffed" in r.getMessage()]
    assert len(sniffed) == (profile_delimiter != file_delimiter)


def test_read_csv_keeps_the_profiles_delimiter_when_it_gives_columns(tmp_path: Path) -> None:
    text = "ID;Datum;Toelichting\r\nV1;03-07-2025;a, b, c, d\r\nV2;04-07-2025;e, f\r\n"
    raw = read_csv(_write(tmp_path, text, "utf-8"), _options(delimiter=";"), EXPECTED)

    assert list(raw.cells["Toelichting"]) == ["a, b, c, d", "e, f"]


def test_read_csv_without_a_header_in_any_delimiter_is_s02(tmp_path: Path) -> None:
    path = _write(tmp_path, "dit is geen tabel\r\nmaar gewoon tekst\r\n", "utf-8")

    with pytest.raises(DeliveryError) as caught:
        read_csv(path, _options(), EXPECTED)

    assert caught.value.code == "S02"


def test_read_csv_keeps_the_start_line_of_a_record_with_quoted_newlines(tmp_path: Path) -> None:
    text = (
        "Export incidenten\r\n"
        "ID;Datum;Toelichting\r\n"
        'V1;03-07-2025;"eerste regel\r\ntweede regel\r\nderde; regel"\r\n'
        "\r\n"
        'V2;04-07-2025;"kort"\r\n'
        'V3;05-07-2025;"nog ""een""\nmet LF"\r\n'
        "V4;06-07-2025;\r\n"
    )
    raw = read_csv(_write(tmp_path, text, "utf-8-sig"), _options("utf-8"), EXPECTED)

    assert list(raw.cells["ID"]) == ["V1", "V2", "V3", "V4"]
    assert list(raw.cells[ROW_COLUMN]) == [3, 7, 8, 10]
    assert raw.cells["Toelichting"].iloc[0] == "eerste regel\r\ntweede regel\r\nderde; regel"
    assert raw.cells["Toelichting"].iloc[2] == 'nog "een"\nmet LF'


LINE_TEXT = st.text(
    alphabet=st.sampled_from(list('ab;"\r\n\x0b\x0c\x1c\x85\u2028\u2029')), max_size=60
)


@settings(max_examples=300, deadline=None)
@given(text=LINE_TEXT, chunk=st.integers(1, 8))
def test_lines_split_only_where_a_csv_file_ends_a_line(text: str, chunk: int) -> None:
    """Lines end at \\r\\n, \\r and \\n only, as `open(newline="")` splits them; with or without
    the other characters str.splitlines breaks at, in chunks of any size."""
    plain = text.translate(dict.fromkeys(map(ord, "\x0b\x0c\x1c\x85\u2028\u2029")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delimited, "CHUNK_CHARS", chunk)
        assert list(delimited._lines(text)) == io.StringIO(text, newline="").readlines()
        assert list(delimited._lines(plain)) == io.StringIO(plain, newline="").readlines()


def test_records_keep_their_line_numbers_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delimited, "CHUNK_CHARS", 7)
    path = tmp_path / "x.csv"
    path.write_text('a;b\r\n1;"x\r\ny"\r\n\r\n2;z\r\n', encoding="utf-8")
    table = read_csv(path, ReaderOptions(kind=ReaderKind.CSV, delimiter=";"), ("a", "b"))
    assert table.cells[ROW_COLUMN].tolist() == [2, 5]
    assert table.cells["b"].tolist() == ["x\r\ny", "z"]


def _csv_module(text: str, delimiter: str) -> tuple[list[list[str | None]], list[int]]:
    """What the csv module reads from a text, each cell stripped (empty: None), with the line
    each record starts on: what every reading of a delimited text must give."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers, start = [], [], 1
    for record in reader:
        rows.append([v.strip() or None for v in record])
        numbers.append(start)
        start = reader.line_num + 1
    return rows, numbers


CELL_TEXT = st.text(
    alphabet=st.sampled_from(list('ab;,\t "\r\n\xa0\x0b\x00\u2028é€\u3000')), max_size=80
)


@settings(max_examples=500, deadline=None)
@given(text=CELL_TEXT, delimiter=st.sampled_from([";", ",", "\t"]))
def test_records_are_what_the_csv_module_reads(text: str, delimiter: str) -> None:
    """Plain texts are split in C (`_parse_plain`), the others read by the csv module: the same
    records and line numbers either way (an empty cell may stay empty text: None in the frame)."""
    rows, numbers = delimited._parse(text, delimiter, "x.csv")
    assert ([[v or None for v in row] for row in rows], numbers) == _csv_module(text, delimiter)


PLAIN = "Export\r\n\r\nID;Datum;Toelichting\r\nV1;03-07-2025;Café boos\r\nV2;;\nV3;05-07-2025;x\r\n"


def test_the_spaces_are_what_str_strip_strips_but_line_ends() -> None:
    spaces = {chr(c) for c in range(0x110000) if chr(c).isspace()} - {"\r", "\n"}
    assert set(delimited._SPACES) == spaces
    assert len(delimited._SPACES) == len(spaces)


def test_a_plain_text_is_split_without_the_csv_module(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the csv module read a plain text")

    assert delimited._plain(PLAIN, ";")
    monkeypatch.setattr(delimited.csv, "reader", refused)
    rows, numbers = delimited._parse(PLAIN, ";", "x.csv")
    assert rows == [["Export"], [], ["ID", "Datum", "Toelichting"],
                    ["V1", "03-07-2025", "Café boos"], ["V2", "", ""], ["V3", "05-07-2025", "x"]]  # fmt: skip
    assert numbers == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "text",
    [PLAIN.replace("boos", "boos "), PLAIN.replace(";x", "; x"), PLAIN.replace("V3", "\tV3"),
     PLAIN.replace("Café", '"Café'), " " + PLAIN, PLAIN + "\xa0", PLAIN.replace("x", "x\x00"),
     PLAIN.replace("Export", "Export\u2028"), PLAIN.replace("Café", "\u3000Café€"),
     PLAIN.replace("x\r\n", "x\u3000")],
)  # fmt: skip
def test_a_text_with_spaces_at_a_cells_edge_quotes_nul_or_other_breaks_is_not_plain(
    text: str,
) -> None:
    assert not delimited._plain(text, ";")
    assert delimited._plain(PLAIN, ";")


def test_a_plain_record_with_too_many_columns_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delimited, "MAX_COLUMNS", 3)
    path = _write(tmp_path, PLAIN.replace("V2;;", "V2;;;;"), "utf-8")
    assert delimited._plain(path.read_text(encoding="utf-8"), ";")
    with pytest.raises(DeliveryError) as caught:
        read_csv(path, _options(), EXPECTED)
    assert caught.value.code == "S01"
    assert "regel 5 heeft te veel kolommen" in caught.value.message


@pytest.mark.parametrize("quoted", [False, True])
def test_a_file_with_too_many_lines_is_refused_plain_or_quoted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted: bool
) -> None:
    monkeypatch.setattr(delimited, "MAX_ROWS", 5)
    cell = '"x"' if quoted else "x"
    body = "".join(f"V{i};03-07-2025;{cell}\r\n" for i in range(40))
    path = _write(tmp_path, "ID;Datum;Toelichting\r\n" + body, "utf-8")
    with pytest.raises(DeliveryError) as caught:
        read_csv(path, _options(), EXPECTED)
    assert "te veel regels" in caught.value.message
    monkeypatch.setattr(delimited, "MAX_ROWS", 40)  # exactly at the limit: read
    assert len(read_csv(path, _options(), EXPECTED).cells) == 40


def test_a_field_beyond_the_csv_modules_limit_is_refused_in_a_plain_text_too(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, PLAIN.replace("Café boos", "boos" * 20), "utf-8")
    assert delimited._plain(path.read_text(encoding="utf-8"), ";")
    limit = csv.field_size_limit(50)
    try:
        with pytest.raises(DeliveryError) as caught:
            read_csv(path, _options(), EXPECTED)
    finally:
        csv.field_size_limit(limit)
    assert caught.value.code == "S01"
    assert caught.value.message.startswith("regel 4: field larger than field limit (50)")


def _frame(table: RawTable | None) -> tuple[list[str], list[list[object]]]:
    assert table is not None
    return table.cells.columns.tolist(), table.cells.to_numpy().tolist()


LINE_ENDS = st.sampled_from(["\r\n", "\n", "\r"])
# a space only inside a cell (at its edge a text is not plain: the columns are not read)
CELL = st.from_regex(r"(?:[aV1é€x,|\t\ufeff-]{1,2}(?: [a,|]{1,2})?)?", fullmatch=True)
RECORD = st.lists(CELL, min_size=1, max_size=6)


@st.composite
def tables(draw: st.DrawFn) -> str:
    """A delivery as exports write it: title lines, a header, records of the header's width or
    not, a blank line or a total row here and there, mixed line ends."""
    width = draw(st.integers(3, 5))
    header = ["ID", "Datum", "Toelichting", "Extra", ""][:width]
    lines = [";".join(draw(st.lists(CELL, max_size=3))) for _ in range(draw(st.integers(0, 2)))]
    lines.append(";".join(header))
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["record"] * 6 + ["ragged", "blank", "empty cells", "total"]))
        if kind == "record":
            lines.append(";".join(draw(st.lists(CELL, min_size=width, max_size=width))))
        elif kind == "ragged":
            lines.append(";".join(draw(RECORD)))
        elif kind == "blank":
            lines.append("")
        elif kind == "empty cells":
            lines.append(";" * (width - 1))
        else:
            lines.append(";".join(["Totaal:", *draw(st.lists(CELL, min_size=width - 1,
                                                              max_size=width - 1))]))  # fmt: skip
    ends = [draw(LINE_ENDS) for _ in lines]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    return text if draw(st.booleans()) else text.rstrip("\r\n")


@settings(max_examples=400, deadline=None)
@given(text=tables())
def test_columns_read_by_arrow_are_the_records_cells(text: str) -> None:
    """Where Arrow reads a text into columns, it gives the frame the records give: the same
    headers, cells, line numbers, blank records and trailing totals left out."""
    columns = delimited._read_columns(text, ";", EXPECTED, "x.csv")
    if columns is not None:
        assert _frame(columns) == _frame(delimited._read_records(text, ";", EXPECTED, "x.csv"))


def test_a_plain_table_of_one_width_is_read_into_columns_of_shared_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a table of one width was read record by record")

    monkeypatch.setattr(delimited, "_parse", refused)
    text = ("Export;;\r\n\r\nID;Datum;Toelichting;\r\n\r\nV1;03-07-2025;boos;\nV2;;;\r\n;;;\r"
            "\r\nV3;03-07-2025;x;\r\nTotaal;2;;\r\n\r\n")  # fmt: skip
    table = delimited._read_columns(text, ";", EXPECTED, "x.csv")
    assert _frame(table) == (
        ["ID", "Datum", "Toelichting", "kolom_4", ROW_COLUMN],
        [["V1", "03-07-2025", "boos", None, 5], ["V2", None, None, None, 6],
         ["V3", "03-07-2025", "x", None, 9]],
    )  # fmt: skip
    assert table is not None
    dates = table.cells["Datum"].tolist()
    assert dates[0] is dates[2]  # one object: harmonising finds the distinct texts sooner


@pytest.mark.parametrize(
    ("text", "records"),
    [("ID;Datum;Toelichting\r\nV1;03-07-2025\r\nV2;;\r\n", 2),  # records of two widths
     ("ID;Datum;Toelichting\r\n\r\n\r\n", 0),  # no record
     ('ID;Datum;Toelichting\r\nV1;"03-07-2025";boos\r\n', 1),  # not plain: a quote
     ("ID,Datum,Toelichting\r\nV1,03-07-2025,boos\r\n", 1),  # no header with the profile's `;`
     ("ID;Datum;Toelichting\r\n\ufeffV1;03-07-2025;boos\r\n", 1)],  # a byte-order mark: Arrow drops it
)  # fmt: skip
def test_a_table_of_another_shape_is_left_to_the_records(text: str, records: int) -> None:
    assert delimited._read_columns(text, ";", EXPECTED, "x.csv") is None
    assert len(delimited._read_records(text, ";", EXPECTED, "x.csv").cells) == records


def test_a_large_plain_file_is_read_into_columns_and_a_small_one_by_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("read the other way")

    record = "V{};03-07-2025;boos\r\n"
    rows = delimited.COLUMNS_FROM_CHARS // len(record.format(1)) + 1
    large = _write(tmp_path, "ID;Datum;Toelichting\r\n" + "".join(map(record.format, range(rows))),
                   "utf-8", "groot.csv")  # fmt: skip
    small = _write(tmp_path, "ID;Datum;Toelichting\r\n" + record.format(1), "utf-8", "klein.csv")
    with monkeypatch.context() as patch:
        patch.setattr(delimited, "_parse", refused)
        cells = read_csv(large, _options(), EXPECTED).cells
    assert len(cells) == rows
    assert (cells["ID"].iloc[-1], cells[ROW_COLUMN].iloc[-1]) == (f"V{rows - 1}", rows + 1)
    monkeypatch.setattr(delimited, "_read_columns", refused)
    assert read_csv(small, _options(), EXPECTED).cells["ID"].tolist() == ["V1"]
