"""A zip written from parts deflated ahead: the feedback workbooks' package.

Thousands of feedback workbooks a night share most of their parts (content types, relations,
styles, theme, the explanation sheet). `zipfile` deflates every part of every workbook again and
spends ~0.1 ms of Python on each; here a part is deflated once (`pack`, remembered by the
caller) and a workbook is its parts' bytes behind local headers, then the central directory
(`connectors.zip_write`) — the zip `zipfile` writes for the same parts (deflate, no data
descriptors, no ZIP64), read back by `zipfile`, openpyxl and calamine in the tests.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from connectors.zip_write import Packed, write_zip

__all__ = ["Packed", "pack", "write_zip"]

DEFLATE_LEVEL = 1  # a little larger than XlsxWriter's 6, and quicker
# zlib's window and memory level: 8 KB and 5 (default 32 KB and 8). Starting a compressor at the
# default cost ~19 µs, mostly clearing tables a part of a few KB never fills: ~0.13 s for the
# ~7,300 parts of a night's feedback; with these ~1 µs, and as small for a sheet of 5 MB.
DEFLATE_WINDOW_BITS, DEFLATE_MEMORY = 13, 5


def pack(name: str, content: bytes | Iterable[bytes]) -> Packed:
    """Deflate a part (given whole or in pieces)."""
    deflate = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -DEFLATE_WINDOW_BITS,
                               DEFLATE_MEMORY)  # raw deflate (negative bits), as in a zip  # fmt: skip
    crc = size = 0
    pieces = []
    for piece in [content] if isinstance(content, bytes) else content:
        crc, size = zlib.crc32(piece, crc), size + len(piece)
        pieces.append(deflate.compress(piece))
    pieces.append(deflate.flush())
    return Packed(name, crc, size, b"".join(pieces))
