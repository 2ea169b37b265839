"""The count of shared strings a workbook declares, held to the limit before calamine reads it
(`connectors.workbook_bounds` feeds the part to it in pieces, as it decompresses them)."""

from __future__ import annotations

import re

from connectors.limits import MAX_CELLS, over_limit
from connectors.sheet_walk import WorkbookCells

# what calamine reserves room for (its first `<sst>` tag's, leading zeros skipped); any tag's
SST_TAG = re.compile(rb"<(?:[^\s<>:/]+:)?sst[\s>/]")
COUNTS = re.compile(rb"""uniqueCount\s*=\s*["']0*([0-9]{1,20})""")
MAX_SST_TAG = 1 << 16  # a tag of shared strings longer than this is refused: no writer makes one


class SharedStrings:
    """The count of shared strings a part declares: calamine reserves room for as many as its
    first `<sst>` tag says (wherever the tag is, past comments and other tags; leading zeros
    skipped), so every `<sst>` tag of the part is held to the limit."""

    def __init__(self, workbook: WorkbookCells) -> None:
        self.workbook, self.rest = workbook, b""

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text, self.rest = self.rest + chunk, b""
        for tag in SST_TAG.finditer(text):
            # the counts in the MAX_SST_TAG bytes from the tag's start: past its first `>` (one
            # may stand in a value), and past its end (a count in the text after it is one more)
            if tag.start() + MAX_SST_TAG > len(text) and not final:
                self.rest = text[tag.start() :]  # read again with the next piece
                return
            for declared in COUNTS.findall(text, tag.start(), tag.start() + MAX_SST_TAG):
                if int(declared) > MAX_CELLS:
                    raise over_limit("de gedeelde teksten van de werkmap zijn te veel",
                                     MAX_CELLS, self.workbook.file, int(declared))  # fmt: skip
        # what may be the start of a tag the next piece ends: from the last `<` with no `>` after
        opened = text.rfind(b"<")
        self.rest = text[opened:] if opened >= 0 and text.find(b">", opened) < 0 else b""
        if len(self.rest) > MAX_SST_TAG:  # no writer makes a tag (or comment) this long here
            raise over_limit("een tag in de gedeelde teksten is te lang (bytes)", MAX_SST_TAG,
                             self.workbook.file)  # fmt: skip

    def close(self) -> None:
        """The counts of a tag near the end of the part."""
        if self.rest:
            self.feed(b"", final=True)
