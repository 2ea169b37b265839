"""A large worksheet read by calamine in parts, one thread each: calamine parses without holding
the GIL, so a sheet of 100,000 rows (91 MB of XML) cut in two is parsed in ~0.5 s on two cores
instead of ~0.95 s.

A sheet is cut only when that cannot change what is read, nor what calamine holds:
- the bounds scanned it (`connectors.workbook_bounds`: every row and cell tag carries its own
  place), so a cell sits in a part where it sits in the whole, and each part, holding some of the
  whole's tags, stays within the whole's bounds;
- it is the workbook's only sheet, the only large member under xl/worksheets/ the bounds
  scanned, at least PART_BYTES a part, and the parts' copies of the shared strings (each part's
  calamine holds them all) stay under PART_STRINGS;
- its bytes are as spreadsheet programs write them: no comment, CDATA section, DOCTYPE or
  processing instruction after the XML declaration; `<sheetData>` the first `sheetData` and
  none other before the last cut, nor any `mergeCells`; the sheet's start well-formed up to it
  (expat: `<sheetData>` a tag, not text in a value); every cut after a `</row>` and before a
  `<row r="N"`, the rows N rising from cut to cut.
Each part is the sheet's start up to `<sheetData>` and its share of the rows, in a copy of the
workbook (`canonical_zip`); every part but the last then ends with the end tags that close what
the start opened, the last as the sheet does. Up to its cut a part reads what the whole reads.
Where calamine is not back among the rows at a cut (the cut fell inside an element, in XML that
may well be well-formed: a first review read the sheet's end into a value so), the part reads
its end tags as that element's and reaches the end of the file: it fails. Where the rows close
more than they opened (not well-formed: calamine's XML reader refuses an end tag with nothing
open, and the whole read fails), the part's end tags find nothing open: it fails (a second
review: the parts read a sheet the whole refused). Calamine ends the rows at any `</sheetData>`;
the end tags after it are read by python-calamine's second pass over the sheet (for its merged
cells), which stops at the first `<mergeCells>`: none may come before the last cut. So each part begins with no more open tags
than the whole holds at its cut, and fails wherever the whole would. A part whose cells lie
outside its rows (rows listed out of order), or that holds none, makes no rows. In these cases,
and when calamine cannot read a part, the sheet is read whole, as before (`read_in_parts` gives
None). The parts' rows are put together where calamine put them: each part's range (the box
around its cells) below the one before.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any, Protocol, TypeVar
from xml.parsers import expat

from python_calamine import CalamineWorkbook

from connectors.inflated import Inflated, inflated
from connectors.zip_members import canonical_zip

PART_BYTES = 8 << 20  # a part at least (~9,000 rows of 26 cells): below, a thread saves little
MAX_PARTS = 4
SHEETS = "xl/worksheets/"  # where spreadsheet programs keep the sheets (a theme may be large)
CUT = b'</row><row r="'  # a row ends, the next names its row
ROW_END = len(b"</row>")
ROW_NUMBER = re.compile(rb'<row r="([1-9][0-9]{0,9})"')  # the row a cut's part starts with
NO_ROW = 1 << 40  # past any row: the last part's rows go on to the sheet's end
# Each part's calamine holds the workbook's shared strings, as does the workbook opened whole:
# a sheet is cut only while the parts' copies stay under this (an adversarial review: a table
# of 48 MB took 382 MB read whole, 898 MB in four parts)
PART_STRINGS = 64 << 20
# The rows of a part are made in its thread (`to_python`, the caller's `row`), holding the GIL
# (~0.26 s for 100,000 rows of 26 cells): a cut a twentieth of the rows early lets the first
# part make its rows while the second is still parsed (on two cores ~0.77 s instead of ~0.83 s).
EARLIER = 0.05

V = TypeVar("V")  # a cell as the caller makes it of calamine's value
# a part as calamine read it: the first and last (row, column) of its cells, and its rows
Part = tuple[tuple[int, int], tuple[int, int], list[list[V]]]


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def part_count(size: int) -> int:
    """How many parts a sheet of `size` bytes is read in: one per core, at least PART_BYTES
    each, at most MAX_PARTS (1: read whole)."""
    return max(1, min(MAX_PARTS, cores(), size // PART_BYTES))


class Bounded(Protocol):
    """A workbook as the bounds wrote it anew, and what they saw of it
    (`connectors.workbook_bounds.BoundedWorkbook`)."""

    @property
    def data(self) -> bytes: ...  # the workbook written anew

    @property
    def plain(self) -> tuple[str, ...]: ...  # the members scanned

    @property
    def kept(self) -> dict[str, Inflated]: ...  # the bytes of a large one, as they read them

    @property
    def strings(self) -> int: ...  # the bytes of its shared strings, as written anew


def may_cut(member: str, size: int) -> bool:
    """Whether a member the bounds scanned may be a sheet to cut: one under xl/worksheets/ that
    makes more than one part (`part_count`)."""
    return part_count(size) > 1 and member.lower().startswith(SHEETS)


def read_in_parts(workbook: Bounded, sheet: str, row: Callable[[list[Any]], list[V]],
                  failed: Callable[[BaseException], bool],
                  parts: int | None = None) -> list[list[V]] | None:  # fmt: skip
    """The rows of `sheet`, the workbook's only sheet, as calamine's
    `to_python(skip_empty_area=False)` gives them, each made a `row` (in the part's thread: a
    part read early makes its rows while the others are parsed), read in `parts` parts (else
    `part_count`); None when the sheet is not cut (see the module), its parts do not fit
    together, or calamine fails on a part (`failed`: whether an exception is calamine's): the
    caller reads it whole. The bytes the bounds kept are taken (a second read inflates them)."""
    data = workbook.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    large = [i for i in infos if i.filename in workbook.plain and may_cut(i.filename, i.file_size)]
    if len(large) != 1:
        return None
    info = large[0]
    count = parts or part_count(info.file_size)
    if count < 2 or count * workbook.strings > PART_STRINGS:
        return None
    xml = workbook.kept.pop(info.filename, None) or inflated(data, info)
    cut = cuts(xml, count) if xml is not None else None
    if xml is None or cut is None:
        return None
    start, end, at, closing = cut
    spans = _spans(xml, at)
    if spans is None:
        return None
    head, edges = xml.views(0, start), [start, *at, end]
    pieces = [head + xml.views(a, b) + [memoryview(closing)] for a, b in pairwise(edges)]
    pieces[-1][-1:] = xml.views(end, xml.size)  # the last part ends as the sheet does

    def read(piece: list[memoryview], span: tuple[int, int]) -> Part[V] | BaseException:
        try:
            written = canonical_zip(data, infos, {info.filename: piece})
            found = CalamineWorkbook.from_filelike(io.BytesIO(written)).get_sheet_by_name(sheet)
            first, last = found.start, found.end
            if first is None or last is None or first[0] < span[0] or last[0] > span[1]:
                return _Whole()  # no rows are made: the sheet is read whole
            return first, last, [row(r) for r in found.to_python(skip_empty_area=True)]
        except BaseException as exc:  # a panic too (a BaseException): judged by the caller
            return exc

    with ThreadPoolExecutor(len(pieces), thread_name_prefix="sheet-part") as pool:
        read_parts = list(pool.map(read, pieces, spans))
    del pieces, head, xml
    for result in read_parts:
        if isinstance(result, _Whole) or (isinstance(result, BaseException) and failed(result)):
            return None
        if isinstance(result, BaseException):
            raise result
    return joined([p for p in read_parts if not isinstance(p, BaseException)], row([""])[0])


class _Whole(Exception):
    """A part that says the sheet is read whole: its cells lie outside its rows (rows listed out
    of order: each part's calamine builds an area up to the whole sheet's, and an adversarial
    review's four parts made 1 GB of rows where the whole made 0.35 GB), or it holds none (a
    second review's `<sheetData>` inside an attribute value: no part found the rows)."""


def _spans(xml: Inflated, at: list[int]) -> list[tuple[int, int]] | None:
    """The rows (0-based, first and last) each part may hold when the rows are in order: from
    the row its first row tag names up to the one before the next part's; None when the cuts'
    rows do not rise."""
    firsts = [0]
    for cut in at:
        found = ROW_NUMBER.match(xml[cut : cut + 20])
        if found is None:
            return None
        firsts.append(int(found[1]) - 1)
    if any(above >= below for above, below in pairwise(firsts)):
        return None
    return [(first, below - 1) for first, below in pairwise([*firsts, NO_ROW])]


def cuts(xml: Inflated, parts: int) -> tuple[int, int, list[int], bytes] | None:
    """Where `<sheetData>` ends, where the last `</sheetData>` starts, the cuts between them
    (each after a `</row>`, before a `<row r="`) that make `parts` parts, each cut EARLIER of
    the sheet's rows before its share, and the end tags that close what the sheet's start opened
    (how every part but the last ends); None when the sheet is not cut (see the module). Up to
    the last cut no other `sheetData`: what calamine reads as rows goes on past every cut (and
    stops where the whole stops, in the last part). Nor any `mergeCells`: python-calamine reads a
    sheet a second time for its merged cells, up to the first `<mergeCells>`, and that pass is
    the one that reads a part's end tags to the end (a third review: a `<mergeCells>` in the
    sheet's start or among the rows let the parts read a sheet the whole refused)."""
    if parts < 2 or _markup(xml):
        return None
    first = xml.find(b"sheetData")
    end = xml.rfind(b"</sheetData>")
    if first < 1 or xml[first - 1 : first + 10] != b"<sheetData>" or end < first:
        return None
    start = first + len(b"sheetData>")
    found = set()
    for k in range(1, parts):
        at = xml.find(CUT, start + int((end - start) * (k / parts - EARLIER)), end)
        if at >= 0:
            found.add(at + ROW_END)
    if not found or xml.find(b"sheetData", start, max(found)) >= 0:
        return None
    if xml.find(b"mergeCells", 0, max(found)) >= 0:  # python-calamine's second pass stops there
        return None
    opened = _opened(xml[0:start])
    if opened is None:
        return None
    return start, end, sorted(found), "".join(f"</{name}>" for name in opened[::-1]).encode()


def _opened(head: bytes) -> list[str] | None:
    """The elements the sheet's start opens (expat), the last of them `sheetData`; None when
    the start is not well-formed so far, or ends otherwise (a second review: a value holding
    `<sheetData>`, which no part then found)."""
    opened: list[str] = []
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda name, _: opened.append(name)
    parser.EndElementHandler = lambda _: opened.pop()
    try:
        parser.Parse(head, False)
    except expat.ExpatError:
        return None
    return opened if opened and opened[-1] == "sheetData" else None


def _markup(xml: Inflated) -> bool:
    """Whether the XML holds a comment, CDATA section or DOCTYPE (`<!`), or a processing
    instruction after its declaration: a cut could fall inside one. `!` and `?` are rare in a
    sheet; where they are not, the search for `<!` or `<?` takes ~0.08 s for 91 MB."""
    declared = xml.find(b"?>") + 2 if xml[0:8].startswith((b"<?xml", b"\xef\xbb\xbf<?xml")) else 0
    return (xml.find(b"!") >= 0 and xml.find(b"<!") >= 0) or (
        xml.find(b"?", declared) >= 0 and xml.find(b"<?", declared) >= 0
    )


def joined(parts: list[Part[V]], blank: V) -> list[list[V]] | None:
    """The parts' rows as one `to_python(skip_empty_area=False)` of the whole: from row and
    column 0, as wide as the widest part, `blank` where calamine gives an empty cell; None when
    a part's range starts before the one above it ends (rows listed out of order: calamine
    places each cell by its own place, and only the whole read knows which of two cells in one
    place it keeps)."""
    if any(above[1][0] >= below[0][0] for above, below in pairwise(parts)):
        return None
    width = max((right + 1 for _, (_, right), _ in parts), default=0)
    rows: list[list[V]] = []
    for (top, left), (_, right), cells in parts:
        rows.extend([blank] * width for _ in range(top - len(rows)))
        before, after = [blank] * left, [blank] * (width - 1 - right)
        rows.extend(before + row + after if before or after else row for row in cells)
    return rows
