"""Bounds of a zipped workbook (xlsx, xlsm, ods), checked before a spreadsheet library opens it.

A zip can declare small sizes and unpack huge ones, and a sheet of 2 KB can name a cell at
XFD1048576, which makes calamine allocate the whole sheet (and a failed allocation aborts the
process: it is no exception). So:
- the declared uncompressed sizes and the compression ratio are capped;
- every member is decompressed once as a stream, counting the real bytes (zipfile also stops a
  member at its declared size and checks its CRC, so a lying header is refused; a small member
  of a workbook read into memory is decompressed as zipfile would, without its reader objects,
  and left to zipfile wherever anything is amiss: `ZipMembers`);
- the members calamine could read as a sheet are bounded: the targets of the package's and the
  workbook's relationships (calamine finds the workbook through `_rels/.rels`, and a sheet
  through the workbook's relationships, looking names up without case and with `\\` as `/`),
  all under xl/worksheets/, and an OpenDocument `content.xml`. The area calamine would build (rows ×
  columns, each cell where calamine places it) and the cells it holds are capped; so are the
  shared strings a workbook declares (calamine reserves room for them). An xlsb, and a zip whose
  members carry a second name (read by one zip library, not the other), are refused. A declared
  `<dimension ref=…>` is not: calamine builds a sheet that claims A1:XFD1048576 around one cell
  as 1 × 1, and spreadsheet programs declare formatted rows far below the data.

An xlsx worksheet as spreadsheet programs write it — every row and cell tag plain, its reference
the first attribute in double quotes, no cell below the rows — is bounded from its bytes in 1 MiB
pieces, each cut after its last `>` (`_Scan`): the rows by a regular expression, the cell tags
read as byte arrays (`connectors.cell_tags`); with the sheet's decompression and CRC ~0.6 s for
100,000 rows of 26 cells (91 MB of XML). A piece the byte arrays do not answer for is read by a
regular expression per cell tag, which takes whole plain tags only — unless the piece before was
read as byte arrays: that one may have been cut at a `>` inside a cell tag's value, and the rest
of the tag, a second reference in it, opens this piece (found by an adversarial review). Such a
piece, any other sheet, a sheet whose cells reach beyond a limit (maybe formatted cells without
a value) and every OpenDocument sheet are walked with expat exactly as calamine reads them
(`connectors.sheet_walk`): slower (~4 s for 100,000 rows), and exact.
"""

from __future__ import annotations

import codecs
import functools
import html
import io
import posixpath
import re
import string
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from connectors.cell_tags import CellTags, plain_cell_tags
from connectors.inflated import Inflated
from connectors.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
    over_limit,
)
from connectors.shared_strings import SharedStrings, shared_strings_part
from connectors.sheet_parts import may_cut
from connectors.sheet_walk import (
    MAX_SHEET_ROWS,
    OpenDocumentWalk,
    SheetExtent,
    SpreadsheetMLWalk,
    WorkbookCells,
    column_number,
)
from connectors.string_copies import Copies, Pricing, copies_to_count
from connectors.zip_members import CHUNK_BYTES, ZipMembers, canonical_zip, unicode_path
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError

# a workbook up to this size is read into memory once (unless the caller has), and its members
# there (`ZipMembers`)
IN_MEMORY_BYTES = 64 << 20
SMALL_PIECE = 16 << 10  # below this, byte arrays cost more (~30 µs each) than a regular expression
MAX_RELATIONSHIP_BYTES = 1 << 20  # the workbook's relationships: a few hundred bytes a sheet
# every `Target=` and the quoted text after it, also one inside another attribute's value (the
# match ends before the value, so a Target in it is found too: XML reads attributes, not bytes)
TARGET = re.compile(rb"""Target\s*=\s*(?=(?:"([^"]*)"|'([^']*)'))""")
ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# The scan relies on nothing but the start of every row and cell tag: a tag that does not start
# `<row r="N"` or `<c r="A1"` (another attribute first, single quotes, spaces, a tab) is not
# plain and goes to the walk, as does a tag with a namespace prefix; a tag seen where there is
# none (in a comment, or in a value) only makes the bound larger.
PREFIXED = re.compile(rb":(?:c|row)[\s>/]")
ROWS = re.compile(rb'<row(?: r="([1-9][0-9]{0,7})"|(?=[\s>/]))')  # b"": not plain


def check_workbook_zip(path: Path, data: bytes | None = None) -> list[SheetExtent]:
    """Refuse a zipped workbook beyond the limits (S01), before any spreadsheet library opens it;
    the extent of every member it bounded as a sheet (a workbook part read as one included).
    `data`: the file's bytes, when the caller has read them already."""
    return _checked(path, data)[1].sheets


@dataclass(frozen=True)
class BoundedWorkbook:
    """A workbook checked and written anew, and what the bounds saw (`connectors.sheet_parts`)."""

    data: bytes
    plain: tuple[str, ...]  # the members scanned: every row and cell tag carries its own place
    kept: dict[str, Inflated]  # the bytes of a large one of them, as the bounds read them
    strings: int  # the bytes of its shared strings, as written anew


def bounded_workbook(path: Path, data: bytes) -> BoundedWorkbook:
    """The workbook in `data` checked (`check_workbook_zip`) and written anew from the members
    the check read (`canonical_zip`), for calamine to open: zipfile and calamine's zip library
    find members each their own way, and a file can be made to show each another workbook (an
    adversarial review found three ways: `tests/connectors/test_zip_differentials.py`)."""
    written, workbook = _checked(path, data, anew=True)
    return BoundedWorkbook(written, tuple(workbook.plain), workbook.kept, workbook.string_bytes)


def _checked(path: Path, data: bytes | None, anew: bool = False) -> tuple[bytes, WorkbookCells]:
    """The workbook written anew (`anew`; else b"") and its cells, the sheets' extents too."""
    workbook = WorkbookCells(path.name)
    written = b""
    try:
        if data is None and path.stat().st_size <= IN_MEMORY_BYTES:
            data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as archive:
            members = ZipMembers(archive, data)
            infos = archive.infolist()
            _check_declared(path, infos, len(data) if data is not None else path.stat().st_size)
            sheets = _sheet_members(path, members)
            # the shared strings first: a sheet's copies of them are counted as it is read
            strings = [i for i in infos if shared_strings_part(_key(i.filename))]
            unzipped = 0
            for info in strings:
                unzipped = _stream_member(members, info, unzipped, workbook, sheets, None)
            charges = copies_to_count(workbook, [i for i in infos if i.filename in sheets])
            for info in infos:
                if info not in strings:
                    unzipped = _stream_member(members, info, unzipped, workbook, sheets, charges)
            if anew and data is not None:  # calamine reads the shared strings written anew
                written = canonical_zip(data, infos, workbook.strings_anew)
    # a broken stream (zlib.error), an offset below 0 or a name not in the encoding its flag
    # names (ValueError), XML in an encoding no codec reads (LookupError, from expat) are a
    # broken file as much as the others
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError, zlib.error, ValueError, LookupError) as exc:  # fmt: skip
        raise DeliveryError(
            EditCode.S01, f"geen geldig Excel-bestand ({exc})", file=path.name
        ) from exc
    return written, workbook


def _check_declared(path: Path, infos: list[zipfile.ZipInfo], size: int) -> None:
    """The parts and sizes the zip declares: how many, in total and their compression ratio, no
    more packed bytes than the file of `size` bytes holds; no binary workbook (xlsb)."""
    if len(infos) > MAX_ZIP_MEMBERS:  # each is read below: ~16 µs even when it is empty
        raise over_limit("werkmap heeft te veel onderdelen", MAX_ZIP_MEMBERS, path.name,
                         len(infos))  # fmt: skip
    packed = sum(i.compress_size for i in infos)
    if packed > size:  # entries that name the same bytes
        raise DeliveryError(
            EditCode.S01, "de onderdelen van de werkmap delen hun bytes (zip-bom?); sla het "
            "bestand in Excel opnieuw op als .xlsx en lever het opnieuw aan", file=path.name,
        )  # fmt: skip
    unzipped = sum(i.file_size for i in infos)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise over_limit("bestand pakt uit tot te veel bytes (zip-bom?)", MAX_UNZIPPED_BYTES,
                         path.name, unzipped)  # fmt: skip
    if unzipped / max(1, packed) > MAX_COMPRESSION_RATIO:
        raise over_limit("bestand pakt verdacht sterk uit (zip-bom?), factor",
                         MAX_COMPRESSION_RATIO, path.name, unzipped // max(1, packed))  # fmt: skip
    if any(unicode_path(i) for i in infos):
        raise DeliveryError(
            EditCode.S01, "zip met een tweede bestandsnaam per onderdeel (Unicode-pad); sla het "
            "bestand in Excel opnieuw op als .xlsx en lever het opnieuw aan", file=path.name,
        )  # fmt: skip
    if any(_key(i.filename) == "xl/workbook.bin" for i in infos):  # calamine would read it
        raise DeliveryError(
            EditCode.S01, "binaire Excel-werkmap (xlsb) wordt niet gelezen; sla het bestand op "
            "als .xlsx en lever het opnieuw aan", file=path.name,
        )  # fmt: skip


def _sheet_members(path: Path, archive: ZipMembers) -> frozenset[str]:
    """The members calamine may read as an xlsx sheet: the targets of the package's own
    relationships (`_rels/.rels`: the workbook) and of the workbook's (its sheets), found as
    calamine finds them (from the part's folder, from the root when a target starts with `/`),
    and all under xl/worksheets/ — matched as calamine looks names up, ignoring ASCII case and
    `\\` for `/`; every member under such a name. The parts of a sheet (drawings, images, printer
    settings) are no sheets; nor is a member that does not start as UTF-8 (an image, the OLE2
    file of an xlsm's macros: calamine cannot read those as XML), seen as it is read."""
    members: dict[str, list[str]] = {}
    for name in archive.zip.namelist():
        members.setdefault(_key(name), []).append(name)
    wanted = {k for k in members if k.startswith("xl/worksheets/")}
    # names built as calamine builds them, from the targets as written; keyed only to look up
    workbooks = {"xl/workbook.xml"} | _targets(path, archive, members, "_rels/.rels", "")
    for part in list(workbooks):  # calamine: `workbook.xml` in the folder of the target
        folder = part.rpartition("/")[0]  # up to its last `/` (a `\\` after it is in the name)
        workbooks.add(f"{folder}/workbook.xml" if folder else "workbook.xml")
    wanted |= {_key(part) for part in workbooks}
    for part in workbooks:
        folder, _, base = part.rpartition("/")
        folder = f"{folder}/" if folder else ""
        for relationships in (f"{folder}_rels/{base}.rels", f"{folder}_rels/workbook.xml.rels"):
            targets = _targets(path, archive, members, relationships, folder)
            wanted |= {_key(target) for target in targets}
    return frozenset(name for key in wanted for name in members.get(key, []))


def _targets(path: Path, archive: ZipMembers, members: dict[str, list[str]], relationships: str,
             folder: str) -> set[str]:  # fmt: skip
    """The targets the relationships part names (every member under its key), joined to
    `folder` as calamine joins them, and as other readers would (`..` resolved, `\\` as `/`):
    as written, with its character references resolved and with its %-escapes; not keyed."""
    found = set()
    for part in members.get(_key(relationships), []):
        text = archive.start(archive.zip.getinfo(part), MAX_RELATIONSHIP_BYTES + 1)
        if len(text) > MAX_RELATIONSHIP_BYTES:
            raise over_limit("de relaties van de werkmap zijn te groot (bytes)",
                             MAX_RELATIONSHIP_BYTES, path.name)  # fmt: skip
        for match in TARGET.finditer(text):
            written = (match[1] or match[2] or b"").decode("utf-8", "replace")
            for target in {written, unquote(written), html.unescape(written)}:
                for spelled in {target, target.replace("\\", "/")}:
                    found.add(spelled[1:] if spelled.startswith("/") else folder + spelled)
                    found.add(posixpath.normpath(folder + spelled).lstrip("/"))
    return found


def _binary(start: bytes) -> bool:
    """Whether a member starts with bytes that are no UTF-8 (OLE2, PNG, JPEG start so)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start[:8], final=False)
    except UnicodeDecodeError:
        return True
    return False


def _key(name: str) -> str:
    """A member's name as calamine's zip lookup compares it (ASCII case only: `str.lower` would
    also turn the Kelvin sign into a k)."""
    name = name.replace("\\", "/")
    return name.lower() if name.isascii() else name.translate(ASCII_LOWER)


class _Member(Protocol):
    def feed(self, chunk: bytes, final: bool = False) -> None: ...

    def close(self) -> None: ...


def _stream_member(archive: ZipMembers, info: zipfile.ZipInfo, total: int, workbook: WorkbookCells,
                   sheets: frozenset[str], charges: Pricing | None) -> int:  # fmt: skip
    """Decompress one member as a stream: count its real bytes, and bound it when calamine may
    read it as a sheet (a sheet the scan cannot bound is read again and walked), its copies of
    the shared strings counted when there are `charges`."""
    sheet, ods = info.filename in sheets, info.filename == "content.xml"
    name = _sheet_name(info)
    cells, spaces, known = workbook.cells, workbook.spaces, len(workbook.sheets)
    plain, keep = len(workbook.plain), may_cut(info.filename, info.file_size)

    def readers(kind: type[_Scan] | type[SpreadsheetMLWalk]) -> Callable[[bytes], list[_Member]]:
        """The readers, chosen by the member's first bytes: binary, it is no sheet."""
        return lambda start: _readers(workbook, info.filename, name, ods,
                                      kind if sheet and not _binary(start) else None,
                                      charges, keep)  # fmt: skip

    if sheet:
        try:
            return _read_member(archive, info, total, workbook, readers(_Scan))
        except _Irregular:  # afresh, from the start of the member
            workbook.cells, workbook.spaces = cells, spaces
            del workbook.sheets[known:], workbook.plain[plain:]
            workbook.kept.pop(info.filename, None)
    return _read_member(archive, info, total, workbook, readers(SpreadsheetMLWalk))


def _sheet_name(info: zipfile.ZipInfo) -> str:
    """A member as an error names the sheet: its file name without `.xml`."""
    return info.filename.rsplit("/", 1)[-1].removesuffix(".xml")


def _readers(workbook: WorkbookCells, member: str, name: str, ods: bool,
             sheet: type[_Scan] | type[SpreadsheetMLWalk] | None, charges: Pricing | None,
             keep: bool) -> list[_Member]:  # fmt: skip
    """What reads a member: the OpenDocument walk for `content.xml`, the scan or walk of an
    xlsx sheet for a sheet (and the count of its copies of shared strings), the shared strings."""
    readers: list[_Member] = [OpenDocumentWalk(workbook, name)] if ods else []
    if sheet is not None:
        readers.append(sheet(workbook, name))
        if sheet is _Scan:  # if it reads the member to its end, every tag there is plain
            workbook.plain.append(member)
            if keep and (kept := workbook.keep(member)):  # for its parts, not inflated again
                readers.append(kept)
        if charges is not None:
            readers.append(Copies(workbook, charges))
    if shared_strings_part(_key(member)):
        readers.append(SharedStrings(workbook, member))
    return readers


def _read_member(archive: ZipMembers, info: zipfile.ZipInfo, total: int,
                 workbook: WorkbookCells, choose: Callable[[bytes], list[_Member]]) -> int:  # fmt: skip
    """The member's bytes, counted against MAX_UNZIPPED_BYTES, each piece fed to the readers
    `choose` gives for its first piece."""
    with archive.pieces(info) as pieces:
        chunk = next(pieces)
        readers = choose(chunk)
        while chunk:
            total += len(chunk)
            if total > MAX_UNZIPPED_BYTES:
                raise over_limit("bestand pakt uit tot te veel bytes (zip-bom?)",
                                 MAX_UNZIPPED_BYTES, workbook.file)  # fmt: skip
            for reader in readers:
                reader.feed(chunk)
            chunk = next(pieces)
    for reader in readers:
        reader.close()
    return total


class _Irregular(Exception):
    """A sheet the scan cannot bound: it is walked instead."""


def above(number: int) -> str:
    """A regular expression for the decimal numbers (no leading zero) greater than `number`."""
    digits = str(number)
    options = [f"[1-9][0-9]{{{len(digits)},}}"]  # more digits
    for i, digit in enumerate(digits):
        if digit != "9":
            options.append(f"{digits[:i]}[{int(digit) + 1}-9][0-9]{{{len(digits) - i - 1}}}")
    return "(?:" + "|".join(options) + ")"


@functools.lru_cache(maxsize=256)
def _cells_within(rows: int) -> re.Pattern[bytes]:
    """Every cell tag: its column letters when it is plain and names a row up to `rows`, else
    b"". Plain: `<c r="A1"`, then only other attributes, each after one space, in double quotes,
    up to the tag's end (calamine takes the last of two `r`s)."""
    return re.compile(
        rb'<c(?: r="([A-Z]{1,3})(?!0|' + above(rows).encode() + rb'")[0-9]{1,7}"'
        rb'(?: (?!r[\s=])[^\s=>"\'/]+="[^"]*")* ?/?>|(?=[\s>/]))'
    )


class _Scan:
    """Bound a plain worksheet from its bytes, whole tags at a time; `_Irregular` for any other."""

    def __init__(self, workbook: WorkbookCells, name: str) -> None:
        self.workbook, self.sheet = workbook, SheetExtent(name)
        workbook.sheets.append(self.sheet)
        self.carry = b""
        self.numbered = 0  # the largest row number so far
        self.whole = True  # the pieces so far end after a whole cell tag (none cut inside one)

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text = self.carry + chunk
        cut = text.rfind(b">") + 1  # whole tags only; an unfinished one waits for the next chunk
        self._scan(text[:cut])
        self.carry = text[cut:]
        if len(self.carry) > CHUNK_BYTES:  # a text beyond 1 MiB without a tag: not a plain sheet
            raise _Irregular

    def close(self) -> None:
        self._scan(self.carry)

    def _scan(self, text: bytes) -> None:
        sheet = self.sheet
        if PREFIXED.search(text):
            raise _Irregular
        numbers = ROWS.findall(text)
        if b"" in numbers:
            raise _Irregular
        self.numbered = max(self.numbered, max(map(int, numbers), default=0))
        small = self.whole and len(text) < SMALL_PIECE  # a regular expression is quicker there
        tags = None if small else plain_cell_tags(text, len(numbers))
        if tags is None or tags.row > self.numbered:
            if not self.whole:  # the piece before may end inside a cell tag: its rest is here
                raise _Irregular
            tags = self._cell_tags(text)  # whole tags only: this piece ends after one
        else:
            self.whole = False  # byte arrays: the piece may end at a `>` inside a value
        self.workbook.add(sheet, tags.count)
        sheet.columns = max(sheet.columns, tags.column)
        sheet.rows = self.numbered  # at most: a cell names no row below the rows (checked)
        if (self.numbered > MAX_SHEET_ROWS or sheet.columns > MAX_COLUMNS
                or self.numbered * sheet.columns > MAX_CELLS):  # fmt: skip
            raise _Irregular  # maybe cells without a value: the walk counts what calamine holds

    def _cell_tags(self, text: bytes) -> CellTags:
        """The cell tags by the regular expression, for a piece `plain_cell_tags` did not answer
        for (an `r` in a text or in a tag that is no cell: a theme's `<a:fillToRect r=…>`). It
        takes only whole plain tags, so the piece it read ends after a whole cell tag."""
        letters = _cells_within(self.numbered).findall(text)
        if b"" in letters:
            raise _Irregular
        widest = max(set(letters), key=lambda c: (len(c), c), default=b"")
        return CellTags(len(letters), self.numbered, column_number(widest.decode()))
