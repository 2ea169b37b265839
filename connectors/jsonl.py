"""Reading JSON-lines deliveries: one incident object per line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from connectors.base import RawTable, cell_text, frame_from_rows
from connectors.limits import MAX_COLUMNS, MAX_JSON_DEPTH, MAX_ROWS, over_limit
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError

LIST_SEPARATOR = "|"
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def json_cell(value: Any) -> str | None:
    """A JSON value as text: lists joined by `|`, booleans true/false, null as None."""
    if type(value) is str:  # most cells: as `cell_text` reads a text, without its type tests
        return value.strip() or None
    if isinstance(value, list):
        items = [t for t in (cell_text(v) for v in value) if t is not None]
        return LIST_SEPARATOR.join(items) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return cell_text(value)


def parse_record(line: str, number: int, file: str) -> dict[str, Any]:
    """One line as a JSON object; too deep, invalid or not an object is S01."""
    if json_depth(line) > MAX_JSON_DEPTH:
        raise over_limit(f"regel {number} is te diep genest", MAX_JSON_DEPTH, file)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DeliveryError(EditCode.S01, f"regel {number}: geen geldige JSON ({exc.msg})",
                            file=file) from exc  # fmt: skip
    except RecursionError as exc:  # nesting the depth scan did not see (it should not happen)
        raise over_limit(f"regel {number} is te diep genest", MAX_JSON_DEPTH, file) from exc
    if not isinstance(record, dict):
        raise DeliveryError(EditCode.S01, f"regel {number}: geen JSON-object", file=file)
    return record


def json_depth(line: str) -> int:
    """How deep a JSON text nests, counted on its brackets outside strings, before parsing.

    An upper bound when the line opens few brackets; stops counting just past MAX_JSON_DEPTH:
    the caller only needs to know whether it is too deep.
    """
    opened = line.count("[") + line.count("{")
    if opened <= MAX_JSON_DEPTH:
        return opened  # no deeper than the brackets it opens: no need to count exactly
    depth = 0
    for bracket in _BRACKET.findall(_JSON_STRING.sub("", line)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return depth
    return depth


def _decoded(raw: bytes, number: int, file: str) -> str:
    """One line as text (UTF-8, a byte-order mark on the first); S01 naming the line if not."""
    try:
        return raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise DeliveryError(
            EditCode.S01,
            f"regel {number}: teken (byte 0x{raw[exc.start]:02x}) is geen geldige UTF-8-tekst; "
            "sla het bestand op met tekencodering UTF-8 en lever het opnieuw aan",
            file=file,
        ) from exc


def read_jsonl(path: Path) -> RawTable:
    """Read a JSON-lines file; a line that is not a JSON object makes the file unreadable.

    The file is streamed, never held whole: first its lines are counted (a file with more
    records than MAX_ROWS is refused before one is parsed), then decoded and parsed one at a
    time. Records end at a newline (`\n`, with or without `\r`), as JSON lines are written.
    """
    try:
        with path.open("rb") as handle:
            lines = sum(1 for line in handle if line.strip())
    except OSError as exc:
        raise DeliveryError(EditCode.S01, f"niet te lezen ({exc})", file=path.name) from exc
    if lines > MAX_ROWS:
        raise over_limit("het bestand heeft te veel records", MAX_ROWS, path.name, lines)
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                line = _decoded(raw, number, path.name)
                if not line.strip():  # blank, or a byte-order mark alone
                    continue
                if len(records) >= MAX_ROWS:  # the file grew since it was counted
                    raise over_limit("het bestand heeft te veel records", MAX_ROWS, path.name)
                records.append(parse_record(line, number, path.name))
                numbers.append(number)
    except OSError as exc:
        raise DeliveryError(EditCode.S01, f"niet te lezen ({exc})", file=path.name) from exc
    header = list(dict.fromkeys(k for r in records for k in r))
    if len(header) > MAX_COLUMNS:
        raise over_limit("te veel verschillende velden", MAX_COLUMNS, path.name, len(header))
    rows = [[json_cell(r.get(k)) for k in header] for r in records]
    return RawTable(cells=frame_from_rows(header, rows, numbers), file=path.name)
