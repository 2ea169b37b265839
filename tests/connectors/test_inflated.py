"""Bytes held as the pieces they were inflated in are found in and sliced as the joined bytes
are (`bytes.find`, `bytes.rfind`, slices): the reference is the joined bytes, never the pieces."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from connectors.inflated import SEAM, Inflated, inflated

NEEDLES = (b"<", b"!", b"sheetData", b"</sheetData>", b'</row><row r="', b"<!", b"zz")


def _held(pieces: list[bytes]) -> Inflated:
    whole = Inflated()
    for piece in pieces:
        whole.add(piece)
    return whole


def _pieces(seed: int) -> list[bytes]:
    """Pieces of random sizes (some empty, some a byte) from a small alphabet, needles among
    them, so that matches fall inside pieces and across their seams."""
    chance = random.Random(seed)
    text = b"".join(chance.choice([b"<", b"!", b"r", b"sheetData", b"</sheetData>", b"a" * 7,
                                   b'</row><row r="', b"z"]) for _ in range(400))  # fmt: skip
    pieces, at = [], 0
    while at < len(text):
        size = chance.choice([0, 1, 3, 13, 40, 64, 90, 200])
        pieces.append(text[at : at + size])
        at += size
    return pieces


@pytest.mark.parametrize("seed", range(12))
def test_finds_as_the_joined_bytes_do(seed: int) -> None:
    pieces = _pieces(seed)
    joined, held = b"".join(pieces), _held(pieces)
    assert held.size == len(joined)
    assert all(len(p) >= SEAM for p in held.pieces[:-1])  # short pieces were joined on
    chance = random.Random(seed)
    for needle in NEEDLES:
        assert held.rfind(needle) == joined.rfind(needle), needle
        assert held.find(needle) == joined.find(needle), needle
        for _ in range(40):
            start, end = sorted(chance.randrange(-5, len(joined) + 5) for _ in range(2))
            assert held.find(needle, max(0, start), end) == joined.find(needle, max(0, start), end)


@pytest.mark.parametrize("seed", range(6))
def test_views_and_slices_are_the_joined_bytes(seed: int) -> None:
    pieces = _pieces(seed)
    joined, held = b"".join(pieces), _held(pieces)
    chance = random.Random(seed)
    for _ in range(60):
        start, end = sorted(chance.randrange(0, len(joined) + 3) for _ in range(2))
        assert b"".join(held.views(start, end)) == joined[start:end]
        assert held[start:end] == joined[start:end]
    assert b"".join(held.views(0, held.size)) == joined


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_member_is_inflated_in_pieces_as_zipfile_reads_it(method: int, tmp_path: Path) -> None:
    text = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i * 7919 % 1000)
                    for i in range(1, 40_000))  # fmt: skip
    path = tmp_path / "werkmap.zip"
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", text)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        expected = archive.read(info)
    found = inflated(data, info)
    assert found is not None and len(found.pieces) > 1
    assert b"".join(found.pieces) == expected


def test_a_member_not_as_long_as_declared_is_not_inflated(tmp_path: Path) -> None:
    path = tmp_path / "werkmap.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("blad.xml", b"<a>" * 1000)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("blad.xml")
    info.file_size += 1  # the declared size is the one the bounds checked
    assert inflated(path.read_bytes(), info) is None


def test_a_match_past_the_end_across_a_seam_is_not_found() -> None:
    """An adversarial review's case: the end falls just before a seam, and the window across it
    was searched with a negative end (counted from the window's end)."""
    joined = b"a" * 97 + b"XYZW" + b"b" * 99
    held = _held([joined[:100], joined[100:]])
    for end in range(90, 110):
        assert held.find(b"XYZW", 0, end) == joined.find(b"XYZW", 0, end), end
