"""A large worksheet read by calamine in parts, one thread each: calamine parses without holding
the GIL, so a sheet of 100,000 rows (91 MB of XML) cut in two is parsed in ~0.5 s on two cores
instead of ~0.95 s.

A sheet is cut only when that cannot change what is read:
- the bounds scanned it (`connectors.workbook_bounds`: every row and cell tag carries its own
  place), so a cell sits in a part where it sits in the whole, and each part, holding some of the
  whole's tags, stays within the whole's bounds;
- it is the workbook's only sheet, the only large member under xl/worksheets/ the bounds
  scanned, and at least PART_BYTES a part;
- its bytes are as spreadsheet programs write them: no comment, CDATA section, DOCTYPE or
  processing instruction after the XML declaration, `<sheetData>` the first `sheetData` and
  none other before the last cut, and every cut after a `</row>` and before a `<row r="`.
Each part is the sheet's start up to `<sheetData>`, its share of the rows, and the sheet's end
from its last `</sheetData>`, in a copy of the workbook (`canonical_zip`). The parts' rows are put
together where calamine put them: each part's range (the box around its cells) below the one
before. Rows listed out of order make ranges overlap, and a part calamine cannot read is read
whole: in both cases the sheet is read whole, as before (`read_in_parts` gives None).

Calamine does not check end tags: in XML that is not well-formed (no spreadsheet program opens
it), a cut may fall inside an element and the parts then read other malformed XML. What they
read stays within the bounds.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any, TypeVar

from python_calamine import CalamineWorkbook

from connectors.inflated import Inflated, inflated
from connectors.zip_members import canonical_zip

PART_BYTES = 8 << 20  # a part at least (~9,000 rows of 26 cells): below, a thread saves little
MAX_PARTS = 4
SHEETS = "xl/worksheets/"  # where spreadsheet programs keep the sheets (a theme may be large)
CUT = b'</row><row r="'  # a row ends, the next names its row
ROW_END = len(b"</row>")
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


def read_in_parts(data: bytes, plain: Collection[str], kept: dict[str, Inflated], sheet: str,
                  row: Callable[[list[Any]], list[V]], failed: Callable[[BaseException], bool],
                  parts: int | None = None) -> list[list[V]] | None:  # fmt: skip
    """The rows of `sheet`, the only sheet of the workbook `data`, as calamine's
    `to_python(skip_empty_area=False)` gives them, each made a `row` (in the part's thread: a
    part read early makes its rows while the others are parsed), read in `parts` parts (else
    `part_count`); None when the sheet is not cut (see the module), its parts do not fit
    together, or calamine fails on a part (`failed`: whether an exception is calamine's): the
    caller reads it whole. `plain` and `kept`: the members the bounds scanned, and the bytes of
    a large one as they read them (taken: a second read inflates them again;
    `connectors.workbook_bounds.BoundedWorkbook`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    large = [i for i in infos if i.filename in plain and i.file_size >= 2 * PART_BYTES
             and i.filename.lower().startswith(SHEETS)]  # fmt: skip
    if len(large) != 1 or (parts or part_count(large[0].file_size)) < 2:
        return None
    info = large[0]
    xml = kept.pop(info.filename, None) or inflated(data, info)
    cut = cuts(xml, parts or part_count(xml.size)) if xml is not None else None
    if xml is None or cut is None:
        return None
    start, end, at = cut
    head, tail, edges = xml.views(0, start), xml.views(end, xml.size), [start, *at, end]
    pieces = [head + xml.views(a, b) + tail for a, b in pairwise(edges)]  # a part's rows: a to b

    def read(piece: list[memoryview]) -> Part[V] | BaseException | None:
        try:
            written = canonical_zip(data, infos, {info.filename: piece})
            found = CalamineWorkbook.from_filelike(io.BytesIO(written)).get_sheet_by_name(sheet)
            if found.start is None or found.end is None:  # no cells
                return None
            return found.start, found.end, [row(r) for r in found.to_python(skip_empty_area=True)]
        except BaseException as exc:  # a panic too (a BaseException): judged by the caller
            return exc

    with ThreadPoolExecutor(len(pieces), thread_name_prefix="sheet-part") as pool:
        read_parts = list(pool.map(read, pieces))
    del pieces, head, tail, xml
    for result in read_parts:
        if isinstance(result, BaseException):
            if failed(result):
                return None
            raise result
    filled = [p for p in read_parts if p is not None and not isinstance(p, BaseException)]
    return joined(filled, row([""])[0])


def cuts(xml: Inflated, parts: int) -> tuple[int, int, list[int]] | None:
    """Where `<sheetData>` ends, where the last `</sheetData>` starts, and the cuts between them
    (each after a `</row>`, before a `<row r="`) that make `parts` parts, each cut EARLIER of
    the sheet's rows before its share; None when the sheet is not cut (see the module). Up to
    the last cut no other `sheetData`: what calamine reads as rows goes on past every cut (and
    stops where the whole stops, in the last part)."""
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
    return start, end, sorted(found)


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
