"""The fast feedback workbook is the workbook XlsxWriter writes itself, part by part."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipeline.employers.feedback_writer import feedback_tables
from pipeline.employers.feedback_xlsx import Table, write_workbook
from pipeline.employers.sheet_cells import is_short_text_row
from pipeline.night.check import check_feedback, check_file
from pipeline.settings import Settings
from tests.conftest import PROFILE_FIXTURES, REFERENCE_DIR, load_spec, write_source
from tests.pipeline.xlsx_reference import write_reference

CREATED = dt.datetime(2026, 1, 2, 3, 4, 5)


def parts(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as book:
        return [(info.filename, book.read(info)) for info in book.infolist()]


def assert_same_workbook(tmp_path: Path, tables: list[Table]) -> Path:
    ours, reference = tmp_path / "ours.xlsx", tmp_path / "reference.xlsx"
    write_workbook(ours, tables, created=CREATED)
    write_reference(reference, tables, created=CREATED)
    got, expected = parts(ours), parts(reference)
    assert [name for name, _ in got] == [name for name, _ in expected]
    for (name, data), (_, wanted) in zip(got, expected, strict=True):
        assert data.decode() == wanted.decode(), name
    return ours


@pytest.mark.parametrize("fixture", sorted(p.name for p in PROFILE_FIXTURES.iterdir()))
def test_the_feedback_of_every_profile_fixture_is_xlsxwriters_workbook(
    tmp_path: Path, fixture: str
) -> None:
    settings = Settings(reference_dir=REFERENCE_DIR, inbox_dir=tmp_path / "inbox",
                        warehouse_path=tmp_path / "wh" / "monitor.duckdb")  # fmt: skip
    spec = load_spec(PROFILE_FIXTURES / fixture / "source.yaml")
    path = write_source(spec, tmp_path / "in")
    processed = check_file(path, spec["folder"], settings, dt.date(2025, 10, 20))
    feedback = check_feedback(processed, settings, dt.datetime(2025, 10, 20, tzinfo=dt.UTC))
    assert_same_workbook(tmp_path, feedback_tables(feedback))


PIECES = ["\x00", "\x01", "\x0b", "\r", "\n", "\t", " ", "&", "<", ">", '"', "_x0041_",
          "_x00e9_", "\ufffe", "\uffff", "=", "+", "-", "@", "😀", "<r>", "</r>"]  # fmt: skip
CHARACTER = st.one_of(st.characters(codec="utf-8", blacklist_categories=["Cs"]),
                      st.sampled_from(PIECES))  # fmt: skip
TEXT = st.lists(CHARACTER, max_size=40).map("".join)
TEXT = TEXT.filter(lambda text: not (text.startswith("<r>") and text.endswith("</r>")))
LONG = st.builds(lambda a, b: a * 61 + b, st.sampled_from(["x", " ", "é"]), TEXT)
VALUE = st.one_of(
    TEXT, LONG, st.none(), st.just(pd.NA), st.just(math.nan), st.just(math.inf), st.booleans(),
    st.integers(-(10**18), 10**18), st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip


@st.composite
def tables(draw: Any) -> list[Table]:
    result = []
    for name in draw(st.lists(st.sampled_from(["Samenvatting", "Meldingen", "Controles",
                                                "Uitleg", "Blad met spaties"]),
                              min_size=1, max_size=4, unique=True)):  # fmt: skip
        width = draw(st.integers(1, 6))
        columns = draw(st.lists(TEXT.filter(bool), min_size=width, max_size=width))
        widths = draw(st.lists(st.sampled_from([0.5, 7, 22, 22, 40, 50, 60, 90]),
                               min_size=width, max_size=width))  # fmt: skip
        rows = draw(st.lists(st.lists(VALUE, min_size=width, max_size=width), max_size=8))
        result.append(Table(name, columns, widths, rows))
    return result


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(generated=tables())
def test_any_table_is_written_as_xlsxwriter_writes_it(
    tmp_path: Path, generated: list[Table]
) -> None:
    """Control characters, literal _xHHHH_, markup, whitespace, formulas, emoji, numbers of every
    size, blanks and rows without a cell: the same parts, byte for byte."""
    assert_same_workbook(tmp_path, generated)


def test_rows_that_recur_from_workbook_to_workbook_are_written_for_their_own(
    tmp_path: Path,
) -> None:
    """Rows of texts are remembered from workbook to workbook in a process: one that recurs is
    still written at its own row, with its own workbook's numbering of the styles, and values
    that are equal but written differently (1 and True, 0.0 and -0.0) are not taken for each
    other."""
    long_text = "x" * 70  # wraps: the first style used in the second workbook
    first = [["a", None], ["b", "c"], [1, 0.0], [long_text, ""]]
    second = [[long_text, ""], ["b", "c"], ["a", None], [None, None]]
    moved = [["b", "c"], ["a", None], [1, 0.0], [long_text, ""]]  # the first's numbering
    equal_values = [["a", None], ["b", "c"], [True, -0.0], [long_text, ""]]
    for number, rows in enumerate([first, second, first, moved, equal_values]):
        folder = tmp_path / str(number)
        folder.mkdir()
        assert_same_workbook(folder, [Table("Controles", ["code", "veld"], [7, 22], rows)])


def test_only_rows_of_texts_short_together_are_remembered() -> None:
    """What a process remembers stays bounded: a row of texts or Nones of at most 600 characters
    together; a row with a number, a str subclass or longer texts is written every time."""
    assert is_short_text_row(["a" * 600]) and is_short_text_row([None, "a" * 300, "b" * 300])
    assert is_short_text_row([None, None])
    assert not is_short_text_row(["a" * 601]) and not is_short_text_row(["a" * 300, "b" * 301])
    assert not is_short_text_row(["a", 1]) and not is_short_text_row(["a", pd.NA])

    class Text(str):
        pass

    assert not is_short_text_row([Text("a")])


def test_long_texts_empty_rows_and_many_rows(tmp_path: Path) -> None:
    long_text = "a" * 40_000
    emoji_cut = "b" * 32_766 + "😀" + "c"  # the emoji would straddle Excel's limit: left out
    rows: list[list[Any]] = [[f"rij {i}", i, None] for i in range(2_500)]
    rows[10] = [None, None, None]
    rows.extend([[long_text, emoji_cut, ""], [None, pd.NA, math.nan]])
    path = assert_same_workbook(tmp_path, [Table("Meldingen", ["a", "b", "c"], [7, 40, 90], rows)])
    sheet = load_workbook(path)["Meldingen"]
    assert sheet.cell(2502, 1).value == "a" * 32_767 and sheet.cell(2502, 2).value == "b" * 32_766
    assert sheet.auto_filter.ref == "A1:C2503"


def test_rich_text_markup_from_an_employer_stays_text(tmp_path: Path) -> None:
    """XlsxWriter's constant_memory mode takes a text between <r> and </r> for rich text and
    writes it into the XML unescaped; the fast writer escapes it like any text."""
    hostile = '<r><t>x</t></r><c r="Z9"><v>1</v></c><r>'
    values = [hostile + "</r>", "<r></r>"]
    path = tmp_path / "f.xlsx"
    write_workbook(path, [Table("Meldingen", ["waarde"], [24], [[v] for v in values])])
    sheet = load_workbook(path)["Meldingen"]
    assert [sheet.cell(row, 1).value for row in (2, 3)] == values
    assert sheet.max_row == 3 and sheet.max_column == 1


def test_a_failed_write_leaves_no_workbook(tmp_path: Path) -> None:
    class Unprintable:
        def __str__(self) -> str:
            raise RuntimeError("kan niet")

    path = tmp_path / "f.xlsx"
    with pytest.raises(RuntimeError):
        write_workbook(path, [Table("Meldingen", ["a"], [7], [["ok"], [Unprintable()]])])
    assert list(tmp_path.iterdir()) == []


def test_more_rows_than_a_sheet_holds_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XlsxWriter drops such rows without a word; the feedback cuts them off itself and says so
    (test_feedback.py), so the writer refuses rather than write a sheet Excel would repair."""
    from pipeline.employers import feedback_xlsx

    monkeypatch.setattr(feedback_xlsx, "MAX_SHEET_ROWS", 2)
    with pytest.raises(ValueError, match="3 rows"):
        write_workbook(tmp_path / "f.xlsx", [Table("Meldingen", ["a"], [7], [[1], [2], [3]])])
    assert list(tmp_path.iterdir()) == []
