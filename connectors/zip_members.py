"""The members of an open zip, read as `zipfile` reads them (`connectors.workbook_bounds` bounds
a workbook's members before a spreadsheet library opens it).

A member of at most one piece (CHUNK_BYTES) in a zip held in memory — most parts of a workbook,
a few hundred bytes to a few KB — is read without zipfile's reader objects (~50 µs a member,
~0.6 ms a workbook of a dozen parts): `_at_once` follows `ZipFile.open` and `ZipExtFile.read` step
by step and answers only where they would read the member without complaint. Any other member,
and one where anything is amiss (a local header, a name, a CRC, a truncated or broken stream,
flags or a method it does not read), is read by zipfile itself, which then says what it always
said. `tests/connectors/test_workbook_bounds.py` holds the two side by side, on damaged zips too.

What zipfile found is also what calamine is given: `canonical_zip` writes the workbook anew from
the members zipfile read (`tests/connectors/test_zip_differentials.py`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence

from connectors.zip_write import METHODS, Packed, pack, write_zip

CHUNK_BYTES = 1 << 20  # a piece, as the bounds read members
_MIN_READ = zipfile.ZipExtFile.MIN_READ_SIZE  # zipfile inflates at least this much a read


class ZipMembers:
    """The members of an open zip (`blob`: its bytes, when held in memory), in pieces of
    CHUNK_BYTES (see the module)."""

    def __init__(self, archive: zipfile.ZipFile, blob: bytes | None) -> None:
        self.zip, self.blob = archive, blob

    def start(self, info: zipfile.ZipInfo, size: int) -> bytes:
        """The first `size` bytes of a member (`ZipExtFile.read(size)`)."""
        whole = self._whole(info, size)
        if whole is not None:
            return whole[:size]
        with self.zip.open(info) as member:
            return member.read(size)

    @contextlib.contextmanager
    def pieces(self, info: zipfile.ZipInfo) -> Iterator[Iterator[bytes]]:
        """The member's pieces (`ZipExtFile.read(CHUNK_BYTES)` over and over: b"" at its end)."""
        whole = self._whole(info, CHUNK_BYTES)
        if whole is not None:
            yield itertools.chain([whole], itertools.repeat(b""))
            return
        with self.zip.open(info) as member:
            yield iter(functools.partial(member.read, CHUNK_BYTES), None)

    def _whole(self, info: zipfile.ZipInfo, size: int) -> bytes | None:
        """The member read at once as `ZipExtFile.read(size)` reads it (`_at_once`), or None:
        zipfile reads it."""
        return _at_once(self.blob, info, size) if self.blob is not None else None


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_UTF8_NAME, _UNREAD_FLAGS = 0x800, 0x1 | 0x20 | 0x40  # encrypted, patched data, strong encryption


def _at_once(blob: bytes, info: zipfile.ZipInfo, size: int = CHUNK_BYTES) -> bytes | None:
    """The member's bytes as zipfile's first `read(size)` returns them, for a member that one
    such read returns whole (stored or deflated, at most CHUNK_BYTES packed and unpacked, `size`
    at least CHUNK_BYTES); None for any other, or wherever zipfile would raise: the caller then
    lets zipfile read it. A read inflates as much as it was asked for (at least _MIN_READ bytes):
    a stream broken just past CHUNK_BYTES breaks a read of CHUNK_BYTES + 1 (an adversarial
    review's find)."""
    if (info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or info.flag_bits & _UNREAD_FLAGS or info.file_size > CHUNK_BYTES
            or info.compress_size > CHUNK_BYTES or size < CHUNK_BYTES):  # fmt: skip
        return None
    packed = packed_member(blob, info)
    if packed is None:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        data = bytes(packed[: info.file_size])
    else:  # as `ZipExtFile._read1` inflates it: up to `size`, then the rest, cut to size
        inflate = zlib.decompressobj(-15)
        try:
            data = inflate.decompress(packed, max(size, _MIN_READ))
            if inflate.eof or not inflate.unconsumed_tail:  # zipfile's end of the member
                data += inflate.flush()
        except zlib.error:
            return None
        data = data[: info.file_size]
    return data if zlib.crc32(data) == info.CRC else None


def packed_member(blob: bytes, info: zipfile.ZipInfo) -> memoryview | None:
    """A member's packed bytes, found as `ZipFile.open` finds them (its local header, the name
    there, what follows); None wherever zipfile would raise (or look further: an offset below
    0, a member running into the next where zipfile checks that)."""
    offset = info.header_offset  # zipfile's seek refuses one below 0; a slice would count back
    header = blob[offset : offset + _LOCAL_HEADER.size] if offset >= 0 else b""
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
    packed = memoryview(blob)[start : start + info.compress_size]  # not copied
    end = getattr(info, "_end_offset", None)  # newer zipfiles refuse overlapping members
    if decoded != info.orig_filename or len(packed) != info.compress_size or (
            end is not None and start + info.compress_size > end):  # fmt: skip
        return None  # zipfile: a name that differs; a member cut short (EOFError)
    return packed


def unicode_path(info: zipfile.ZipInfo) -> bool:
    """Whether a member carries a second name (Info-ZIP Unicode path, extra field 0x7075): Python
    reads one name, the zip library calamine uses the other."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = int.from_bytes(extra[:2], "little"), int.from_bytes(extra[2:4], "little")
        if kind == 0x7075:
            return True
        extra = extra[4 + size :]
    return False


_STAMP = dt.datetime(1980, 1, 1)  # the members' time: the zip's earliest (calamine reads none)


def canonical_zip(blob: bytes, infos: Sequence[zipfile.ZipInfo],
                  anew: Mapping[str, bytes | bytearray | Sequence[memoryview]] | None = None,
                  ) -> bytes:  # fmt: skip
    """The zip written anew from these members of `blob` (zipfile's `infolist()`) as zipfile
    found them: their packed bytes (all together no more than the file holds: the bounds see to
    that) behind fresh local headers, then one central directory and one end record, nothing
    else. A reader that finds members its own way (the Rust zip crate under calamine skips an
    end record it finds inconsistent and takes an earlier one, in the file or inside a member)
    finds these. A member named in `anew` holds those bytes instead, whole or in pieces
    (deflated here: the shared strings, `connectors.shared_strings`; a part of a sheet,
    `connectors.sheet_parts`). BadZipFile where zipfile would not read a member;
    ValueError beyond a zip without ZIP64."""
    parts = []
    for info in infos:
        if anew and info.filename in anew:
            parts.append(pack(info.filename, anew[info.filename]))
            continue
        packed = packed_member(blob, info)
        if packed is None or info.flag_bits & _UNREAD_FLAGS or info.compress_type not in METHODS:
            raise zipfile.BadZipFile(f"onderdeel {info.orig_filename!r} is niet te lezen")
        parts.append(Packed(info.filename, info.CRC, info.file_size, packed, info.compress_type))
    out = io.BytesIO()
    write_zip(out, parts, _STAMP)
    return out.getvalue()
