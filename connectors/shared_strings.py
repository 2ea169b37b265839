"""The shared strings of a workbook, held to the limit before calamine reads them
(`connectors.workbook_bounds` feeds the part to `SharedStrings` in pieces, as it decompresses them).

Calamine reserves room for as many strings as its first `<sst>` tag declares (`uniqueCount`, read
with leading zeros skipped), and keeps every `<si>` item as a string of its own. Which tag quick-xml
takes for `<sst>` depends on how it reads names and quotes (three reviews found five spellings the
bounds missed), so no tag is parsed here: every `uniqueCount` count anywhere in the part, and every
`<si>` item, is held to MAX_CELLS.
"""

from __future__ import annotations

import re

from connectors.limits import MAX_CELLS, over_limit
from connectors.sheet_walk import WorkbookCells

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

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text = self.rest + chunk
        for declared in COUNT.findall(text):
            if int(declared) > MAX_CELLS:
                raise over_limit("de gedeelde teksten van de werkmap zijn te veel", MAX_CELLS,
                                 self.workbook.file, int(declared))  # fmt: skip
        # items of the carried part were counted, but for one cut short at its end (`<si`)
        self.items += len(ITEM.findall(text, max(0, len(self.rest) - 3)))
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
        """Nothing to finish: every count and item was held to the limit as it came."""
