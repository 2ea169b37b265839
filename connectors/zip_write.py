"""A zip written from parts whose bytes are ready (deflated or stored as they are; `pack`
deflates one). Used for the feedback workbooks' package (`pipeline.employers.packed_zip`, parts
deflated once a process) and for a delivery's workbook written anew from the members its bounds
read (`connectors.zip_members.canonical_zip`).

The zip is the one `zipfile` writes for the same parts: local headers with the sizes (no data
descriptors), no extra fields, no ZIP64, names in UTF-8 where they are not ASCII.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

ZIP32_LIMIT = (1 << 31) - 1  # as zipfile's: beyond it a part or the archive needs ZIP64
_VERSIONS = {zipfile.ZIP_STORED: 20, zipfile.ZIP_DEFLATED: 20, zipfile.ZIP_BZIP2: 46,
             zipfile.ZIP_LZMA: 63}  # version needed to extract, as zipfile writes it  # fmt: skip
METHODS = frozenset(_VERSIONS)  # how a part may be packed
_UNIX = 3 << 8  # made by: Unix (as zipfile writes)
_ATTRIBUTES = 0o600 << 16  # -rw------- (as zipfile's writestr)
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")


@dataclass(frozen=True)
class Packed:
    """A part, ready: its name, CRC-32 and size unpacked, its bytes and how they are packed."""

    name: str
    crc: int
    size: int
    data: bytes | memoryview
    method: int = zipfile.ZIP_DEFLATED


def write_zip(out: BinaryIO, parts: Sequence[Packed], when: dt.datetime) -> None:
    """Write the parts as a zip, in order, each stamped `when` (local time, as zipfile does);
    ValueError when it would need ZIP64."""
    time, date = _dos_time(when)
    central, offset = [], 0
    for part in parts:
        name = part.name.encode("utf-8")
        if max(part.size, len(part.data), offset) > ZIP32_LIMIT:
            raise ValueError(f"{part.name}: too large for a zip without ZIP64")
        flags = 0 if name.isascii() else 0x800  # bit 11: the name is UTF-8
        version = _VERSIONS[part.method]
        out.write(_LOCAL.pack(b"PK\x03\x04", version, flags, part.method, time, date, part.crc,
                              len(part.data), part.size, len(name), 0))  # fmt: skip
        out.write(name)
        out.write(part.data)
        central.append(_CENTRAL.pack(b"PK\x01\x02", _UNIX | version, version, flags, part.method,
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


DEFLATE_LEVEL = 1  # a little larger than XlsxWriter's 6, and quicker
# zlib's window and memory level: 8 KB and 5 (default 32 KB and 8). Starting a compressor at the
# default cost ~19 µs, mostly clearing tables a part of a few KB never fills: ~0.13 s for the
# ~7,300 parts of a night's feedback; with these ~1 µs, and as small for a sheet of 5 MB.
DEFLATE_WINDOW_BITS, DEFLATE_MEMORY = 13, 5


def pack(name: str, content: bytes | bytearray | Iterable[bytes | memoryview]) -> Packed:
    """Deflate a part (given whole or in pieces)."""
    deflate = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -DEFLATE_WINDOW_BITS,
                               DEFLATE_MEMORY)  # raw deflate (negative bits), as in a zip  # fmt: skip
    crc = size = 0
    pieces = []
    for piece in [content] if isinstance(content, bytes | bytearray) else content:
        crc, size = zlib.crc32(piece, crc), size + len(piece)
        pieces.append(deflate.compress(piece))
    pieces.append(deflate.flush())
    return Packed(name, crc, size, b"".join(pieces))
