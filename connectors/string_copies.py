"""The shared strings a workbook's cells show, counted as held once read (MAX_TEXT_BYTES).

Calamine copies a shared string into every cell of type `s` that shows it, and Python holds two
more copies: 3,000 cells showing one 1 MB string hold 9 GB. The items are the ones
`connectors.shared_strings` wrote anew, so what holding each costs is known exactly
(`held_bytes`). A cell is charged its own item only where its index is certain to be the one
calamine takes; any other cell that may be of type `s` is charged the dearest item.

Calamine starts a cell at a start tag whose name's local part (after its first `:`) is `c`; it
takes the cell's type from the attribute whose raw key is `t`, reading keys and values its own way
(`RawAttrIter`: a quote not after `=` is part of a key, a value may run unclosed to the tag's end;
quick-xml ends the tag at the first `>` outside any quote), and the index from the first text of
its `<v>` as raw bytes, leading zeros skipped, anything it cannot parse index 0.

`Scan` counts a sheet from its bytes: every `<c` and `:c` is a cell at most (each start tag of a
cell holds one, and an adversarial review hid a cell of type `s` from any pattern of its
attributes: `<c r="A1" 'a="x" t='s>`). A cell written as spreadsheet programs write it, from
its `<c` on — `<c r="A1" s="3" t="s"><v>12</v></c>`, or a tag of another type
(`<c r="B1" s="2">`, `t="n"`, `"str"`, …) — is read so by calamine wherever calamine starts a
cell there (its tag holds nothing else: no quote or `>` out of place), so it is charged its item,
or nothing. Every other is charged the dearest item; a piece whose others charge at most
PIECE_ALLOWANCE that way is not searched for tags of other types (~0.7 s for 2.5 M cells of
type `s`). The pieces are cut after their last `>`, which no `<c` or `:c` holds. A sheet of a
text over 1 MiB without a `>` is walked instead:

`StringCopies` reads a sheet with expat (so only XML): a `<v>` of a cell of type `s` is certain
only when its whole content is ASCII digits as written — no character reference, comment, CDATA,
element or space in it (checked on the raw bytes: expat resolves references and skips comments).

The sheets are counted only when their bytes could hold enough cells to pass the limit with the
dearest item (`could_pass`; a cell of type `s` with a value takes MIN_CELL_BYTES at least):
never for a workbook without long texts.
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
MIN_CELL_BYTES = 16  # `<c t='s><v>1</v></c>`: the least a cell of type `s` with a value takes
PIECE_ALLOWANCE = 1 << 20  # a piece whose other cells could charge more is searched for types
_REFERENCE = rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,9}")?'
# a cell of type `s` as spreadsheet programs write it: its index
SHOWN = re.compile(_REFERENCE + rb' t="s"><v>([0-9]{1,18})</v></c>')
# the start tag of a cell of another type as they write it
OTHER_TYPE = re.compile(_REFERENCE + rb'(?: t="(?:n|b|e|d|str|inlineStr)")?/?>')


def dearest(workbook: WorkbookCells) -> int:
    """What holding the workbook's dearest shared string costs, over all its parts."""
    return max((max(charges, default=0) for charges in workbook.string_charges.values()),
               default=0)  # fmt: skip


def could_pass(workbook: WorkbookCells, sheet_bytes: int) -> bool:
    """Whether sheets of `sheet_bytes` bytes, their cells each showing the dearest shared
    string, could pass MAX_TEXT_BYTES (only then are they counted)."""
    return workbook.text + sheet_bytes // MIN_CELL_BYTES * dearest(workbook) > MAX_TEXT_BYTES


def item_charges(workbook: WorkbookCells) -> list[int]:
    """What holding each item costs: the dearest at its position over the parts (calamine reads
    one of them)."""
    parts = list(workbook.string_charges.values())
    size = max(map(len, parts), default=0)
    return [max(p[i] if i < len(p) else 0 for p in parts) for i in range(size)]


def count_copies(members: ZipMembers, infos: list[zipfile.ZipInfo], sheets: frozenset[str],
                 workbook: WorkbookCells, binary: Callable[[bytes], bool]) -> None:  # fmt: skip
    """The shared strings the cells of every member calamine may read as a sheet show (by
    `infos`' names in `sheets`; one that starts `binary` is none), counted as held once read:
    scanned, else walked (see the module)."""
    members_read = [info for info in infos if info.filename in sheets]
    if not could_pass(workbook, sum(info.file_size for info in members_read)):
        return
    charges = item_charges(workbook)
    for info in members_read:
        name = info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
        with members.pieces(info) as pieces:
            chunk = next(pieces)
            if binary(chunk):
                continue
            scan = Scan(charges)
            try:
                while chunk:
                    scan.feed(chunk)
                    chunk = next(pieces)
                workbook.add_text(scan.close())
                continue
            except Unscannable:
                pass
        walk = StringCopies(workbook, name, charges)
        with members.pieces(info) as pieces:
            for chunk in iter(lambda: next(pieces), b""):
                walk.feed(chunk)
        walk.close()


class Unscannable(Exception):
    """A sheet `Scan` cannot cut into pieces: it is walked instead."""


class Scan:
    """One sheet counted from its bytes (see the module); `close` gives what it charges."""

    def __init__(self, charges: list[int]) -> None:
        self.charges, self.dearest = charges, max(charges, default=0)
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
        cells = text.count(b"<c") + text.count(b":c")
        if not cells:
            return
        shown = collections.Counter(SHOWN.findall(text))
        others = cells - shown.total()
        if others * self.dearest > PIECE_ALLOWANCE:
            others -= len(OTHER_TYPE.findall(text))
        charges, size, dearest = self.charges, len(self.charges), self.dearest
        self.charged += others * dearest + sum(
            (charges[int(index)] if int(index) < size else dearest) * count
            for index, count in shown.items())  # fmt: skip


class StringCopies:
    """One sheet read again: every `<v>` of a cell of type `s` charged to `workbook.add_text`
    (see the module)."""

    def __init__(self, workbook: WorkbookCells, sheet: str, charges: list[int]) -> None:
        self.workbook, self.sheet, self.charges = workbook, sheet, charges
        self.dearest = max(charges, default=0)
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
        """Charge one `<v>` ending at byte `end`: its item where the index is certain, else the
        dearest item (nothing for an empty value: calamine holds no string)."""
        if not text:
            return
        start = self.seen_from
        certain = (self.clear and len(text) <= MAX_INDEX_DIGITS and text.isascii()
                   and text.isdigit() and self.value_at >= start
                   and self.seen[self.value_at - start : end - start].endswith(
                       b">" + text.encode()))  # fmt: skip
        index = int(text) if certain else -1
        self.workbook.add_text(self.charges[index] if 0 <= index < len(self.charges)
                               else self.dearest)  # fmt: skip
