"""Periods as employers write them in file names and metadata: one quarter in many spellings."""

from __future__ import annotations

import re

# A period written in a file name that no profile pattern knows (DESIGN §4): 2025Q1, 2025-Q1,
# Q1-2025, 2025 kw1, K1 2025, 1e kwartaal 2025, kwartaal 1 2025, jan-mrt 2025, 202501-202503.
_SEP = r"[\s_.-]*"
_QUARTER = r"(?:q|k|kw|kwartaal)"
_ORDINAL = r"(?:e|ste|de)?"
_MONTHS = r"[a-z]+"
PERIOD_FORMS = tuple(
    re.compile(rf"(?<![a-z0-9]){form}(?![a-z0-9])", re.I)
    for form in (
        rf"(?P<jaar>20\d{{2}}){_SEP}{_QUARTER}{_SEP}(?P<kwartaal>[1-4])",
        rf"{_QUARTER}{_SEP}(?P<kwartaal>[1-4]){_SEP}(?P<jaar>20\d{{2}})",
        rf"(?P<kwartaal>[1-4]){_ORDINAL}{_SEP}kwartaal{_SEP}(?P<jaar>20\d{{2}})",
        rf"(?P<van>{_MONTHS}){_SEP}(?:t\s*m|tot|[-_]){_SEP}(?P<tot>{_MONTHS}){_SEP}(?P<jaar>20\d{{2}})",
        r"(?P<jaar>20\d{2})(?P<m1>0[1-9]|1[0-2])[\s_-]+(?P=jaar)(?P<m2>0[1-9]|1[0-2])",
    )
)
MONTHS = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "mrt": 3, "maart": 3, "apr": 4, "april": 4,
    "mei": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augustus": 8, "sep": 9,
    "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip


def period_in_text(text: str) -> tuple[int, int] | None:
    """(jaar, kwartaal) written in a text in any of the PERIOD_FORMS; None when there is none."""
    for form in PERIOD_FORMS:
        for match in form.finditer(text):
            found = _quarter(match.groupdict())
            if found is not None:
                return found
    return None


def _quarter(groups: dict[str, str | None]) -> tuple[int, int] | None:
    """A match's quarter; a month range must span exactly one quarter (jan-mrt, 202504-202506)."""
    jaar = int(str(groups["jaar"]))
    if groups.get("kwartaal"):
        return jaar, int(str(groups["kwartaal"]))
    if groups.get("van"):
        first, last = MONTHS.get(str(groups["van"]).lower()), MONTHS.get(str(groups["tot"]).lower())
    else:
        first, last = int(str(groups["m1"])), int(str(groups["m2"]))
    if first is None or last is None or first % 3 != 1 or last != first + 2:
        return None
    return jaar, (first + 2) // 3


def without_period(text: str) -> str:
    """The text with every period it writes replaced by a space (for naming a profile)."""
    for form in PERIOD_FORMS:
        text = form.sub(lambda m: " " if _quarter(m.groupdict()) else m.group(0), text)
    return text
