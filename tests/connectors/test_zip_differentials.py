"""A workbook's bounds hold for what calamine reads, however its zip is put together.

Python's zipfile (the bounds) and the Rust zip crate (calamine) find a zip's members in different
ways: zipfile takes the last end record as it is, the crate skips an end record it finds
inconsistent, or whose central directory it cannot read, and falls back to an earlier one — in
the file, or inside a stored member. An adversarial review (2026-12-06) bounded a harmless
workbook while calamine read a hostile one that was appended to it or embedded in it. Calamine
now reads the workbook written anew from the members the bounds read (`canonical_zip`). Also
found then: a member whose offset zipfile makes negative was read by the lean path from the end
of the file; a broken stream, a negative offset or a name that is not the UTF-8 it claims to be
escaped the check as something other than an S01.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from connectors.limits import MAX_ZIP_MEMBERS
from connectors.spreadsheet import open_sheets
from connectors.workbook_bounds import check_workbook_zip
from connectors.zip_members import CHUNK_BYTES, ZipMembers, _at_once, canonical_zip
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError
from tests.hostile.generators import SHEET_END, SHEET_START, _workbook

SHEET = "xl/worksheets/sheet1.xml"
WIDE = b'<row r="1"><c r="A1"><v>1</v></c><c r="ALM1"><v>1</v></c></row>'  # 1,001 columns
NARROW = b'<row r="1"><c r="A1"><v>7</v></c></row>'
END = b"PK\x05\x06"


def _xlsx(tmp_path: Path, name: str, rows: bytes, **stored: bytes) -> bytes:
    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr(SHEET, SHEET_START + rows + SHEET_END)
        for member, content in stored.items():
            archive.writestr(member.replace("__", "/"), content, zipfile.ZIP_STORED)

    return _workbook(tmp_path / name, write).read_bytes()


def _patched(blob: bytes, field: int, fmt: str, value: int) -> bytes:
    """The zip with a field of its (last) end record set to `value`."""
    patched = bytearray(blob)
    struct.pack_into(fmt, patched, patched.rfind(END) + field, value)
    return bytes(patched)


def _calamine_width(blob: bytes) -> int:
    return int(CalamineWorkbook.from_filelike(io.BytesIO(blob)).get_sheet_by_index(0).width)


@pytest.fixture
def hostile(tmp_path: Path) -> bytes:
    """A workbook the bounds refuse on its own (a sheet of 1,001 columns)."""
    blob = _xlsx(tmp_path, "wide.xlsx", WIDE)
    with pytest.raises(DeliveryError):
        check_workbook_zip(tmp_path / "wide.xlsx", blob)
    return blob


# the end record of the harmless workbook made inconsistent in ways zipfile does not look at
INCONSISTENT_ENDS = {"disk number 1": (4, "<H", 1), "directory on disk 1": (6, "<H", 1),
                     "entry counts that differ": (8, "<H", 9)}  # fmt: skip


@pytest.mark.parametrize("inconsistency", INCONSISTENT_ENDS)
def test_a_workbook_behind_an_end_record_the_crate_skips_is_not_what_calamine_reads(
    tmp_path: Path, hostile: bytes, inconsistency: str
) -> None:
    harmless = _xlsx(tmp_path, "narrow.xlsx", NARROW)
    blob = _patched(hostile + harmless, *INCONSISTENT_ENDS[inconsistency])
    assert _calamine_width(blob) == 1001, "the crate reads the hostile workbook of this file"
    path = tmp_path / "GM0014_2025Q1.xlsx"
    path.write_bytes(blob)
    sheets = open_sheets(path)
    assert [row[:1] for row in sheets[0].read_rows()] == [["7"]]
    assert max(map(len, sheets[0].read_rows())) == 1


def test_a_workbook_stored_inside_a_member_is_not_what_calamine_reads(
    tmp_path: Path, hostile: bytes
) -> None:
    inside = _xlsx(tmp_path, "inside.xlsx", NARROW, xl__embeddings__oleObject1__bin=hostile)
    blob = _patched(inside, 4, "<H", 1)  # "disk 1": the crate looks for another end record
    assert _calamine_width(blob) == 1001, "the crate reads the workbook stored inside"
    path = tmp_path / "GM0014_2025Q2.xlsx"
    path.write_bytes(blob)
    assert max(map(len, open_sheets(path)[0].read_rows())) == 1


def test_an_offset_zipfile_makes_negative_is_an_s01_and_not_read_from_the_end(
    tmp_path: Path, hostile: bytes
) -> None:
    harmless = _xlsx(tmp_path, "narrow.xlsx", NARROW)
    whole = hostile + harmless
    where = whole.rfind(END) + 16
    blob = _patched(whole, 16, "<L", struct.unpack_from("<L", whole, where)[0] + len(whole))
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        assert all(info.header_offset < 0 for info in archive.infolist())
        assert all(_at_once(blob, info) is None for info in archive.infolist())
    path = tmp_path / "GM0014_2025Q3.xlsx"
    path.write_bytes(blob)
    with pytest.raises(DeliveryError) as refused:
        open_sheets(path)
    assert refused.value.code == EditCode.S01


def _relationships_of(size: int, tail: bytes, plain: bytes = b"") -> bytes:
    """A zip of one member `_rels/.rels`, declared `size` bytes, whose deflate stream makes
    `plain` (CHUNK_BYTES + 1 bytes of XML unless given) and then `tail`."""
    plain = plain or (b"<Relationships/>" * 70_000)[: CHUNK_BYTES + 1]
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = deflate.compress(plain) + deflate.flush(zlib.Z_SYNC_FLUSH) + tail
    name, crc = b"_rels/.rels", zlib.crc32(plain[:size])
    local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21, crc, len(stream),
                        size, len(name), 0) + name  # fmt: skip
    central = struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, 0, 8, 0, 0x21, crc,
                          len(stream), size, len(name), 0, 0, 0, 0, 0, 0) + name  # fmt: skip
    body = local + stream
    return body + central + struct.pack("<4s4H2LH", END, 0, 0, 1, 1, len(central), len(body), 0)


def test_the_start_of_a_member_is_read_as_zipfile_reads_it() -> None:
    blob = _relationships_of(CHUNK_BYTES, b"\x07")  # then an invalid block type
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        info = archive.getinfo("_rels/.rels")
        with archive.open(info) as member, pytest.raises(zlib.error):
            member.read(CHUNK_BYTES + 1)
        with pytest.raises(zlib.error):
            ZipMembers(archive, blob).start(info, CHUNK_BYTES + 1)
        with archive.open(info) as member:
            assert ZipMembers(archive, blob).start(info, CHUNK_BYTES) == member.read(CHUNK_BYTES)


def test_a_broken_stream_is_an_s01(tmp_path: Path) -> None:
    plain = random.Random(7).randbytes(5_000)  # packed about as large: within every ratio
    path = tmp_path / "broken.xlsx"
    path.write_bytes(_relationships_of(len(plain) + 100, b"\x07", plain))
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(path)
    assert refused.value.code == EditCode.S01
    assert "geen geldig Excel-bestand" in str(refused.value)


def test_a_name_that_is_not_the_utf8_it_claims_is_an_s01(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("é.xml", b"x")
    blob = bytearray(buffer.getvalue())
    blob[blob.find(b"PK\x01\x02") + 46] = 0xFF  # the central directory's name, flagged UTF-8
    path = tmp_path / "naam.xlsx"
    path.write_bytes(blob)
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(path)
    assert refused.value.code == EditCode.S01


def test_a_zip_of_too_many_members_is_refused_before_they_are_read(tmp_path: Path) -> None:
    path = tmp_path / "veel.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"x/{number}", b"")
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(path)
    assert refused.value.code == EditCode.S01
    assert "onderdelen" in str(refused.value)


def _members(blob: bytes) -> list[tuple[str, int, int, int, bytes]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return [(i.filename, i.compress_type, i.CRC, i.file_size, archive.read(i))
                for i in archive.infolist()]  # fmt: skip


def test_the_workbook_written_anew_holds_the_same_members_and_cells(tmp_path: Path) -> None:
    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr(SHEET, SHEET_START + NARROW + b'<row r="2"><c r="B2" t="inlineStr">'
                         b"<is><t>\xc3\xa9\xc3\xa9n</t></is></c></row>" + SHEET_END)  # fmt: skip
        archive.writestr("xl/media/afbeelding \u00e9.bin", bytes(range(256)), zipfile.ZIP_STORED)
        archive.writestr("docProps/leeg.xml", b"", zipfile.ZIP_DEFLATED)

    original = _workbook(tmp_path / "gewoon.xlsx", write).read_bytes()
    prefixed = b"MZ-junk" * 3 + original  # a zip behind other bytes: zipfile finds its members
    for blob in (original, prefixed):
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            anew = canonical_zip(blob, archive.infolist())
        assert anew.startswith(b"PK\x03\x04") and anew.count(END) == 1
        assert _members(anew) == _members(original)
        sheet = lambda data: CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)  # noqa: E731
        assert sheet(anew).to_python() == sheet(original).to_python() == [[7.0, ""], ["", "één"]]


def test_a_member_with_a_data_descriptor_is_written_anew_with_its_sizes() -> None:
    plain = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: bytes) -> int:  # type: ignore[override]
            return plain.write(data)

    unseekable = Unseekable()
    with (zipfile.ZipFile(unseekable, "w", zipfile.ZIP_DEFLATED) as archive,
          archive.open("stroom.xml", "w") as member):  # fmt: skip
        member.write(b"<a>" * 1000)
    blob = plain.getvalue()
    assert blob[6] & 0x08, "a data descriptor"
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        anew = canonical_zip(blob, archive.infolist())
    assert _members(anew) == _members(blob) == [("stroom.xml", 8, zlib.crc32(b"<a>" * 1000),
                                                  3000, b"<a>" * 1000)]  # fmt: skip
    assert anew[6] & 0x08 == 0


def test_members_sharing_their_packed_bytes_are_refused_before_they_are_copied(
    tmp_path: Path,
) -> None:
    """Many entries of the central directory naming one member whose packed bytes are a tiny
    stream and then junk: each is read cheaply, and written anew each would be copied (a second
    review: a 2 MB file took 2.4 GB). The entries' packed bytes may not add up to more than the
    file."""
    base = _xlsx(tmp_path, "basis.xlsx", NARROW)
    directory = base.find(b"PK\x01\x02")
    body, central = base[:directory], base[directory : base.rfind(END)]
    name, packed = b"xl/media/a.bin", zlib.compress(b"x")[2:-4] + bytes(200_000)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, zlib.crc32(b"x"),
                        len(packed), 1, len(name), 0) + name  # fmt: skip
    entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 0x314, 20, 0, 8, 0, 0x21, zlib.crc32(b"x"),
                        len(packed), 1, len(name), 0, 0, 0, 0, 0, len(body)) + name  # fmt: skip
    central += entry * 20
    body += local + packed
    count = base.count(b"PK\x01\x02") + 20
    path = tmp_path / "GM0014_2025Q4.xlsx"
    path.write_bytes(body + central + struct.pack("<4s4H2LH", END, 0, 0, count, count,
                                                  len(central), len(body), 0))  # fmt: skip
    with pytest.raises(DeliveryError) as refused:
        open_sheets(path)
    assert refused.value.code == EditCode.S01
    assert "delen hun bytes" in str(refused.value)


def test_a_zip_inside_an_xls_that_zipfile_does_not_see_is_refused(
    tmp_path: Path, hostile: bytes
) -> None:
    """An xls header, a workbook, and an end record cut short after it: zipfile finds no zip
    (the last end record is broken), calamine's zip library finds the workbook's (a second
    review: read unbounded). An xls holding a zip's end record is refused."""
    from connectors.spreadsheet import OLE2_MAGIC

    blob = OLE2_MAGIC + bytes(504) + hostile + END
    assert not zipfile.is_zipfile(io.BytesIO(blob))
    assert _calamine_width(blob) == 1001, "calamine reads the workbook inside"
    path = tmp_path / "GM0014_2025Q1.xls"
    path.write_bytes(blob)
    with pytest.raises(DeliveryError) as refused:
        open_sheets(path)
    assert refused.value.code == EditCode.S01
    assert "zip" in str(refused.value)
