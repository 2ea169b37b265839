"""The bounds find a workbook's parts where calamine finds them (a second and a third
adversarial review, 2026-12-06, found places they did not): calamine reads `workbook.xml` and its
relationships in the folder of the package's officeDocument target — cut at the target's last
`/` as written, its character references resolved, whatever its own name; it reads every `Target`
attribute as XML reads it, not as a regular expression over the bytes does; it reserves room for
as many shared strings as the first `<sst>` tag declares, however quick-xml spells and ends that
tag, with leading zeros skipped (since a fifth review calamine reads the part as the bounds wrote
it anew, `connectors.shared_strings`, which declares the strings there are); and it keeps every
`<si>` item.

Each case is refused as the same sheet at `xl/worksheets/` is (or, for shared strings, as an
ordinary count is); before, calamine built it: 6,000,000 cells, or a 4.8 GB reservation that
aborts the process.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from connectors.workbook_bounds import bounded_workbook, check_workbook_zip
from schemas.errors import DeliveryError
from tests.hostile.generators import (
    CONTENT_TYPES,
    SHEET_END,
    SHEET_START,
    WORKBOOK,
    WORKBOOK_RELS,
    _workbook,
)

# a sheet of 6 columns × 1,000,000 rows from two cells: over MAX_CELLS (5,000,000)
TALL = (
    SHEET_START + b'<row r="1"><c r="A1"><v>1</v></c><c r="F1000000"><v>2</v></c></row>' + SHEET_END
)
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}'
    "</Relationships>"
)


def _package(path: Path, target: str, folder: str, sheet: bytes = TALL) -> Path:
    """A workbook whose package names its workbook `target`, kept in `folder`, with the sheet
    `evil.xml` beside it."""
    root = RELATIONSHIPS.format(
        f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="{target}"/>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", root)
        archive.writestr(f"{folder}workbook.xml", WORKBOOK)
        archive.writestr(f"{folder}_rels/workbook.xml.rels",
                         WORKBOOK_RELS.replace("worksheets/sheet1.xml", "evil.xml"))  # fmt: skip
        archive.writestr(f"{folder}evil.xml", sheet)
    return path


def _calamine_reads(path: Path) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_the_same_sheet_at_the_usual_place_is_refused(tmp_path: Path) -> None:
    usual = _workbook(
        tmp_path / "gewoon.xlsx", lambda a: a.writestr("xl/worksheets/sheet1.xml", TALL)
    )
    with pytest.raises(DeliveryError, match=r"te veel|te groot"):
        check_workbook_zip(usual)


# where the package names its workbook, and the folder calamine then reads it from; a third
# review: calamine cuts the folder at the last `/` of the target as written (its references
# resolved), and a `\` after it is part of the name, not of the folder
PLACES = [("f&#111;o/x.xml", "foo/"), ("foo/x.xml", "foo/"), ("book.xml", ""), ("/foo/x.xml", "foo/"),
          ("xl\\workbook.xml", ""), ("data/xl\\workbook.xml", "data/"),
          ("data&#47;xl&#92;workbook.xml", "data/")]  # fmt: skip


@pytest.mark.parametrize(("target", "folder"), PLACES)
def test_the_workbook_is_found_in_the_folder_of_the_package_target(
    tmp_path: Path, target: str, folder: str
) -> None:
    small = SHEET_START + b'<row r="1"><c r="A1"><v>666</v></c></row>' + SHEET_END
    assert _calamine_reads(_package(tmp_path / "klein.xlsx", target, folder, small)) == [[666.0]]
    path = _package(tmp_path / "map.xlsx", target, folder)
    with pytest.raises(DeliveryError, match=r"te veel|te groot"):
        check_workbook_zip(path)


def test_a_target_inside_another_attribute_does_not_hide_the_real_one(tmp_path: Path) -> None:
    rels = RELATIONSHIPS.format(f"<Relationship Id=\"rId1\" Note='Target=' Type=\"{WORKSHEET}\" "
                                'Target="/evil.xml"/>') + "<!--'-->"  # fmt: skip

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("evil.xml", TALL)

    def small(archive: zipfile.ZipFile) -> None:
        archive.writestr("evil.xml", SHEET_START + b'<row r="1"><c r="A1"><v>666</v></c></row>'
                         + SHEET_END)  # fmt: skip

    assert _calamine_reads(_workbook(tmp_path / "klein.xlsx", small, rels=rels)) == [[666.0]]
    path = _workbook(tmp_path / "verstopt.xlsx", write, rels=rels)
    with pytest.raises(DeliveryError, match=r"te veel|te groot"):
        check_workbook_zip(path)


STRINGS = b"200000000"  # 200 million strings: calamine would reserve ~4.8 GB


def _strings(before: bytes = b"", tag: bytes = b"sst", attributes: bytes = b"") -> bytes:
    """A shared-strings part whose `<sst>` tag (named `tag`) declares STRINGS strings."""
    return (b'<?xml version="1.0"?>' + before + b"<" + tag + attributes + b' uniqueCount="'
            + STRINGS + b'"></' + tag + b">")  # fmt: skip


SHARED = {
    "plain": _strings(),
    "after 5,000 spaces": _strings(b" " * 5_000),
    "after leading zeros": _strings().replace(STRINGS, b"0" * 20 + STRINGS),
    "after a megabyte": _strings(b"<!--" + b"x" * (1 << 20) + b"-->", b"x:sst"),
    "after a > in a value": _strings(attributes=b' a=">"'),
    "across pieces": _strings(b"<a/>" * 262_136),  # the tag 11 bytes before the end of 1 MiB
    # a third review: quick-xml's name runs to a space, tab or line end, its local name after the
    # first `:`; a tag's end is its first `>` outside quotes
    "a / in the prefix": _strings(tag=b"p/q:sst"),
    "a form feed in the prefix": _strings(tag=b"p\x0cq:sst"),
    "an empty prefix": _strings(tag=b":sst"),
    "after 70 KB of attribute": _strings(attributes=b' a="' + b"x" * 70_000 + b'"'),
}


# no XML to expat (a name cut by `/`, a form feed, 262,136 root elements): refused by the bounds
NOT_XML = {"a / in the prefix", "a form feed in the prefix", "across pieces"}


@pytest.mark.parametrize("case", SHARED)
def test_a_count_of_shared_strings_never_reaches_calamine(tmp_path: Path, case: str) -> None:
    """Calamine reads the shared strings as the bounds wrote them anew (a fifth review): the
    part it is given declares the strings there are, whatever the delivered part declared."""

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + SHEET_END)
        archive.writestr("xl/sharedStrings.xml", SHARED[case])

    path = _workbook(tmp_path / "teksten.xlsx", write)
    if case in NOT_XML:
        with pytest.raises(DeliveryError, match="gedeelde teksten"):
            bounded_workbook(path, path.read_bytes())
        return
    given = bounded_workbook(path, path.read_bytes()).data
    with zipfile.ZipFile(io.BytesIO(given)) as archive:
        part = archive.read("xl/sharedStrings.xml")
    assert b'uniqueCount="0"' in part and STRINGS not in part
    assert CalamineWorkbook.from_filelike(io.BytesIO(given)).sheet_names == ["Incidenten"]


def test_an_ordinary_count_of_shared_strings_is_not_refused(tmp_path: Path) -> None:
    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + SHEET_END)
        archive.writestr("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst count="00012" '
                         b'uniqueCount="0000012"><si><t>uniqueCount="9"</t></si></sst>')  # fmt: skip

    assert check_workbook_zip(_workbook(tmp_path / "gewoon.xlsx", write)) is not None


def test_the_strings_a_part_holds_are_bounded_as_their_count(tmp_path: Path) -> None:
    """Each `<si/>` (5 bytes) is a string calamine keeps (24 bytes and more): a part of millions
    of them, declaring one, took a gigabyte from a 1.7 MB file (a third review)."""
    many = b'<?xml version="1.0"?><sst uniqueCount="1">' + b"<si/>" * 5_000_001 + b"</sst>"

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + SHEET_END)
        archive.writestr("xl/sharedStrings.xml", many)

    with pytest.raises(DeliveryError, match="gedeelde teksten"):
        check_workbook_zip(_workbook(tmp_path / "veel.xlsx", write))
