"""Spreadsheet escaping shared by every file people open in Excel (feedback, report downloads).

A cell that starts like a formula gets a leading apostrophe, and XlsxWriter is told never to turn
a string into a formula, link or number, whatever method writes it. HTML is escaped where it is
written, with `html.escape`.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# never turn a string into a formula, link or number, whatever XlsxWriter method writes it
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False}  # fmt: skip


def escape_cell(value: Any) -> Any:
    """A value safe for a spreadsheet: text that looks like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
