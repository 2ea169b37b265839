"""The shared strings of a workbook: read here, and written anew for calamine.

Calamine copies a shared string into every cell that shows it, so a workbook of 3,000 cells
showing one 1 MB string holds 3 GB once read: a failed allocation aborts the process. Bounding
that takes knowing which string each cell shows, and calamine finds the items and their text
its own way (quick-xml's events, an item ending at the first `</si>`): a fifth review found
eight ways in which a regular expression or expat saw other items than calamine did.

So calamine never reads a workbook's own shared-strings part. `SharedStrings` reads it (expat,
fed in pieces as the bounds decompress it; a part as Excel writes it by regular expressions,
PLAIN_HEAD) and writes it anew: one plain `<si><t>…</t></si>` per item (`xml:space="preserve"`
where it starts or ends with a space, `<si/>` when empty), the text escaped, which any reader
reads as the same items in the same order. `connectors.workbook_bounds` puts that part in the
workbook calamine opens, and `connectors.string_copies` bounds the copies with what holding
each item costs (`held_bytes`), kept here. An item over MAX_ITEM_CHARACTERS is refused, and the
items of all parts together are held to MAX_CELLS.

For a workbook as spreadsheet programs write it, calamine reads the same text from the part
written anew as from its own: an item is an `<si>` (any prefix) inside the `<sst>`, its text
that of its `<t>` elements outside a phonetic run (`<rPh>`), each trimmed of spaces, tabs and
line ends unless it keeps them (`xml:space="preserve"`). Excel's `_xHHHH_` escapes are left for
calamine to resolve, as before (they only shorten a text).
"""

from __future__ import annotations

import array
import re
import xml.parsers.expat
from typing import Any

from connectors.limits import MAX_CELLS, MAX_UNZIPPED_BYTES, over_limit
from connectors.sheet_walk import MAX_XML_DEPTH, WorkbookCells, held_bytes
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError

PART_NAME = "sharedstrings.xml"  # how calamine names the part, as `_key` compares names
START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas'
         b'.openxmlformats.org/spreadsheetml/2006/main"')  # fmt: skip
# the counts, filled in at the end, spaces after them: `count="…" uniqueCount="…"`
COUNTS_WIDTH = 64
HEAD = START + b" " * COUNTS_WIDTH + b">"
KEPT_START, ITEM_START, ITEM_END = b'<si><t xml:space="preserve">', b"<si><t>", b"</t></si>"
EMPTY_ITEM, TAIL = b"<si/>", b"</sst>"
# what text may not hold as it is: markup, and a carriage return (a reader makes it a line feed)
ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))  # `&` first
TRIMMED = " \t\r\n"  # calamine trims only these, not a no-break space
# characters of one item (Excel holds at most 32,767 in a cell); a longer one is refused as it
# comes, before it is held whole (an adversarial review joined 250 MB into one text: 1.8 GB)
MAX_ITEM_CHARACTERS = 1_000_000
# A part as Excel and XlsxWriter write it — this declaration and `<sst>` tag, then nothing but
# plain items, each one text of characters and the five predefined entities — is read by regular
# expressions (~10× quicker: 0.7 s for 100,000 items); expat reads any other, and one of over
# PLAIN_MAX_BYTES (held whole for this).
PLAIN_MAX_BYTES = 32 << 20
PLAIN_HEAD = re.compile(
    rb'<\?xml version="1\.0" encoding="UTF-8"(?: standalone="yes")?\?>\r?\n?<sst xmlns="http://'
    rb'schemas\.openxmlformats\.org/spreadsheetml/2006/main"(?: count="[0-9]{1,10}")?'
    rb'(?: uniqueCount="[0-9]{1,10}")?>'
)
PLAIN_ITEM_BYTES = re.compile(rb'<si><t(?: xml:space="preserve")?>[^<]*</t></si>')
PLAIN_ITEM = re.compile(r'<si><t( xml:space="preserve")?>([^<]*)</t></si>')
# what expat refuses in a text: a character XML does not allow (a control character, U+FFFE,
# U+FFFF), `]]>`; and what it reads otherwise: an entity or reference other than the five
CONTROL = bytes(set(range(32)) - {9, 10, 13})
NOT_ALLOWED = (b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"]]>")
PREDEFINED = (b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&apos;")
ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def shared_strings_part(key: str) -> bool:
    """Whether a member (by its key, `workbook_bounds._key`) is where calamine may look for the
    shared strings: `sharedStrings.xml` in the workbook's folder, whichever that is."""
    return key == PART_NAME or key.endswith("/" + PART_NAME)


def _local(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


class SharedStrings:
    """One shared-strings part read as it comes (`feed`); `close` keeps what holding each of its
    items costs (`held_bytes`) in `workbook.string_charges` (the dearest at each position over
    the parts) and the part written anew in `workbook.strings_anew` by `member`. Refused (S01): more than MAX_CELLS items, one of
    more than MAX_ITEM_CHARACTERS, XML that is not well-formed or not UTF-8, a DOCTYPE or
    entity."""

    def __init__(self, workbook: WorkbookCells, member: str) -> None:
        self.workbook, self.member = workbook, member
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.buffer_text = True  # one call for a text, not one a line
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._no_doctype
        self.parser.EntityDeclHandler = self._no_doctype
        self.depth = 0
        self.table = 0  # `<sst>` elements open
        self.item_depth = 0  # the depth of the open item, 0 when none
        self.phonetic = 0  # `<rPh>` runs open in the item
        self.text_depth = 0  # the depth of the open `<t>`, 0 when none
        self.preserve = False  # whether the open `<t>` keeps its spaces
        self.texts: list[str] = []  # the open `<t>`'s text so far
        self.item: list[str] = []  # the open item's texts so far
        self.characters = 0  # in the open item so far
        self.charges = array.array("q")  # compact: a part may hold millions of items
        self.written = bytearray(HEAD)  # the part written anew so far (its counts at `close`)
        self.held: list[bytes] | None = []  # the part so far, while it may be plain
        self.held_bytes = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if b"\x00" in chunk:  # another encoding than UTF-8 (see `sheet_walk`)
            raise self._refused("geen UTF-8-tekst")
        if self.held is not None:
            self.held.append(chunk)
            self.held_bytes += len(chunk)
            if self.held_bytes <= PLAIN_MAX_BYTES:
                return
            chunk, self.held = b"".join(self.held), None  # expat reads it, from the start
        self._parse(chunk, final)

    def _parse(self, chunk: bytes, final: bool) -> None:
        try:
            self.parser.Parse(chunk, final)
        except xml.parsers.expat.ExpatError as exc:
            raise self._refused(f"geen geldige XML, regel {exc.lineno}") from exc

    def close(self) -> None:
        if self.held is not None:
            part, self.held = b"".join(self.held), None
            if not self._plain(part):
                self._parse(part, True)
        else:
            self._parse(b"", True)
        count = len(self.charges)
        _merge(self.workbook.string_charges, self.charges)
        self.written[len(START) : len(HEAD) - 1] = (
            b' count="%d" uniqueCount="%d"' % (count, count)).ljust(COUNTS_WIDTH)  # fmt: skip
        self.written += TAIL
        self.workbook.strings_anew[self.member] = self.written

    def _plain(self, part: bytes) -> bool:
        """Read a part as Excel writes it (see PLAIN_HEAD) and say so; else read nothing. Its
        items as expat gives them: line ends as line feeds, the entities resolved, trimmed unless
        they keep their spaces."""
        head = PLAIN_HEAD.match(part)
        end = len(part) - len(TAIL)  # the head and the tail are ASCII, and plain text
        if head is None or not part.endswith(TAIL) or not _plain_text(part):
            return False
        # nothing but plain items up to the tail, checked one item at a time (one regular
        # expression for all of them kept a mark for each: 570 MB for 1,900,000 items)
        position = head.end()
        for tiled in PLAIN_ITEM_BYTES.finditer(part, position, end):
            if tiled.start() != position:
                return False
            position = tiled.end()
        if position != end:
            return False
        try:
            text = part.decode("utf-8")
        except UnicodeDecodeError:
            return False
        for match in PLAIN_ITEM.finditer(text, head.end(), len(text) - len(TAIL)):  # millions
            kept, item = match[1], match[2]
            if "\r" in item:
                item = item.replace("\r\n", "\n").replace("\r", "\n")
            if "&" in item:
                for entity, character in ENTITIES:
                    item = item.replace(entity, character)
            if len(item) > MAX_ITEM_CHARACTERS:
                raise self._too_long()
            self._write(item if kept else item.strip(TRIMMED))
        return True

    def _too_long(self) -> DeliveryError:
        return over_limit("een gedeelde tekst van de werkmap is te lang (tekens)",
                          MAX_ITEM_CHARACTERS, self.workbook.file)  # fmt: skip

    def _refused(self, reason: str) -> DeliveryError:
        return DeliveryError(
            EditCode.S01, f"de gedeelde teksten van de werkmap zijn niet te lezen ({reason}); sla "
            "het bestand in Excel opnieuw op als .xlsx en lever het opnieuw aan",
            file=self.workbook.file,
        )  # fmt: skip

    def _no_doctype(self, *_: Any) -> None:
        raise self._refused("een DOCTYPE of entiteit")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise self._refused("te diep geneste XML")
        local = _local(name)
        if local == "sst":
            self.table += 1
        elif not self.table:
            return
        elif not self.item_depth:
            if local == "si":
                self.item_depth, self.item, self.characters = self.depth, [], 0
        elif local == "rPh":
            self.phonetic += 1
        elif local == "t" and not self.phonetic and not self.text_depth:
            self.text_depth, self.texts = self.depth, []
            self.preserve = attributes.get("xml:space") == "preserve"

    def _end(self, name: str) -> None:
        if self.depth == self.text_depth:
            text = "".join(self.texts)
            self.item.append(text if self.preserve else text.strip(TRIMMED))
            self.text_depth = 0
        elif self.depth == self.item_depth:
            self._write("".join(self.item))
            self.item_depth = 0
        elif self.item_depth and _local(name) == "rPh":
            self.phonetic = max(0, self.phonetic - 1)
        elif _local(name) == "sst" and not self.item_depth:
            self.table = max(0, self.table - 1)
        self.depth -= 1

    def _text(self, data: str) -> None:
        if self.text_depth:
            self.texts.append(data)
            self.characters += len(data)
            if self.characters > MAX_ITEM_CHARACTERS:
                raise self._too_long()

    def _write(self, text: str) -> None:
        """One item, written anew (as bytes: a text with one emoji is 4 bytes a character in
        Python; spaces around it kept only where there are any); what holding it costs once
        read. The items and bytes of all parts together are held to the limits (a seventh review:
        ten parts of 5,000,000 items each took 6.9 GB)."""
        self.charges.append(held_bytes(text))
        size = len(self.written)
        if not text:
            self.written += EMPTY_ITEM
        else:
            kept = text[0] in TRIMMED or text[-1] in TRIMMED
            self.written += KEPT_START if kept else ITEM_START
            self.written += _escaped(text).encode("utf-8")
            self.written += ITEM_END
        workbook = self.workbook
        workbook.string_items += 1
        workbook.string_bytes += len(self.written) - size
        if workbook.string_items > MAX_CELLS:
            raise over_limit("de gedeelde teksten van de werkmap zijn te veel", MAX_CELLS,
                             workbook.file, workbook.string_items)  # fmt: skip
        if workbook.string_bytes > MAX_UNZIPPED_BYTES:
            raise over_limit("de gedeelde teksten van de werkmap zijn te groot (bytes)",
                             MAX_UNZIPPED_BYTES, workbook.file)  # fmt: skip


def _merge(into: array.array[int], charges: array.array[int]) -> None:
    """Each position of `into` the dearest of the two (in time with the items of the part: a
    seventh review's 2,000 parts were merged position by position for each, 78 s)."""
    common = min(len(into), len(charges))
    if common:
        into[:common] = array.array("q", map(max, into[:common], charges[:common]))
    into.extend(charges[common:])


def _plain_text(body: bytes) -> bool:
    """Whether expat reads the text in `body` as it is, the five entities resolved (the head
    and tail of a plain part hold none of what it looks for)."""
    if len(body.translate(None, CONTROL)) != len(body) or any(b in body for b in NOT_ALLOWED):
        return False
    return body.count(b"&") == sum(body.count(entity) for entity in PREDEFINED)


def _escaped(text: str) -> str:
    """The text as XML holds it: markup escaped, a carriage return as a reference (a reader
    would make it a line feed)."""
    for character, reference in ESCAPES:
        if character in text:
            text = text.replace(character, reference)
    return text
