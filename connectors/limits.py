"""Bounds on what a delivery may hold, checked before or while reading (DESIGN §11).

Every reader refuses a file that crosses one of these with an S01 that names the limit, so
memory stays proportional to the real content and no file can stop the night. The file-size
limit is a setting (`MONITOR_MAX_FILE_BYTES`); the time and memory of a whole delivery are
capped by its worker process (`pipeline/night/isolation.py`).
"""

from __future__ import annotations

from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError

MAX_ROWS = 100_000  # data rows in one delivery (politie registers ~12,500 incidents a year)
MAX_COLUMNS = 1_000  # columns of a table (a header, a CSV record, JSON keys, an HTML row)
MAX_CELLS = 5_000_000  # cells of one sheet (rows × columns it spans) or of one HTML file
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # xlsx/ods: declared AND actually decompressed bytes
MAX_COMPRESSION_RATIO = 200  # xlsx/ods: unzipped bytes per packed byte
MAX_ZIP_MEMBERS = 10_000  # xlsx/ods: parts of the package (a workbook has tens, a few hundred)
MAX_JSON_DEPTH = 20  # nesting of one JSON-lines record
MAX_HTML_SPAN = 100  # colspan/rowspan of an HTML table cell


def dutch_number(value: int) -> str:
    """A count as the Dutch write it: 1.000.000."""
    return f"{value:,}".replace(",", ".")


def over_limit(what: str, limit: int, file: str, found: int | None = None) -> DeliveryError:
    """The S01 for a delivery beyond a limit, in Dutch: '<what>: meer dan N; de grens is N'."""
    amount = dutch_number(found) if found is not None else f"meer dan {dutch_number(limit)}"
    return DeliveryError(
        EditCode.S01,
        f"{what}: {amount}; de grens is {dutch_number(limit)}. "
        "Lever het bestand in delen of zonder lege opmaak opnieuw aan",
        file=file,
    )
