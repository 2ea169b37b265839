"""A workbook's sheet XML walked with expat, placing every row and cell as calamine places it.

The exact path of `connectors.workbook_bounds`, for what its fast scan cannot bound, and every
OpenDocument sheet. expat reads the XML as any parser does (either quote, spaces around `=`, `>`
inside a value, prefixes), and refuses what is not well-formed, a DOCTYPE or an entity.

SpreadsheetML (calamine's xlsx reader): a tag is a row or a cell by its local name (after the
first `:`); only the attribute named exactly `r` places it. A row with `r` starts at that row,
and every `</row>` moves one row down and back to the first column; a cell with `r` sits there,
one without it right of the cell before, and only a cell with a value (`<v>`, `<is>`, `<f>`)
reaches the area calamine builds. Calamine ends a value at the first end tag of its name, not
the one that matches, so nothing goes inside a `<v>` or `<f>`, and no cell, row, value or second
text inside an `<is>`: refused, as what would follow as cells (a fourth review, 2026-12-06).
OpenDocument (calamine's ods reader): `table:table`, `table:table-row`, `table:table-cell` and
`table:covered-table-cell` by their qualified names; a row or cell counts as often as it is
repeated; a cell with any `…value…` attribute (`office:value`, `office:boolean-value`, a value
type), a formula or any content reaches the area; what a cell holds is its text (`text:s` spaces
counted), never a row, cell or table (calamine ends a text at the first `</table:table-cell>`),
and no table opens inside another (calamine reads its rows as the outer one's). The text of all
cells is counted as held once read (`held_bytes`), once per repetition (MAX_TEXT_BYTES). An
OpenDocument workbook's cells are counted over all its sheets: calamine reads them all when it
opens the file. The XML must be UTF-8 and at most MAX_XML_DEPTH deep.
"""

from __future__ import annotations

import array
import re
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Any

from connectors.base import HEADER_SCAN_ROWS
from connectors.inflated import Inflated, Kept
from connectors.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, over_limit
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError

MAX_SHEET_ROWS = MAX_ROWS + HEADER_SCAN_ROWS  # data rows plus title and header rows above them
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
MAX_XML_DEPTH = 100  # a sheet's XML nests ~6 deep, an OpenDocument cell's text ~12
MAX_SPACES = 10_000_000  # OpenDocument spaces written as a count (`<text:s text:c="…"/>`)
VALUE_TAGS = frozenset({"v", "is", "f"})
NOT_IN_A_VALUE = frozenset({"c", "row", "v", "is", "f", "sheetData"})
ODS_CELLS = frozenset({"table:table-cell", "table:covered-table-cell"})
# what calamine's ods reader reads as a table's structure: never inside a cell
NOT_IN_A_CELL = ODS_CELLS | {"table:table-row", "table:table"}
MAX_TEXT_BYTES = 256 << 20  # the text of all cells as held once read (`held_bytes`): each copy


def held_bytes(text: str) -> int:
    """What holding a text read from a cell costs: calamine's copy (UTF-8) and two in Python
    (python-calamine's and the stripped one `row_text` makes), each 1, 2 or 4 bytes a character
    as its widest character needs (a 1 MB text with one emoji is 4 MB in Python)."""
    if text.isascii():
        return 3 * len(text)
    return TextSize().add(text).held


@dataclass
class TextSize:
    """A text that comes in pieces: what holding it costs (`held_bytes`)."""

    characters: int = 0
    utf8: int = 0
    width: int = 1  # bytes a character in Python

    def add(self, text: str) -> TextSize:
        self.characters += len(text)
        if text.isascii():
            self.utf8 += len(text)
        else:
            self.utf8 += len(text.encode("utf-8"))
            widest = max(text)
            self.width = max(self.width, 4 if widest > "\uffff" else 2 if widest > "\xff" else 1)
        return self

    @property
    def held(self) -> int:
        return self.utf8 + 2 * self.width * self.characters


@dataclass
class SheetExtent:
    """The largest row and column a sheet reaches, and the cells it holds."""

    name: str
    rows: int = 0
    columns: int = 0
    cells: int = 0


@dataclass
class WorkbookCells:
    """The cells of a whole workbook so far, and the sheets bounded."""

    file: str
    cells: int = 0
    sheets: list[SheetExtent] = field(default_factory=list)

    spaces: int = 0  # OpenDocument `text:s` spaces so far
    text: int = 0  # text of cells so far as held once read (`held_bytes`), each copy counted
    # what holding each shared string costs (`held_bytes`): the dearest at its position over the
    # parts read (calamine reads one); and each part written anew (`connectors.shared_strings`)
    string_charges: array.array[int] = field(default_factory=lambda: array.array("q"))
    strings_anew: dict[str, bytes | bytearray] = field(default_factory=dict)
    string_items: int = 0  # shared strings in all parts so far, and their bytes written anew
    string_bytes: int = 0
    # the members bounded from their bytes (`workbook_bounds._Scan`): every row and cell tag in
    # them plain, carrying its own place (`connectors.sheet_parts` may cut them)
    plain: list[str] = field(default_factory=list)
    kept: dict[str, Inflated] = field(default_factory=dict)  # the bytes of a large one of them
    large: int = 0  # the large ones so far

    def add(self, sheet: SheetExtent, cells: int, together: bool = False) -> None:
        """Count `cells` more in `sheet`; refuse it beyond MAX_CELLS, and with `together` (the
        sheets calamine holds at once: OpenDocument's) the workbook too."""
        sheet.cells += cells
        self.cells += cells
        if sheet.cells > MAX_CELLS:
            raise over_limit(f"werkblad {sheet.name} heeft te veel cellen", MAX_CELLS, self.file)
        if together and self.cells > MAX_CELLS:
            raise over_limit("de werkbladen samen hebben te veel cellen", MAX_CELLS, self.file)

    def keep(self, member: str) -> Inflated | None:
        """Where the bytes of a large sheet the bounds begin to scan (the last of `sheets`) are
        kept for its parts (`connectors.sheet_parts`): only while it is the workbook's one large
        sheet (a second lets go of the first: a workbook of several is never read in parts),
        and its cells are dense (`Kept`)."""
        self.large += 1
        if self.large > 1:
            self.kept.clear()
            return None
        sheet = self.sheets[-1]
        self.kept[member] = kept = Kept(self.kept, member, lambda: sheet.cells)
        return kept

    def add_text(self, held: int) -> None:
        """Text of cells as held once read (`held_bytes`): a repeated cell's once per repetition,
        a shared string once per cell that shows it."""
        self.text += held
        if self.text > MAX_TEXT_BYTES:
            raise over_limit("de cellen hebben samen te veel tekst (bytes in het geheugen)",
                             MAX_TEXT_BYTES, self.file, self.text)  # fmt: skip

    def add_spaces(self, spaces: int) -> None:
        """OpenDocument spaces written as a count: calamine writes them all out."""
        self.spaces += spaces
        if self.spaces > MAX_SPACES:
            raise over_limit("de cellen hebben samen te veel spaties (text:s)", MAX_SPACES,
                             self.file)  # fmt: skip


def check_extent(file: str, sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet beyond MAX_SHEET_ROWS rows, MAX_COLUMNS columns or MAX_CELLS in its area."""
    if rows > MAX_SHEET_ROWS:
        raise over_limit(f"werkblad {sheet} heeft te veel rijen", MAX_SHEET_ROWS, file, rows)
    if columns > MAX_COLUMNS:
        raise over_limit(f"werkblad {sheet} heeft te veel kolommen", MAX_COLUMNS, file, columns)
    if rows * columns > MAX_CELLS:
        raise over_limit(f"werkblad {sheet} beslaat te veel cellen ({rows} rijen × {columns} "
                         "kolommen)", MAX_CELLS, file, rows * columns)  # fmt: skip


def refused_xml(file: str, sheet: str, reason: str) -> DeliveryError:
    """The S01 for sheet XML that cannot be bounded: not well-formed, or a reference that is none."""
    return DeliveryError(
        EditCode.S01, f"werkblad {sheet} is niet te lezen ({reason}); sla het bestand in Excel "
        "opnieuw op als .xlsx en lever het opnieuw aan", file=file,
    )  # fmt: skip


class _Walk:
    """Feed a member's bytes as they come; `close` at the end."""

    def __init__(self, workbook: WorkbookCells, sheet: str) -> None:
        self.workbook, self.sheet = workbook, SheetExtent(sheet)
        workbook.sheets.append(self.sheet)
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._no_doctype
        self.parser.EntityDeclHandler = self._no_doctype
        self.depth = 0
        self.opaque_from: int | None = None  # the depth of a value whose content calamine skips

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Parse the next bytes (UTF-8 only: a NUL byte is how another encoding would slip a
        second reading of the same bytes past expat)."""
        if b"\x00" in chunk:
            raise refused_xml(self.workbook.file, self.sheet.name, "geen UTF-8-tekst")
        try:
            self.parser.Parse(chunk, final)
        except xml.parsers.expat.ExpatError as exc:
            raise refused_xml(self.workbook.file, self.sheet.name,
                              f"geen geldige XML, regel {exc.lineno}") from exc  # fmt: skip

    def close(self) -> None:
        self.feed(b"", final=True)

    def _no_doctype(self, *_: Any) -> None:
        raise refused_xml(self.workbook.file, self.sheet.name, "een DOCTYPE of entiteit")

    def reach(self, sheet: SheetExtent, row: int, column: int) -> None:
        """A value at (row, column), counted from 1: the area reaches it (refused beyond)."""
        if row > sheet.rows or column > sheet.columns:
            sheet.rows, sheet.columns = max(sheet.rows, row), max(sheet.columns, column)
            check_extent(self.workbook.file, sheet.name, sheet.rows, sheet.columns)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise refused_xml(self.workbook.file, self.sheet.name, "te diep geneste XML")
        if self.opaque_from is None:
            self.start(name, attributes)
        else:
            self.inside_value(name, attributes)

    def _end(self, name: str) -> None:
        if self.opaque_from == self.depth:
            self.opaque_from = None
        elif self.opaque_from is not None:
            self.inside_end(name)
        if self.opaque_from is None:
            self.end(name)
        self.depth -= 1

    def skip_content(self) -> None:
        """What the element just started holds is no row or cell to calamine: skip it."""
        self.opaque_from = self.depth

    def start(self, name: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def inside_value(self, name: str, attributes: dict[str, str]) -> None:
        """An element inside a skipped value."""

    def inside_end(self, name: str) -> None:
        """The end of an element inside a skipped value."""


class SpreadsheetMLWalk(_Walk):
    """An xlsx worksheet, as calamine's xlsx reader places its rows and cells."""

    def __init__(self, workbook: WorkbookCells, sheet: str) -> None:
        super().__init__(workbook, sheet)
        self.row = self.column = 0  # 0-based, as calamine counts
        self.cell: tuple[int, int] | None = None  # the open cell's (row, column), 0-based
        self.value = ""  # the local name of the value being skipped
        self.texts = 0  # its `<t>` elements open

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.partition(":")[2] if ":" in name else name
        if local == "row":
            if "r" in attributes:
                number = attributes["r"]
                if not (_decimal(number) and 0 < len(number) <= 8 and int(number) > 0):
                    raise refused_xml(
                        self.workbook.file, self.sheet.name, "rij zonder geldig nummer"
                    )
                self.row = int(number) - 1
        elif local == "c":
            if "r" in attributes:
                reference = CELL_REFERENCE.fullmatch(attributes["r"])
                if reference is None:
                    raise refused_xml(self.workbook.file, self.sheet.name,
                                      "cel zonder geldige verwijzing")  # fmt: skip
                self.column = column_number(reference[1]) - 1
                self.cell = (int(reference[2]) - 1, self.column)
            else:
                self.cell = (self.row, self.column)
            self.column += 1
            self.workbook.add(self.sheet, 1)
        elif local in VALUE_TAGS and self.cell is not None:
            self.reach(self.sheet, self.cell[0] + 1, self.cell[1] + 1)
            self.value, self.texts = local, 0
            self.skip_content()

    def inside_value(self, name: str, attributes: dict[str, str]) -> None:
        """Calamine ends a value at the first end tag of its name (`</v>`, `</is>`, `</t>`), not
        the one that matches: what follows one nested in it is read as cells of the sheet. So
        nothing goes inside a `<v>` or `<f>`, and no cell, row, value or second text inside an
        `<is>` (its runs, their formatting and texts are what an inline string holds)."""
        local = name.partition(":")[2] if ":" in name else name
        if self.value != "is" or local in NOT_IN_A_VALUE or (local == "t" and self.texts):
            raise refused_xml(self.workbook.file, self.sheet.name, f"<{name}> in een waarde")
        if local == "t":
            self.texts += 1

    def inside_end(self, name: str) -> None:
        if (name.partition(":")[2] if ":" in name else name) == "t":
            self.texts -= 1

    def end(self, name: str) -> None:
        local = name.partition(":")[2] if ":" in name else name
        if local == "row":
            self.row, self.column = self.row + 1, 0
        elif local == "c":
            self.cell = None


class OpenDocumentWalk(_Walk):
    """An OpenDocument spreadsheet's content: its sheets, as calamine's ods reader reads them."""

    def __init__(self, workbook: WorkbookCells, member: str) -> None:
        super().__init__(workbook, member)
        self.row = self.column = 0  # rows and columns passed in the current sheet
        self.repeat = 1  # how often the current row repeats
        self.open_cell: tuple[int, int] | None = None  # (first column, columns) without a value yet
        self.tables = 0  # tables open
        self.copies = 0  # how often the open cell's text is held: its columns × its row's repeats
        self.text = TextSize()  # the open cell's text so far
        self.parser.CharacterDataHandler = self._text

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "table:table":
            if self.tables:  # calamine reads its rows as the outer table's
                raise refused_xml(self.workbook.file, self.sheet.name, "tabel in een tabel")
            self.tables += 1
            title = attributes.get("table:name", "?")[:60]
            self.sheet = SheetExtent(title)
            self.workbook.sheets.append(self.sheet)
            self.row = self.column = 0
        elif name == "table:table-row":
            self.repeat = self._repeats(attributes, "table:number-rows-repeated")
            self.row += self.repeat
            self.column = 0
        elif name in ODS_CELLS:
            columns = self._repeats(attributes, "table:number-columns-repeated")
            first, self.column = self.column, self.column + columns
            self.open_cell = (first, columns)
            self.copies, self.text = columns * self.repeat, TextSize()
            # calamine takes a value from any of `office:value`, `office:boolean-value`, …
            if "table:formula" in attributes or any("value" in key for key in attributes):
                self._valued()
                for key, value in attributes.items():
                    if "value" in key:
                        self.text.add(value)
            self.skip_content()  # what a cell holds is its text to calamine, never a table

    def end(self, name: str) -> None:
        if name in ODS_CELLS:
            self.open_cell = None
            self.workbook.add_text(self.text.held * self.copies)
            self.copies, self.text = 0, TextSize()
        elif name == "table:table":
            self.tables -= 1

    def inside_value(self, name: str, attributes: dict[str, str]) -> None:
        """Content inside a cell: a value as well; `text:s` stands for `text:c` spaces; no row,
        cell or table (calamine ends a text at the first `</table:table-cell>`, a nested one's
        too, and reads the rows after it as the table's)."""
        if name in NOT_IN_A_CELL:
            raise refused_xml(self.workbook.file, self.sheet.name, f"<{name}> in een cel")
        if self.open_cell is not None:
            self._valued()
        if name == "text:s":
            spaces = self._repeats(attributes, "text:c")
            self.workbook.add_spaces(spaces)
            self.text.characters += spaces
            self.text.utf8 += spaces

    def _text(self, data: str) -> None:
        """Text: in a cell, as often as calamine holds that cell."""
        if self.copies:
            self.text.add(data)

    def _valued(self) -> None:
        """The open cell holds a value: every repetition of it reaches the area."""
        assert self.open_cell is not None
        first, columns = self.open_cell
        self.open_cell = None
        self.reach(self.sheet, self.row, first + columns)
        self.workbook.add(self.sheet, self.repeat * columns, together=True)

    def _repeats(self, attributes: dict[str, str], key: str) -> int:
        value = attributes.get(key, "1")
        if not (_decimal(value) and len(value) <= 8):
            raise refused_xml(self.workbook.file, self.sheet.name, f"{key}={value[:20]!r}")
        return max(1, int(value))


def _decimal(text: str) -> bool:
    """ASCII digits only (`str.isdigit` also takes ² and other digits `int` refuses)."""
    return text.isascii() and text.isdigit()


def column_number(letters: str) -> int:
    """An Excel column as a number: A → 1, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
