"""The shared strings of a workbook, held to the limit before calamine reads them
(`connectors.workbook_bounds` feeds the part to `SharedStrings` in pieces, as it decompresses them).

Calamine reserves room for as many strings as its first `<sst>` tag declares (`uniqueCount`, read
with leading zeros skipped), and keeps every `<si>` item as a string of its own. Which tag quick-xml
takes for `<sst>` depends on how it reads names and quotes (three reviews found five spellings the
bounds missed), so no tag is parsed here: every `uniqueCount` count anywhere in the part, and every
`<si>` item, is held to MAX_CELLS.

Calamine also copies a shared string into every cell that shows it (`t="s"`): one string of 1 MB
shown by 3,000 cells is 3 GB (a fourth review). The length of every item is kept (an upper
bound: from its `<si` to the next one's), and when the workbook's cells times its longest string
could pass MAX_TEXT_BYTES, `StringCopies` adds up what its sheets' cells show.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from array import array

from connectors.limits import MAX_CELLS, over_limit
from connectors.sheet_walk import MAX_TEXT_BYTES, WorkbookCells, refused_xml

COUNT = re.compile(rb"""uniqueCount\s*=\s*["']0*([0-9]{1,20})""")
COUNT_NAME = b"uniqueCount"
# the end of a piece that a count may go on from: the name, `=`, a quote, zeros, digits
UNFINISHED = re.compile(rb"""uniqueCount\s*(?:=\s*(?:["']0*[0-9]{0,20})?)?""")
ITEM = re.compile(rb"[<:]si[\s/>]")  # an `<si>` or `<x:si>` item (its local name after a `:`)
MAX_CARRIED = 1 << 16  # a count spread over more than this (spaces, zeros) is refused


class SharedStrings:
    """The counts a shared-strings part declares and the items it holds (see the module)."""

    def __init__(self, workbook: WorkbookCells) -> None:
        self.workbook, self.rest, self.items = workbook, b"", 0
        self.read = 0  # bytes of the part fed so far
        self.starts = array("Q")  # where each item starts in the part

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text, base = self.rest + chunk, self.read - len(self.rest)
        self.read += len(chunk)
        for declared in COUNT.findall(text):
            if int(declared) > MAX_CELLS:
                raise over_limit("de gedeelde teksten van de werkmap zijn te veel", MAX_CELLS,
                                 self.workbook.file, int(declared))  # fmt: skip
        # items of the carried part were counted, but for one cut short at its end (`<si`)
        found = [base + item.start() for item in ITEM.finditer(text, max(0, len(self.rest) - 3))]
        self.starts.extend(found)
        self.items += len(found)
        if self.items > MAX_CELLS:
            raise over_limit("de gedeelde teksten van de werkmap zijn te veel", MAX_CELLS,
                             self.workbook.file, self.items)  # fmt: skip
        last = text.rfind(COUNT_NAME)
        if last >= 0 and UNFINISHED.fullmatch(text, last):  # it may go on in the next piece
            self.rest = text[last:]
        else:  # the name, or an item's tag, cut at the end of the piece
            self.rest = text[-len(COUNT_NAME) :]
        if len(self.rest) > MAX_CARRIED:
            raise over_limit("een telling in de gedeelde teksten is te lang (bytes)", MAX_CARRIED,
                             self.workbook.file)  # fmt: skip

    def close(self) -> None:
        """Every count and item was held to the limit as it came; the items' lengths are kept
        for `StringCopies` (`WorkbookCells.string_lengths`)."""
        ends = self.starts[1:]
        ends.append(self.read)
        self.workbook.string_lengths.append(
            array("Q", (end - start for start, end in zip(self.starts, ends, strict=True)))
        )


def copies_could_pass(workbook: WorkbookCells) -> bool:
    """Whether the workbook's cells, each showing its longest shared string, could pass
    MAX_TEXT_BYTES (then `StringCopies` counts what they show)."""
    longest = max((max(lengths, default=0) for lengths in workbook.string_lengths), default=0)
    return workbook.cells * longest > MAX_TEXT_BYTES


class StringCopies:
    """The shared strings an xlsx sheet's cells show (`t="s"`, the index in `<v>`), counted into
    the workbook's text as calamine copies them (each index at its longest among the parts)."""

    def __init__(self, workbook: WorkbookCells, sheet: str) -> None:
        self.workbook, self.sheet = workbook, sheet
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.shows = self.index = False  # in a `t="s"` cell; in its `<v>`
        self.digits: list[str] = []

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except xml.parsers.expat.ExpatError as exc:
            raise refused_xml(self.workbook.file, self.sheet,
                              f"geen geldige XML, regel {exc.lineno}") from exc  # fmt: skip

    def close(self) -> None:
        self.feed(b"", final=True)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            self.shows = attributes.get("t") == "s"
        elif local == "v" and self.shows:
            self.index, self.digits = True, []

    def _text(self, data: str) -> None:
        if self.index:
            self.digits.append(data)

    def _end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "v" and self.index:
            self.index = False
            number = "".join(self.digits).strip()
            if number.isascii() and number.isdigit():
                index = int(number)
                self.workbook.add_text(max((lengths[index] for lengths in
                                            self.workbook.string_lengths
                                            if index < len(lengths)), default=0))  # fmt: skip
        elif local == "c":
            self.shows = False
