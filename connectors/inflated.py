"""A zip member's bytes as the pieces they were inflated in, searched and sliced as one.

Inflating 91 MB of sheet XML into one buffer costs ~0.03 s more than into pieces of ~1 MB: the
one buffer is fresh memory, a page fault every 4 KB (`connectors.sheet_parts`).
"""

from __future__ import annotations

import zipfile
import zlib
from bisect import bisect_right
from collections.abc import Callable

from connectors.zip_members import packed_member

STEP = 64 << 10  # packed bytes inflated at a time (~0.6–0.9 MB of sheet XML)
SEAM = 64  # every piece but the last is at least this long: a needle spans two pieces at most
MAX_CELL_BYTES = 256  # a kept sheet's bytes per cell at most (the check benchmark's: ~35)
DENSE_FROM = 8 << 20  # checked from here on (a sheet's start holds no cells)


class Inflated:
    """Bytes held as pieces (each but the last at least SEAM long), found in as one. Pieces are
    added as they are inflated (`add`; `feed` as a reader of the bounds, which keep a sheet that
    may be read in parts: `connectors.workbook_bounds`)."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.offsets = [0]  # where each piece starts, and the end
        self.size = 0

    def add(self, piece: bytes) -> None:
        """The next bytes (joined to the piece before while that is shorter than SEAM)."""
        if self.pieces and len(self.pieces[-1]) < SEAM:
            self.pieces[-1] += piece
            self.offsets[-1] += len(piece)
        elif piece:
            self.pieces.append(piece)
            self.offsets.append(self.offsets[-1] + len(piece))
        self.size = self.offsets[-1]

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.add(chunk)

    def close(self) -> None:
        pass

    def find(self, needle: bytes, start: int = 0, end: int | None = None) -> int:
        """As `bytes.find` on the whole (a needle of at most SEAM // 2 bytes)."""
        end = self.size if end is None else min(end, self.size)
        seam = len(needle) - 1
        for i in range(max(0, bisect_right(self.offsets, start) - 1), len(self.pieces)):
            base = self.offsets[i]
            if base >= end:
                break
            at = self.pieces[i].find(needle, max(0, start - base), end - base)
            if at >= 0:
                return base + at
            base = self.offsets[i + 1] - seam
            if seam and i + 1 < len(self.pieces) and end > base:  # across the seam with the next
                at = self[base : base + 2 * seam].find(needle, max(0, start - base), end - base)
                if at >= 0:
                    return base + at
        return -1

    def rfind(self, needle: bytes) -> int:
        """As `bytes.rfind` on the whole (a needle of at most SEAM // 2 bytes)."""
        seam = len(needle) - 1
        for i in reversed(range(len(self.pieces))):
            at = self.pieces[i].rfind(needle)
            if at >= 0:
                return self.offsets[i] + at
            if seam and i > 0:  # across the seam with the piece before
                base = self.offsets[i] - seam
                at = self[base : base + 2 * seam].rfind(needle)
                if at >= 0:
                    return base + at
        return -1

    def views(self, start: int, end: int) -> list[memoryview]:
        """The bytes from `start` up to `end`, as views of the pieces (not copied)."""
        found = []
        for i in range(max(0, bisect_right(self.offsets, start) - 1), len(self.pieces)):
            base = self.offsets[i]
            if base >= end:
                break
            piece = memoryview(self.pieces[i])
            found.append(piece[max(0, start - base) : max(0, end - base)])
        return [view for view in found if len(view)]

    def __getitem__(self, cut: slice) -> bytes:
        """A few bytes, copied (`cut` with a start and an end, no step)."""
        start, end = max(0, cut.start), min(cut.stop, self.size)
        return b"".join(self.views(start, end)) if start < end else b""


class Kept(Inflated):
    """A large sheet's bytes as the bounds read them, kept in `into` under its name for its
    parts (`connectors.sheet_parts`) and let go of once they hold fewer cells (`cells`: the
    sheet's so far) than one in MAX_CELL_BYTES: a sheet padded out (a long attribute on every
    row) is read whole with little memory, and in parts would hold all its bytes (a second
    review: 203 MB of XML for 50,000 cells took 356 MB in parts, 141 MB whole)."""

    def __init__(self, into: dict[str, Inflated], member: str, cells: Callable[[], int]) -> None:
        super().__init__()
        self.into, self.member, self.cells = into, member, cells

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.into.get(self.member) is not self:
            return  # let go of
        self.add(chunk)
        if self.size > DENSE_FROM and self.size > MAX_CELL_BYTES * self.cells():
            del self.into[self.member]
            self.pieces = []


def inflated(data: bytes, info: zipfile.ZipInfo) -> Inflated | None:
    """A member of a zip held in `data`, stored or deflated (else None), in pieces; None also
    where its size is not the one declared. Only for a zip whose members were read and checked
    before (the bounds: their size, CRC and limits)."""
    packed = packed_member(data, info)
    if packed is None or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    whole = Inflated()
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, len(packed), STEP):
            whole.add(bytes(packed[at : at + STEP]))
    else:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        for at in range(0, len(packed), STEP):
            whole.add(inflate.decompress(packed[at : at + STEP]))
        if not inflate.eof:
            return None
    return whole if whole.size == info.file_size else None
