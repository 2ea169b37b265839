"""Shared strings as calamine holds them (the fifth to ninth adversarial reviews, 2026-12-06).

Calamine copies a shared string into every cell that shows it: 3,000 cells showing one 1 MB
string aborted the process when the rows were read. A first bound (e5dfe3a) found the items with
a regular expression and the indexes with expat; the fifth review got past it eight ways,
because calamine finds both its own way. Now calamine reads the shared strings as the bounds
wrote them anew (`connectors.shared_strings`), and a cell is charged its item only where its
index is certain to be calamine's (`connectors.string_copies`). The sixth to ninth reviews' finds
on the way there are here too, each named in its test.
"""

from __future__ import annotations

import base64
import io
import random
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from connectors import shared_strings
from connectors.sheet_walk import MAX_TEXT_BYTES, WorkbookCells, held_bytes
from connectors.string_copies import PIECE_ALLOWANCE, Scan
from connectors.workbook_bounds import bounded_workbook, check_workbook_zip
from connectors.zip_members import CHUNK_BYTES
from schemas.errors import DeliveryError
from tests.hostile.generators import ROOT_RELS, SHEET_END, SHEET_START, _workbook

SST_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="2" uniqueCount="2">')  # fmt: skip
LONG = bytes(random.Random(5).choices(b"abcdefghijklmnopqrstuvwxyz", k=900_000))
CELLS = 300  # cells showing LONG: 270 MB as calamine holds them (810 MB with Python's copies)


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


# what holding the items "abc" and 1,000 × "é" costs once read: calamine's UTF-8 and two Python
# copies, 1 byte a character for both
ABC, ACCENTS = 3 + 2 * 3, 2000 + 2 * 1000
ITEM_CHARGES = [ABC, ACCENTS]
ITEMS = b"<si><t>abc</t></si><si><t>" + "é".encode() * 1000 + b"</t></si>"
# (what a `<v>` of a cell of type `s` holds as written, the charge): the item where calamine's
# index is certain, else the dearest
CHARGES = {
    "index 1": (b"1", ACCENTS),
    "index 0": (b"0", ABC),
    "leading zeros": (b"00", ABC),
    "not a number": (b"x", ACCENTS),
    "a sign": (b"+1", ACCENTS),
    "a space": (b" 0", ACCENTS),
    "a reference": (b"&#48;", ACCENTS),
    "a comment first": (b"<!---->0", ACCENTS),
    "CDATA": (b"<![CDATA[0]]>", ACCENTS),
    "no item 5": (b"5", ACCENTS),
    "empty": (b"", ACCENTS),  # calamine holds nothing; the scan does not know
}


def test_what_holding_a_text_costs() -> None:
    """Calamine's UTF-8 copy and two Python copies, as wide as the widest character needs."""
    assert [held_bytes(t) for t in ("abc", "é", "€", "😀", "a😀")] == [9, 4, 7, 12, 5 + 16]
    wide = "a" * 1000 + "😀"
    assert sys.getsizeof(wide) > 4 * len(wide), "Python holds 4 bytes a character"
    assert held_bytes(wide) == 1004 + 2 * 4 * 1001


def _charges(cells: bytes, *pieces: bytes) -> int:
    """What the scan charges for a sheet of these cells (fed in these pieces, if any)."""
    scan = Scan(ITEM_CHARGES)
    for piece in pieces or [SHEET_START + cells + SHEET_END]:
        scan.feed(piece)
    return scan.close()


@pytest.mark.parametrize("case", sorted(CHARGES))
def test_a_cell_is_charged_its_item_only_where_its_index_is_certain(case: str) -> None:
    value, charge = CHARGES[case]
    assert _charges(_shown([value])) == charge


# a cell of type `s` spelled otherwise than spreadsheet programs do, showing item 1; the last two
# from a sixth review: quick-xml ends a tag at a `>` outside quotes, wherever a quote opens, and
# calamine reads a quote not after `=` as part of a key, and a value as running to the tag's end
SPELLED = {
    "single quotes": b"<c r=\"A1\" t='s'><v>1</v></c>",
    "spaces around =": b'<c r="A1" t = "s"><v>1</v></c>',
    "a tab and a line end": b"<c r=\"A1\" t\t=\n's'><v>1</v></c>",
    "type first": b'<c t="s" r="A1"><v>1</v></c>',
    "no space before it": b'<c r="A1"t="s"><v>1</v></c>',
    "a prefix": b'<x:c r="A1" t="s"><x:v>1</x:v></x:c>',
    "a second value": b'<c r="A1" t="s"><v>0</v><v>1</v></c>',
    "a cell in a quote": b'<c r="A1" s="0" \' <c r="A1" t="s"><v>0</v></c>\'><v>1</v></c>',
    "an unclosed value": b'<c r="A1" \'a="x" t=\'s><v>1</v></c>',
}


@pytest.mark.parametrize("case", sorted(set(CHARGES) - {"no item 5"}) + sorted(SPELLED))
def test_the_charge_is_never_less_than_what_calamine_holds(case: str, tmp_path: Path) -> None:
    """The same cells read by calamine: what each holds is no more than what the scan and the
    XML-less spellings charge (item 5 does not exist: calamine refuses the sheet). The items are plain: calamine reads them alike from the workbook
    as delivered and as it is given."""
    cells = (
        _shown([CHARGES[case][0]]) if case in CHARGES else b'<row r="1">%s</row>' % SPELLED[case]
    )
    path = _xlsx(tmp_path / "blad.xlsx", SST_HEAD + ITEMS + b"</sst>", cells)
    held = _calamine(path)
    holds = held_bytes(str(held[0][0])) if held else 0
    assert holds <= _charges(cells)
    if case in SPELLED:
        assert holds == ACCENTS, "calamine shows item 1"


@pytest.mark.parametrize("case", ["a cell in a quote", "an unclosed value"])
def test_cells_that_are_no_xml_are_charged_in_a_large_sheet(case: str, tmp_path: Path) -> None:
    """A sixth review: in pieces over 16 KiB the bounds count cell tags from their bytes, without
    reading XML, and the sheet passed with 300 cells of 1 MB each charged 1 byte, or nothing."""
    cells = b"".join(b'<row r="%d">' % n + SPELLED[case].replace(b"A1", b"A%d" % n) + b"</row>"
                     for n in range(1, 2 * CELLS + 1))  # fmt: skip
    path = _xlsx(tmp_path / "blad.xlsx", SST_HEAD + _items(b"k", LONG) + b"</sst>", cells)
    assert len(cells) > 16 << 10
    with pytest.raises(DeliveryError, match="te veel tekst"):
        check_workbook_zip(path)


def test_other_cell_types_are_charged_nothing_where_it_matters() -> None:
    """Cells of another type written as spreadsheet programs write them are charged nothing once
    they could charge more than PIECE_ALLOWANCE; fewer are charged the dearest item each."""
    few = _shown([b"1"], kind=b"n") + _shown([b"1"], kind=b"str")
    assert _charges(few) == 2 * ACCENTS
    many = b"".join(_shown([b"1"], kind=kind) for kind in (b"n", b"str", b"b") * 200)
    assert 600 * ACCENTS > PIECE_ALLOWANCE
    assert _charges(many + b'<row r="9"><c r="A9" s="2"><v>4</v></c></row>') == 0


def test_one_shared_string_with_one_emoji_is_held_four_bytes_a_character(tmp_path: Path) -> None:
    """A sixth review: 250 cells of a 1 MiB string with one emoji were 250 MiB to the bound, and
    2.4 GB in Python (4 bytes a character, and a stripped copy). 90 cells of 900,000 characters:
    243 MB charged 3 bytes a character, 729 MB as held."""
    text = LONG + "😀".encode()
    path = _xlsx(tmp_path / "breed.xlsx", SST_HEAD + _items(text) + b"</sst>", _shown([b"0"] * 90))
    with pytest.raises(DeliveryError, match="te veel tekst"):
        check_workbook_zip(path)


def test_a_shared_string_longer_than_a_million_characters_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sixth review: one shared string of 250 MB took the bounds 1.8 GB to read. Excel holds
    32,767 characters in a cell; an item is refused past 1,000,000, as it streams in (a part
    over PLAIN_MAX_BYTES, here 1 MiB, is streamed: one under it is held whole, at most that)."""
    monkeypatch.setattr(shared_strings, "PLAIN_MAX_BYTES", 1 << 20)
    text = base64.b64encode(random.Random(7).randbytes(22_500_000))  # 30,000,000 characters
    path = _xlsx(tmp_path / "lang.xlsx", SST_HEAD + _items(text) + b"</sst>", _shown([b"0"]))
    tracemalloc.start()
    with pytest.raises(DeliveryError, match="te lang"):
        check_workbook_zip(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 << 20, f"{peak / 2**20:.0f} MiB"


def test_a_long_text_without_a_tag_end_is_cut_before_its_last_byte(tmp_path: Path) -> None:
    """The pieces are cut after their last `>`; in a text of over 1 MiB without one, before its
    last byte, which may be the `<` of a cell whose `c` opens the next piece (a seventh review:
    such a sheet was walked a second time with expat, ~60 s for 65 million elements)."""
    text = b"x" * (CHUNK_BYTES + 10)
    assert _charges(b"", text + b"<", b'c r="A1" t="s"><v>1</v></c>') == ACCENTS
    assert _charges(b"", text + b"<", b"c") == ACCENTS
    cells = _shown([b"0"] * CELLS) + b'<row r="999"><c r="A999" t="inlineStr"><is><t>' + b"x" * (
        2 << 20) + b"</t></is></c></row>"  # fmt: skip
    path = _xlsx(tmp_path / "lang.xlsx", SST_HEAD + b"<si><t>" + LONG + b"</t></si></sst>", cells)
    with pytest.raises(DeliveryError, match="te veel tekst"):
        check_workbook_zip(path)


def test_the_shared_strings_of_all_parts_are_held_to_the_limit_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A seventh review: ten parts named `…/sharedStrings.xml` (calamine reads one) of 4,999,000
    items each were each under the limit, and took 6.9 GB together. Here the limit is 1,000:
    three parts of 400 items are refused, one passes."""
    monkeypatch.setattr(shared_strings, "MAX_CELLS", 1_000)
    part = SST_HEAD + b"<si/>" * 400 + b"</sst>"

    def write(archive: zipfile.ZipFile, parts: int) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + SHEET_END)
        for number in range(parts):
            archive.writestr(f"p{number}/sharedStrings.xml", part)

    one = _workbook(tmp_path / "een.xlsx", lambda archive: write(archive, 1))
    assert check_workbook_zip(one)
    three = _workbook(tmp_path / "drie.xlsx", lambda archive: write(archive, 3))
    with pytest.raises(DeliveryError, match="te veel"):
        check_workbook_zip(three)


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
    held = _calamine(bounded_workbook(path, path.read_bytes()).data)
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
    assert _calamine(bounded_workbook(path, path.read_bytes()).data) == delivered
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
        assert _calamine(bounded_workbook(path, path.read_bytes()).data) == delivered, name
    assert [row[0] for row in delivered] == ["voorvoegsel"]


PLAIN_TEXTS = ["gewoon", " spaties ", "regel\r\neen\rtwee\nx", "a &amp; b &lt;c&gt; &quot;d&apos;",
               "é ü — 😀", "", "\t", "_x000D_", "x" * 5000]  # fmt: skip


def _read_part(
    part: bytes, plain_max: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, list[int]]:
    """The part written anew and its charges, read with parts up to `plain_max` bytes plain."""
    monkeypatch.setattr(shared_strings, "PLAIN_MAX_BYTES", plain_max)
    workbook = WorkbookCells("blad.xlsx")
    reader = shared_strings.SharedStrings(workbook, "xl/sharedStrings.xml")
    for start in range(0, len(part), 7):  # in small pieces, as a stream
        reader.feed(part[start : start + 7])
    reader.close()
    return bytes(workbook.strings_anew["xl/sharedStrings.xml"]), list(workbook.string_charges)


@pytest.mark.parametrize("preserve", [False, True])
def test_a_plain_part_is_read_as_expat_reads_it(
    preserve: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel's and XlsxWriter's parts are read by regular expressions: the same items as expat
    gives (line ends, entities, trimming), written anew alike."""
    tag = b'<t xml:space="preserve">' if preserve else b"<t>"
    items = b"".join(b"<si>" + tag + t.encode() + b"</t></si>" for t in PLAIN_TEXTS)
    part = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9">' + items
            + b"</sst>")  # fmt: skip
    assert shared_strings.PLAIN_HEAD.match(part), "the plain way reads it"
    plain, streamed = _read_part(part, 1 << 20, monkeypatch), _read_part(part, 0, monkeypatch)
    assert plain == streamed
    assert b"<si><t>a &amp; b &lt;c&gt; \"d'</t></si>" in plain[0]
    assert b"<si><t>regel\neen\ntwee\nx</t></si>" in plain[0]
    spaces = b'<si><t xml:space="preserve"> spaties </t></si>' if preserve else b"<si><t>spaties"
    assert spaces in plain[0]


@pytest.mark.parametrize(
    "body",
    [b"<si><t>a&#233;</t></si>", b"<si><t>a]]>b</t></si>", b"<si><r><t>rijk</t></r></si>",
     b"<si><t>a\x01b</t></si>", b" <si><t>x</t></si>", b"<si><t>\xff</t></si>"],
)  # fmt: skip
def test_a_part_that_is_not_plain_is_left_to_expat(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reference, `]]>`, rich text, a control character, a space between items, no UTF-8:
    expat reads the part (and refuses what is no XML), whatever the plain way would make of it."""
    part = SST_HEAD + body + b"</sst>"
    try:
        streamed = _read_part(part, 0, monkeypatch)
    except DeliveryError:
        with pytest.raises(DeliveryError):
            _read_part(part, 1 << 20, monkeypatch)
        return
    assert _read_part(part, 1 << 20, monkeypatch) == streamed


def test_a_plain_part_of_many_items_is_read_in_little_memory() -> None:
    """The plain way checked a part as one match of all its items, which kept a mark for each:
    570 MB for 1,900,000 items of one character. 150,000 such items (2.5 MB) now take a few MB more
    than the part itself."""
    part = SST_HEAD + b"<si><t>a</t></si>" * 150_000 + b"</sst>"
    reader = shared_strings.SharedStrings(WorkbookCells("blad.xlsx"), "xl/sharedStrings.xml")
    tracemalloc.start()
    for start in range(0, len(part), CHUNK_BYTES):
        reader.feed(part[start : start + CHUNK_BYTES])
    reader.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(reader.charges) == 150_000
    assert peak < 4 * len(part), f"{peak / 2**20:.0f} MiB for a part of {len(part) / 2**20:.0f} MiB"


@pytest.mark.parametrize("where", ["shared strings", "sheet"])
def test_xml_in_an_encoding_no_codec_reads_is_refused(where: str, tmp_path: Path) -> None:
    """An eighth review: `encoding="UT-8"` (or `rot13`, `base64`) made expat raise LookupError,
    which escaped the bounds; an S01 now, for the shared strings and for a sheet walked."""
    declaration = b'<?xml version="1.0" encoding="UT-8"?>'
    shared = SST_HEAD + _items(b"a") + b"</sst>"
    sheet = SHEET_START + _shown([b"0"]) + SHEET_END
    if where == "shared strings":
        shared = declaration + b"<sst><si><t>a</t></si></sst>"
    else:  # a row without a number: walked with expat
        sheet = declaration + b'<worksheet><sheetData><row><c t="s"><v>0</v></c></row></sheetData>'
        sheet += b"</worksheet>"

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)

    path = _workbook(tmp_path / "codering.xlsx", write)
    with pytest.raises(DeliveryError, match="S01"):
        bounded_workbook(path, path.read_bytes())


def test_the_charges_of_many_parts_are_merged_in_time_with_their_items(tmp_path: Path) -> None:
    """An eighth review: 2,000 empty parts beside one of 1,000,000 items were merged position by
    position for every part (78 s). Each position keeps the dearest of the parts."""
    many = SST_HEAD + _items(b"x" * 40) + b"<si/>" * 199_999 + b"</sst>"

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + SHEET_END)
        archive.writestr("xl/sharedStrings.xml", many)
        archive.writestr("a/sharedStrings.xml", SST_HEAD + _items(b"k", b"y" * 50) + b"</sst>")
        for number in range(1_000):
            archive.writestr(f"e{number}/sharedStrings.xml", b"<sst/>")

    path = _workbook(tmp_path / "delen.xlsx", write)
    started = time.perf_counter()
    check_workbook_zip(path)
    assert time.perf_counter() - started < 10
    workbook = WorkbookCells("delen.xlsx")
    for member, part in (("a", SST_HEAD + _items(b"k", b"y" * 50) + b"</sst>"), ("b", many)):
        reader = shared_strings.SharedStrings(workbook, member)
        reader.feed(part)
        reader.close()
    assert list(workbook.string_charges[:3]) == [3 * 40, 3 * 50, 0]
    assert len(workbook.string_charges) == 200_000


def test_many_sheets_beside_many_shared_strings_are_counted_in_time(tmp_path: Path) -> None:
    """Every sheet's count found the dearest item anew, going over all the items: 2,000 sheet
    members beside 1,000,000 items took ~30 s. The dearest is found once a workbook."""
    shared = SST_HEAD + _items(b"x" * 40_000) + b"<si/>" * 999_999 + b"</sst>"

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/sharedStrings.xml", shared)
        for number in range(1, 2_001):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", SHEET_START + SHEET_END)

    path = _workbook(tmp_path / "bladen.xlsx", write)
    started = time.perf_counter()
    assert len(check_workbook_zip(path)) > 2_000
    assert time.perf_counter() - started < 15
