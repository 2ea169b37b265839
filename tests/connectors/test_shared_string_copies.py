"""Shared strings as calamine holds them (a fifth adversarial review, 2026-12-06).

Calamine copies a shared string into every cell that shows it: 3,000 cells showing one 1 MB
string aborted the process when the rows were read. A first bound (e5dfe3a) found the items with
a regular expression and the indexes with expat; the review got past it eight ways, because
calamine finds both its own way. Now calamine reads the shared strings as the bounds wrote them
anew (`connectors.shared_strings`), and a cell is charged its item only where its index is
certain to be calamine's (`connectors.string_copies`).
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from connectors.sheet_walk import MAX_TEXT_BYTES, WorkbookCells
from connectors.string_copies import Scan, StringCopies, Unscannable
from connectors.workbook_bounds import bounded_workbook, check_workbook_zip
from connectors.zip_members import CHUNK_BYTES
from schemas.errors import DeliveryError
from tests.hostile.generators import ROOT_RELS, SHEET_END, SHEET_START, _workbook

SST_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="2" uniqueCount="2">')  # fmt: skip
LONG = bytes(random.Random(5).choices(b"abcdefghijklmnopqrstuvwxyz", k=1_000_000))
CELLS = 300  # cells showing LONG: 300 MB as calamine holds them, over MAX_TEXT_BYTES


def _xlsx(path: Path, shared: bytes, cells: bytes, member: str = "xl/worksheets/sheet1.xml",
          root: str = ROOT_RELS) -> Path:  # fmt: skip
    """An xlsx whose one sheet holds `cells` and whose shared strings are `shared`."""

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr(member, SHEET_START + cells + SHEET_END)
        archive.writestr("xl/sharedStrings.xml", shared)

    return _workbook(path, write, root=root)


def _shown(values: list[bytes], kind: bytes = b"s") -> bytes:
    """Cells A1, A2, … of type `s` (or `kind`), each `<v>` holding one of `values` as written."""
    return b"".join(b'<row r="%d"><c r="A%d" t="%s"><v>%s</v></c></row>' % (n, n, kind, value)
                    for n, value in enumerate(values, start=1))  # fmt: skip


def _calamine(path: Path | bytes) -> list[list[object]]:
    book = (CalamineWorkbook.from_filelike(io.BytesIO(path)) if isinstance(path, bytes)
            else CalamineWorkbook.from_path(str(path)))  # fmt: skip
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def test_calamine_holds_a_copy_of_the_shared_string_in_every_cell(tmp_path: Path) -> None:
    """The mechanism, small: the workbook as delivered, read by calamine."""
    path = _xlsx(tmp_path / "klein.xlsx", SST_HEAD + b"<si><t>" + LONG[:100] + b"</t></si></sst>",
                 _shown([b"0"] * 3))  # fmt: skip
    assert _calamine(path) == [[LONG[:100].decode()]] * 3


def _items(*texts: bytes) -> bytes:
    return b"".join(b"<si><t>" + text + b"</t></si>" for text in texts)


def _thousands(text: bytes) -> list[bytes]:
    return [text[start : start + 1000] for start in range(0, len(text), 1000)]


# Each of these shows the long string (item 0 unless said otherwise) in every cell to calamine,
# reading the workbook as delivered; each got past the first bound.
AMPLIFIED: dict[str, tuple[Callable[[bytes], bytes], bytes]] = {
    "plain": (lambda long: _items(long, b"k"), b"0"),
    # `:si ` in the text split it into short items for a regular expression
    "si-in-the-text": (lambda long: _items(b":si ".join(_thousands(long)), b"k"), b"0"),
    # an index calamine cannot parse is index 0 to calamine
    "index-x": (lambda long: _items(long, b"k"), b"x"),
    "index-plus": (lambda long: _items(long, b"k"), b"+0"),
    "index-space": (lambda long: _items(long, b"k"), b"1 "),
    # calamine takes the first text of a `<v>`: 0 to calamine, 01 to expat
    "index-comment": (lambda long: _items(long, b"k"), b"0<!---->1"),
    # an `<si>` in a comment, or one inside an item, moved the items of a regular expression
    "si-in-a-comment": (lambda long: b"<!--<si>-->" + _items(long), b"0"),
    "si-in-an-item": (lambda long: b"<si><t>k</t><si></si></si>" + _items(long), b"1"),
}


@pytest.mark.parametrize("case", sorted(AMPLIFIED))
def test_one_long_shared_string_shown_by_many_cells_is_refused(case: str, tmp_path: Path) -> None:
    items, value = AMPLIFIED[case]
    small = _xlsx(tmp_path / "klein.xlsx", SST_HEAD + items(b"L" * 2000) + b"</sst>",
                  _shown([value] * 3))  # fmt: skip
    shown = [str(row[0]) for row in _calamine(small)]
    assert len(shown) == 3 and all(len(text) >= 2000 for text in shown), "a copy in every cell"
    path = _xlsx(tmp_path / f"{case}.xlsx", SST_HEAD + items(LONG) + b"</sst>",
                 _shown([value] * CELLS))  # fmt: skip
    with pytest.raises(DeliveryError, match="te veel tekst"):
        check_workbook_zip(path)


def test_a_sheet_named_content_xml_is_counted_too(tmp_path: Path) -> None:
    """The first bound skipped a member named `content.xml` (an OpenDocument name); calamine
    reads it as the sheet its workbook names."""
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
            b'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/content.xml"'
            b"/></Relationships>")  # fmt: skip
    path = tmp_path / "inhoud.xlsx"

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("content.xml", SHEET_START + _shown([b"0"] * CELLS) + SHEET_END)
        archive.writestr("xl/sharedStrings.xml", SST_HEAD + b"<si><t>" + LONG + b"</t></si></sst>")

    _workbook(path, write, rels=rels.decode())
    assert _calamine(path)[0] == [LONG.decode()], "calamine reads content.xml as the sheet"
    with pytest.raises(DeliveryError, match="te veel tekst"):
        check_workbook_zip(path)


# (what a `<v>` of a cell of type `s` holds as written, the length it is charged) for the items
# "abc" and 1,000 × "é" (2,000 bytes): the item where calamine's index is certain, else the longest
CHARGES = {
    "index 1": (b"1", 2000),
    "index 0": (b"0", 3),
    "leading zeros": (b"00", 3),
    "not a number": (b"x", 2000),
    "a sign": (b"+1", 2000),
    "a space": (b" 0", 2000),
    "a reference": (b"&#48;", 2000),
    "a comment first": (b"<!---->0", 2000),
    "CDATA": (b"<![CDATA[0]]>", 2000),
    "no item 5": (b"5", 2000),
    "empty": (b"", 0),
}
SCANNED_MORE = {"empty": 2000}  # the scan charges a cell it does not know the longest
LENGTHS = [3, 2000]
ITEMS = b"<si><t>abc</t></si><si><t>" + "é".encode() * 1000 + b"</t></si>"


def _charges(cells: bytes) -> tuple[int, int | None]:
    """What the scan and the walk charge for a sheet of these cells (None: the walk refuses)."""
    sheet = SHEET_START + cells + SHEET_END
    scan = Scan(LENGTHS)
    scan.feed(sheet)
    workbook = WorkbookCells("blad.xlsx")
    walk = StringCopies(workbook, "sheet1", LENGTHS)
    try:
        walk.feed(sheet)
        walk.close()
    except DeliveryError:
        return scan.close(), None
    return scan.close(), workbook.text


@pytest.mark.parametrize("case", sorted(CHARGES))
def test_a_cell_is_charged_its_item_only_where_its_index_is_certain(case: str) -> None:
    value, charge = CHARGES[case]
    assert _charges(_shown([value])) == (SCANNED_MORE.get(case, charge), charge)


# a cell of type `s` spelled otherwise than spreadsheet programs do, showing item 1 (2,000 bytes)
SPELLED = {
    "single quotes": b"<c r=\"A1\" t='s'><v>1</v></c>",
    "spaces around =": b'<c r="A1" t = "s"><v>1</v></c>',
    "a tab and a line end": b"<c r=\"A1\" t\t=\n's'><v>1</v></c>",
    "type first": b'<c t="s" r="A1"><v>1</v></c>',
    "no space before it": b'<c r="A1"t="s"><v>1</v></c>',
    "a prefix": b'<x:c r="A1" t="s"><x:v>1</x:v></x:c>',
    "a second value": b'<c r="A1" t="s"><v>0</v><v>1</v></c>',
}


@pytest.mark.parametrize("case", sorted(set(CHARGES) - {"no item 5"}) + sorted(SPELLED))
def test_the_charge_is_never_less_than_what_calamine_holds(case: str, tmp_path: Path) -> None:
    """The same cells read by calamine: what each holds is no longer than what the scan and the
    walk charge (item 5 does not exist: calamine refuses the sheet; the walk refuses what is not
    XML, and so do the bounds). The items are plain: calamine reads them alike from the workbook
    as delivered and as it is given."""
    cells = (
        _shown([CHARGES[case][0]]) if case in CHARGES else b'<row r="1">%s</row>' % SPELLED[case]
    )
    path = _xlsx(tmp_path / "blad.xlsx", SST_HEAD + ITEMS + b"</sst>", cells)
    held = _calamine(path)
    holds = len(str(held[0][0]).encode()) if held else 0
    scanned, walked = _charges(cells)
    assert holds <= scanned and (walked is None or holds <= walked)
    if case in SPELLED:
        assert holds == 2000, "calamine shows item 1"


def test_other_cell_types_are_not_charged() -> None:
    """Only cells of type `s` show a shared string."""
    assert _charges(_shown([b"1"], kind=b"n") + _shown([b"1"], kind=b"str")) == (0, 0)


def test_a_sheet_the_scan_cannot_cut_is_walked(tmp_path: Path) -> None:
    """A text of 2 MiB without a `>`: the scan cannot cut it into pieces; the walk counts."""
    cells = _shown([b"0"] * CELLS) + b'<row r="999"><c r="A999" t="inlineStr"><is><t>' + b"x" * (
        2 << 20) + b"</t></is></c></row>"  # fmt: skip
    path = _xlsx(tmp_path / "lang.xlsx", SST_HEAD + b"<si><t>" + LONG + b"</t></si></sst>", cells)
    with pytest.raises(DeliveryError, match="te veel tekst"):
        check_workbook_zip(path)
    sheet, scan = SHEET_START + cells + SHEET_END, Scan([len(LONG)])
    with pytest.raises(Unscannable):  # fed as the bounds feed it
        for start in range(0, len(sheet), CHUNK_BYTES):
            scan.feed(sheet[start : start + CHUNK_BYTES])


def test_long_shared_strings_each_shown_once_pass(tmp_path: Path) -> None:
    """Over the rough bound (cells × the longest string), the cells counted one by one: three
    strings of 300,000 characters, each shown once, and 997 short ones."""
    strings = [bytes(random.Random(n).choices(b"abcdefghij", k=300_000)) for n in range(3)]
    strings += [b"kort%d" % n for n in range(997)]
    items = b"".join(b"<si><t>" + text + b"</t></si>" for text in strings)
    cells = _shown([b"%d" % n for n in range(1_000)] + [b"5"] * 9_000)
    path = _xlsx(tmp_path / "lang.xlsx", SST_HEAD + items + b"</sst>", cells)
    assert MAX_TEXT_BYTES < 10_000 * 300_000, "the rough bound alone would refuse it"
    assert check_workbook_zip(path)[-1].rows == 10_000
    held = _calamine(bounded_workbook(path, path.read_bytes()))
    assert [row[0] for row in held[:1_000]] == [s.decode() for s in strings]


def _texts() -> list[str]:
    """Texts a spreadsheet program writes each its own way: spaces, line ends, markup, Excel's
    own escapes, characters beyond the Basic Multilingual Plane."""
    return ["gewoon", "  spaties eromheen  ", "regel\neen\r\ntwee\rdrie", "<b>&amp; \"'</b>",
            "_x000D_ en _x005F_x0041_", "\tTab", "é ü ß — 😀", "nbsp\u00a0", "1", "", " "]  # fmt: skip


def test_xlsxwriter_workbooks_read_the_same_as_delivered(tmp_path: Path) -> None:
    """The shared strings written anew hold what calamine read from the workbook as delivered:
    XlsxWriter's shared strings, plain and rich."""
    texts = _texts()
    path = tmp_path / "xlsxwriter.xlsx"
    writer = xlsxwriter.Workbook(path)
    sheet = writer.add_worksheet()
    bold = writer.add_format({"bold": True})
    for row, text in enumerate(texts):
        sheet.write_string(row, 0, text)
        sheet.write_rich_string(row, 1, "vet ", bold, f"rijk{row}", " en gewoon")
    writer.close()
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(path).namelist()
    delivered = _calamine(path)
    assert _calamine(bounded_workbook(path, path.read_bytes())) == delivered
    assert [row[0] for row in delivered[:3]] == texts[:3] and len(delivered) == len(texts)


def test_phonetic_runs_spaces_and_prefixes_read_the_same_as_delivered(tmp_path: Path) -> None:
    """Shared strings as other programs write them: a phonetic run (not part of the text), a
    text without `xml:space` (trimmed), several texts in one item, an empty item, prefixes."""
    items = (b'<si><t>\xe6\x9d\xb1\xe4\xba\xac</t><rPh sb="0" eb="2"><t>\xe3\x81\xa8</t></rPh>'
             b"</si><si><t>  bijgesneden\n</t></si><si><t>een</t><t>twee</t></si><si/>"
             b'<si><r><rPr><b/></rPr><t xml:space="preserve"> rijk </t></r><r><t>!</t></r></si>'
             b"<si><t>&#13;&#10;x&lt;</t></si>")  # fmt: skip
    prefixed = (b'<?xml version="1.0"?><x:sst xmlns:x="http://schemas.openxmlformats.org/spread'
                b'sheetml/2006/main"><x:si><x:t>voorvoegsel</x:t></x:si></x:sst>')  # fmt: skip
    for name, shared, count in (("fonetisch.xlsx", SST_HEAD + items + b"</sst>", 6),
                                ("voorvoegsel.xlsx", prefixed, 1)):  # fmt: skip
        path = _xlsx(tmp_path / name, shared, _shown([b"%d" % n for n in range(count)]))
        delivered = _calamine(path)
        assert _calamine(bounded_workbook(path, path.read_bytes())) == delivered, name
    assert [row[0] for row in delivered] == ["voorvoegsel"]
