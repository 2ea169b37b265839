"""Reading JSON-lines deliveries: one incident object per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from connectors.base import RawTable, cell_text, frame_from_rows
from schemas.errors import DeliveryError

LIST_SEPARATOR = "|"


def json_cell(value: Any) -> str | None:
    """A JSON value as text: lists joined by `|`, booleans true/false, null as None."""
    if isinstance(value, list):
        items = [t for t in (cell_text(v) for v in value) if t is not None]
        return LIST_SEPARATOR.join(items) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return cell_text(value)


def read_jsonl(path: Path) -> RawTable:
    """Read a JSON-lines file; a line that is not a JSON object makes the file unreadable."""
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (UnicodeDecodeError, OSError) as exc:
        raise DeliveryError("S01", f"niet te lezen als UTF-8 ({exc})", file=path.name) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DeliveryError("S01", f"regel {number}: geen geldige JSON ({exc.msg})",
                                file=path.name) from exc  # fmt: skip
        if not isinstance(record, dict):
            raise DeliveryError("S01", f"regel {number}: geen JSON-object", file=path.name)
        records.append(record)
        numbers.append(number)
    header = list(dict.fromkeys(k for r in records for k in r))
    rows = [[json_cell(r.get(k)) for k in header] for r in records]
    return RawTable(cells=frame_from_rows(header, rows, numbers), file=path.name)
