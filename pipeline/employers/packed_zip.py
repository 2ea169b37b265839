"""A zip written from parts deflated ahead: the feedback workbooks' package.

Thousands of feedback workbooks a night share most of their parts (content types, relations,
styles, theme, the explanation sheet). `zipfile` deflates every part of every workbook again and
spends ~0.1 ms of Python on each; here a part is deflated once (`pack`, remembered by the
caller) and a workbook is its parts' bytes behind local headers, then the central directory —
the zip `zipfile` writes for the same parts (deflate, no data descriptors, no ZIP64), read back
by `zipfile`, openpyxl and calamine in the tests.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

DEFLATE_LEVEL = 1  # a little larger than XlsxWriter's 6, and quicker
# zlib's window and memory level: 8 KB and 5 (default 32 KB and 8). Starting a compressor at the
# default cost ~19 µs, mostly clearing tables a part of a few KB never fills: ~0.13 s for the
# ~7,300 parts of a night's feedback; with these ~1 µs, and as small for a sheet of 5 MB.
DEFLATE_WINDOW_BITS, DEFLATE_MEMORY = 13, 5
ZIP32_LIMIT = (1 << 31) - 1  # as zipfile's: beyond it a part or the archive needs ZIP64
_VERSION = 20  # 2.0: deflate
_UNIX = 3 << 8  # made by: Unix, version 2.0 (as zipfile writes)
_METHOD = 8  # deflate
_ATTRIBUTES = 0o600 << 16  # -rw------- (as zipfile's writestr)
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")


@dataclass(frozen=True)
class Packed:
    """A part, deflated: its name, CRC-32, size and deflated bytes."""

    name: str
    crc: int
    size: int
    data: bytes


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


def write_zip(out: BinaryIO, parts: Sequence[Packed], when: dt.datetime) -> None:
    """Write the parts as a zip, in order, each stamped `when` (local time, as zipfile does)."""
    time, date = _dos_time(when)
    central, offset = [], 0
    for part in parts:
        name = part.name.encode("utf-8")
        if max(part.size, len(part.data), offset) > ZIP32_LIMIT:
            raise ValueError(f"{part.name}: too large for a zip without ZIP64")
        flags = 0 if name.isascii() else 0x800  # bit 11: the name is UTF-8
        out.write(_LOCAL.pack(b"PK\x03\x04", _VERSION, flags, _METHOD, time, date, part.crc,
                              len(part.data), part.size, len(name), 0))  # fmt: skip
        out.write(name)
        out.write(part.data)
        central.append(_CENTRAL.pack(b"PK\x01\x02", _UNIX | _VERSION, _VERSION, flags, _METHOD,
                                     time, date, part.crc, len(part.data), part.size, len(name),
                                     0, 0, 0, 0, _ATTRIBUTES, offset) + name)  # fmt: skip
        offset += _LOCAL.size + len(name) + len(part.data)
    directory = b"".join(central)
    if offset + len(directory) > ZIP32_LIMIT or len(parts) > 0xFFFF:
        raise ValueError("too large for a zip without ZIP64")
    out.write(directory)
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), offset, 0))


def _dos_time(when: dt.datetime) -> tuple[int, int]:
    """A moment as a zip stores it: local time in two-second steps, from 1980."""
    local = when.astimezone() if when.tzinfo else when
    year = min(max(local.year, 1980), 2107)
    return ((local.hour << 11) | (local.minute << 5) | (local.second // 2),
            ((year - 1980) << 9) | (local.month << 5) | local.day)  # fmt: skip
