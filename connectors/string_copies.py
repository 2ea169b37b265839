"""The shared strings a workbook's cells show, counted as calamine copies them (MAX_TEXT_BYTES).

Calamine copies a shared string into every cell of type `s` that shows it: 3,000 cells showing
one 1 MB string hold 3 GB. The items are the ones `connectors.shared_strings` wrote anew, so
their lengths are known exactly. A cell is charged its item's length only where its index is
certain to be the one calamine takes; any other cell of type `s` is charged the longest item.

Calamine takes a cell's type from the attribute whose raw key is `t` (`t`, spaces, `=`, spaces,
a quote, the value, the same quote) and its index from the first text of its `<v>` as raw
bytes, leading zeros skipped, anything it cannot parse index 0 (`atoi_simd`, `unwrap_or(0)`).

`_Scan` counts a sheet from its bytes (~0.9 s for 2.5 M such cells): every `t="s"` in any
spelling calamine reads as the type `s`, wherever it stands, is a cell of type `s` at most (each
such cell has one in its tag); of those, a cell written as spreadsheet programs write it,
`<c r="A1" s="3" t="s"><v>12</v></c>` with nothing else in between, shows item 12 to calamine
wherever calamine reads it as a cell at all (its tag starts at that `<c`: the reference and style
hold no quote or `<`). Each of the others is charged the longest. The pieces are cut after their
last `>`, which no `t="s"` holds. A sheet of a text over 1 MiB without a `>` is walked instead:

`StringCopies` reads a sheet with expat: a `<v>` of a cell of type `s` is certain only when its
whole content is ASCII digits as written — no character reference, comment, CDATA, element or
space in it (checked on the raw bytes: expat resolves references and skips comments).

Counting is done only when the cells of the workbook times its longest shared string could pass
the limit (`could_pass`): never for a workbook without long texts.
"""

from __future__ import annotations

import collections
import re
import xml.parsers.expat
import zipfile
from collections.abc import Callable
from typing import Any

from connectors.sheet_walk import MAX_TEXT_BYTES, MAX_XML_DEPTH, WorkbookCells, refused_xml
from connectors.zip_members import CHUNK_BYTES, ZipMembers

MAX_INDEX_DIGITS = 18  # atoi_simd parses a usize; beyond this many digits it may not
# the type `s` in every spelling calamine reads (its raw key `t`: `\s` holds Rust's ASCII spaces)
TYPE_S = re.compile(rb"""t\s*=\s*(?:"s"|'s')""")
# a cell of type `s` as spreadsheet programs write it: its index
WRITTEN = re.compile(
    rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,9}")? t="s"><v>([0-9]{1,18})</v></c>'
)


def longest(workbook: WorkbookCells) -> int:
    """The longest shared string of the workbook (UTF-8 bytes), over all its parts."""
    return max((max(lengths, default=0) for lengths in workbook.string_lengths.values()),
               default=0)  # fmt: skip


def could_pass(workbook: WorkbookCells) -> bool:
    """Whether the cells of the workbook, each showing its longest shared string, could pass
    MAX_TEXT_BYTES (only then are the sheets read again)."""
    return workbook.text + workbook.cells * longest(workbook) > MAX_TEXT_BYTES


def item_lengths(workbook: WorkbookCells) -> list[int]:
    """Each item's length: the longest at its position over the parts (calamine reads one)."""
    parts = list(workbook.string_lengths.values())
    size = max(map(len, parts), default=0)
    return [max(p[i] if i < len(p) else 0 for p in parts) for i in range(size)]


def count_copies(members: ZipMembers, infos: list[zipfile.ZipInfo], sheets: frozenset[str],
                 workbook: WorkbookCells, binary: Callable[[bytes], bool]) -> None:  # fmt: skip
    """The shared strings the cells of every member calamine may read as a sheet show (by
    `infos`' names in `sheets`; one that starts `binary` is none), counted as calamine copies
    them: scanned, else walked (see the module)."""
    lengths = item_lengths(workbook)
    for info in infos:
        if info.filename not in sheets:
            continue
        name = info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
        with members.pieces(info) as pieces:
            chunk = next(pieces)
            if binary(chunk):
                continue
            scan = Scan(lengths)
            try:
                while chunk:
                    scan.feed(chunk)
                    chunk = next(pieces)
                workbook.add_text(scan.close())
                continue
            except Unscannable:
                pass
        walk = StringCopies(workbook, name, lengths)
        with members.pieces(info) as pieces:
            for chunk in iter(lambda: next(pieces), b""):
                walk.feed(chunk)
        walk.close()


class Unscannable(Exception):
    """A sheet `_Scan` cannot count: it is walked instead."""


class Scan:
    """One sheet counted from its bytes (see the module); `close` gives what it charges."""

    def __init__(self, lengths: list[int]) -> None:
        self.lengths, self.longest = lengths, max(lengths, default=0)
        self.carry = b""
        self.charged = 0

    def feed(self, chunk: bytes) -> None:
        text = self.carry + chunk
        cut = text.rfind(b">") + 1
        self._count(text[:cut])
        self.carry = text[cut:]
        if len(self.carry) > CHUNK_BYTES:
            raise Unscannable

    def close(self) -> int:
        self._count(self.carry)
        return self.charged

    def _count(self, text: bytes) -> None:
        # `t="s"` as written, then any other spelling (a join the cut makes only counts more)
        typed = text.count(b't="s"')
        typed += len(TYPE_S.findall(text.replace(b't="s"', b"") if typed else text))
        if not typed:
            return
        written = collections.Counter(WRITTEN.findall(text))
        lengths, size, longest = self.lengths, len(self.lengths), self.longest
        self.charged += (typed - written.total()) * longest + sum(
            (lengths[int(index)] if int(index) < size else longest) * cells
            for index, cells in written.items())  # fmt: skip


class StringCopies:
    """One sheet read again: every `<v>` of a cell of type `s` charged to `workbook.add_text`
    (see the module)."""

    def __init__(self, workbook: WorkbookCells, sheet: str, lengths: list[int]) -> None:
        self.workbook, self.sheet, self.lengths = workbook, sheet, lengths
        self.longest = max(lengths, default=0)
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        for handler in ("CommentHandler", "ProcessingInstructionHandler",
                        "StartCdataSectionHandler"):  # fmt: skip
            setattr(self.parser, handler, self._unclear)
        self.parser.StartDoctypeDeclHandler = self._no_doctype
        self.parser.EntityDeclHandler = self._no_doctype
        self.depth = 0
        self.cell_depth = 0  # the depth of the open cell of type `s`, 0 when none
        self.value_depth = 0  # the depth of its open `<v>`, 0 when none
        self.value_at = 0  # where that `<v>` starts in the sheet (bytes)
        self.clear = True  # nothing but text in it so far
        self.texts: list[str] = []
        self.before = self.seen = b""  # the piece before; it and this one
        self.seen_from = self.fed = 0  # where `seen` starts in the sheet; the bytes fed so far
        self.charged = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if b"\x00" in chunk:
            raise refused_xml(self.workbook.file, self.sheet, "geen UTF-8-tekst")
        # a `<v>` ends in this piece: it starts in it or the one before (else it is not certain)
        self.seen, self.seen_from = self.before + chunk, self.fed - len(self.before)
        self.fed += len(chunk)
        try:
            self.parser.Parse(chunk, final)
        except xml.parsers.expat.ExpatError as exc:
            raise refused_xml(self.workbook.file, self.sheet,
                              f"geen geldige XML, regel {exc.lineno}") from exc  # fmt: skip
        self.before = chunk

    def close(self) -> None:
        self.feed(b"", final=True)

    def _no_doctype(self, *_: Any) -> None:
        raise refused_xml(self.workbook.file, self.sheet, "een DOCTYPE of entiteit")

    def _unclear(self, *_: Any) -> None:
        self.clear = False

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise refused_xml(self.workbook.file, self.sheet, "te diep geneste XML")
        self.clear = False  # an element inside a `<v>`
        local = name.rpartition(":")[2]
        if local == "c":  # one inside another (calamine refuses it) leaves the outer one's type
            if not self.cell_depth and attributes.get("t") == "s":
                self.cell_depth = self.depth
        elif local == "v" and self.cell_depth and not self.value_depth:
            self.value_depth, self.value_at = self.depth, self.parser.CurrentByteIndex
            self.clear, self.texts = True, []

    def _end(self, name: str) -> None:
        if self.depth == self.value_depth:
            self._charge("".join(self.texts), self.parser.CurrentByteIndex)
            self.value_depth = 0
        elif self.depth == self.cell_depth:
            self.cell_depth = 0
        self.depth -= 1

    def _text(self, data: str) -> None:
        if self.value_depth:
            self.texts.append(data)

    def _charge(self, text: str, end: int) -> None:
        """Charge one `<v>` ending at byte `end`: its item's length where the index is certain,
        else the longest item (nothing for an empty value: calamine holds no string)."""
        if not text:
            return
        start = self.seen_from
        certain = (self.clear and len(text) <= MAX_INDEX_DIGITS and text.isascii()
                   and text.isdigit() and self.value_at >= start
                   and self.seen[self.value_at - start : end - start].endswith(
                       b">" + text.encode()))  # fmt: skip
        index = int(text) if certain else -1
        self.workbook.add_text(self.lengths[index] if 0 <= index < len(self.lengths)
                               else self.longest)  # fmt: skip
