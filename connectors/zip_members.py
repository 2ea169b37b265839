"""The members of an open zip, read as `zipfile` reads them (`connectors.workbook_bounds` bounds
a workbook's members before a spreadsheet library opens it).

A member of at most one piece (CHUNK_BYTES) in a zip held in memory — most parts of a workbook,
a few hundred bytes to a few KB — is read without zipfile's reader objects (~50 µs a member,
~0.6 ms a workbook of a dozen parts): `_at_once` follows `ZipFile.open` and `ZipExtFile.read` step
by step and answers only where they would read the member without complaint. Any other member,
and one where anything is amiss (a local header, a name, a CRC, a truncated or broken stream,
flags or a method it does not read), is read by zipfile itself, which then says what it always
said. `tests/connectors/test_workbook_bounds.py` holds the two side by side, on damaged zips too.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import struct
import zipfile
import zlib
from collections.abc import Iterator

CHUNK_BYTES = 1 << 20  # a piece, as the bounds read members


class ZipMembers:
    """The members of an open zip (`blob`: its bytes, when held in memory), in pieces of
    CHUNK_BYTES (see the module)."""

    def __init__(self, archive: zipfile.ZipFile, blob: bytes | None) -> None:
        self.zip, self.blob = archive, blob

    def start(self, info: zipfile.ZipInfo, size: int) -> bytes:
        """The first `size` bytes of a member (`ZipExtFile.read(size)`)."""
        whole = self._whole(info)
        if whole is not None:
            return whole[:size]
        with self.zip.open(info) as member:
            return member.read(size)

    @contextlib.contextmanager
    def pieces(self, info: zipfile.ZipInfo) -> Iterator[Iterator[bytes]]:
        """The member's pieces (`ZipExtFile.read(CHUNK_BYTES)` over and over: b"" at its end)."""
        whole = self._whole(info)
        if whole is not None:
            yield itertools.chain([whole], itertools.repeat(b""))
            return
        with self.zip.open(info) as member:
            yield iter(functools.partial(member.read, CHUNK_BYTES), None)

    def _whole(self, info: zipfile.ZipInfo) -> bytes | None:
        """The member read at once (`_at_once`), or None: zipfile reads it."""
        return _at_once(self.blob, info) if self.blob is not None else None


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_UTF8_NAME, _UNREAD_FLAGS = 0x800, 0x1 | 0x20 | 0x40  # encrypted, patched data, strong encryption


def _at_once(blob: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The member's bytes as zipfile's `read(CHUNK_BYTES)` returns them, for a member that one
    such read returns whole (stored or deflated, at most CHUNK_BYTES packed and unpacked); None
    for any other, or wherever zipfile would raise: the caller then lets zipfile read it."""
    if (info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or info.flag_bits & _UNREAD_FLAGS or info.file_size > CHUNK_BYTES
            or info.compress_size > CHUNK_BYTES):  # fmt: skip
        return None
    offset = info.header_offset
    header = blob[offset : offset + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size:
        return None
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        return None
    start = offset + _LOCAL_HEADER.size
    name = blob[start : start + fields[10]]
    try:
        decoded = name.decode("utf-8" if fields[3] & _UTF8_NAME else "cp437")
    except UnicodeDecodeError:
        return None
    start += fields[10] + fields[11]
    packed = blob[start : start + info.compress_size]
    if decoded != info.orig_filename or len(packed) != info.compress_size:
        return None  # zipfile: a name that differs; a member cut short (EOFError)
    if info.compress_type == zipfile.ZIP_STORED:
        data = packed[: info.file_size]
    else:  # as `ZipExtFile._read1` inflates it: up to CHUNK_BYTES, then the rest, cut to size
        inflate = zlib.decompressobj(-15)
        try:
            data = inflate.decompress(packed, CHUNK_BYTES)
            if inflate.eof or not inflate.unconsumed_tail:  # zipfile's end of the member
                data += inflate.flush()
        except zlib.error:
            return None
        data = data[: info.file_size]
    return data if zlib.crc32(data) == info.CRC else None
