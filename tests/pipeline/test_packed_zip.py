"""The feedback workbooks' zip, written from parts deflated ahead, is a zip every reader reads."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from connectors import zip_write
from pipeline.employers.feedback_xlsx import Table, write_workbook
from pipeline.employers.packed_zip import pack, write_zip

WHEN = dt.datetime(2026, 1, 2, 3, 4, 5)  # local time, as zipfile stamps a part


def test_a_packed_zip_is_read_by_zipfile_as_written() -> None:
    parts = {"[Content_Types].xml": b"<Types/>", "leeg.xml": b"",
             "xl/werkblad één.xml": "é€😀".encode() * 1000,  # a UTF-8 name
             "groot.xml": bytes(range(256)) * 4096}  # fmt: skip
    packed = [pack(name, data) for name, data in parts.items()]
    packed.append(pack("in stukken.xml", [b"<a>", b"", b"tekst" * 100, b"</a>"]))
    out = io.BytesIO()
    write_zip(out, packed, WHEN)

    with zipfile.ZipFile(out) as book:
        assert book.testzip() is None  # every part's CRC and size
        infos = book.infolist()
        assert [i.filename for i in infos] == [*parts, "in stukken.xml"]
        for name, data in parts.items():
            assert book.read(name) == data
        assert book.read("in stukken.xml") == b"<a>" + b"tekst" * 100 + b"</a>"
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert {i.date_time for i in infos} == {(2026, 1, 2, 3, 4, 4)}  # two-second steps
    assert [bool(i.flag_bits & 0x800) for i in infos] == [False, False, True, False, False]
    assert infos[3].compress_size < infos[3].file_size / 10  # deflated


def test_a_feedback_workbook_opens_in_calamine_and_names_its_sheets(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    tables = [Table("Samenvatting", ["Onderdeel", "Waarde"], [20, 40], [["Bestand", "é.csv"]]),
              Table("Meldingen", ["code", "rij"], [7, 7], [["E01", 2], ["W06", 3]])]  # fmt: skip
    write_workbook(path, tables, created=WHEN)

    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Samenvatting", "Meldingen"]
    assert book.get_sheet_by_name("Meldingen").to_python() == [["code", "rij"], ["E01", 2.0],
                                                               ["W06", 3.0]]  # fmt: skip
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None


def test_a_part_beyond_a_zip_without_zip64_is_refused_and_leaves_no_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zip_write, "ZIP32_LIMIT", 5_000)
    with pytest.raises(ValueError, match="ZIP64"):
        write_zip(io.BytesIO(), [pack("groot.xml", b"x" * 6_000)], WHEN)
    with pytest.raises(ValueError, match="ZIP64"):
        write_workbook(tmp_path / "f.xlsx", [Table("Meldingen", ["a"], [7], [["x" * 30]] * 400)])
    assert list(tmp_path.iterdir()) == []
