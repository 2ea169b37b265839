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

`Scan` counts a sheet from its bytes, whatever they are: every `<c` and `:c` is a cell at most
(each start tag of a cell holds one; an adversarial review hid a cell of type `s` from any
pattern of its attributes: `<c r="A1" 'a="x" t='s>`). A cell written as spreadsheet programs
write it, from its `<c` on — `<c r="A1" s="3" t="s"><v>12</v></c>`, or a tag of another type
(`<c r="B1" s="2">`, `t="n"`, `"str"`, …) — is read so by calamine wherever calamine starts a
cell there (its tag holds nothing else: no quote or `>` out of place), so it is charged its item,
or nothing. Every other is charged the dearest item; a piece whose others charge at most
PIECE_ALLOWANCE that way is not searched for tags of other types (~0.7 s for 2.5 M cells of
type `s`). The pieces are cut after their last `>`, which no `<c` or `:c` holds, or, in a text
over 1 MiB without one, before its last byte: a pattern cut in two only charges more.

The bounds read the shared strings before the sheets, and count a sheet as it is read
(`Copies`), only when the sheets' bytes could hold enough cells to pass the limit with the dearest
item (`could_pass`; a cell of type `s` with a value takes MIN_CELL_BYTES at least): never for a
workbook without long texts.
"""

from __future__ import annotations

import collections
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from connectors.sheet_walk import MAX_TEXT_BYTES, WorkbookCells
from connectors.zip_members import CHUNK_BYTES

MIN_CELL_BYTES = 16  # `<c t='s><v>1</v></c>`: the least a cell of type `s` with a value takes
PIECE_ALLOWANCE = 1 << 20  # a piece whose other cells could charge more is searched for types
_REFERENCE = rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,9}")?'
# a cell of type `s` as spreadsheet programs write it: its index
SHOWN = re.compile(_REFERENCE + rb' t="s"><v>([0-9]{1,18})</v></c>')
# the start tag of a cell of another type as they write it
OTHER_TYPE = re.compile(_REFERENCE + rb'(?: t="(?:n|b|e|d|str|inlineStr)")?/?>')


def dearest(workbook: WorkbookCells) -> int:
    """What holding the workbook's dearest shared string costs."""
    return max(workbook.string_charges, default=0)


def could_pass(workbook: WorkbookCells, sheet_bytes: int) -> bool:
    """Whether sheets of `sheet_bytes` bytes, their cells each showing the dearest shared
    string, could pass MAX_TEXT_BYTES (only then are they counted)."""
    return workbook.text + sheet_bytes // MIN_CELL_BYTES * dearest(workbook) > MAX_TEXT_BYTES


def copies_to_count(workbook: WorkbookCells, sheets: Sequence[zipfile.ZipInfo]) -> Pricing | None:
    """What holding each item costs, when the `sheets` are to be counted (`could_pass`, with
    every shared-strings part read); else None."""
    if could_pass(workbook, sum(info.file_size for info in sheets)):
        return Pricing(workbook.string_charges, dearest(workbook))
    return None


@dataclass(frozen=True)
class Pricing:
    """What holding each item costs, and the dearest (found once: a workbook may have thousands
    of sheet members and millions of items)."""

    charges: Sequence[int]
    dearest: int


class Copies:
    """A sheet's shared-string copies counted as its pieces come (`Scan`), charged at `close`."""

    def __init__(self, workbook: WorkbookCells, pricing: Pricing) -> None:
        self.workbook, self.scan = workbook, Scan(pricing.charges, pricing.dearest)

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.scan.feed(chunk)

    def close(self) -> None:
        self.workbook.add_text(self.scan.close())


class Scan:
    """One sheet counted from its bytes (see the module); `close` gives what it charges."""

    def __init__(self, charges: Sequence[int], dearest: int | None = None) -> None:
        self.charges = charges
        self.dearest = max(charges, default=0) if dearest is None else dearest
        self.carry = b""
        self.charged = 0

    def feed(self, chunk: bytes) -> None:
        text = self.carry + chunk
        cut = text.rfind(b">") + 1
        if len(text) - cut > CHUNK_BYTES:  # a long text without a `>`: all but its last byte,
            cut = len(text) - 1  # which may be the `<` or `:` of a `c` to come
        self._count(text[:cut])
        self.carry = text[cut:]

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
