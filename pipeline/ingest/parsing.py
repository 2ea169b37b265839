"""Values as Dutch deliveries write them: dates, times and whole numbers, vectorised.

Every form a delivery may use (DESIGN: "dates as Excel serials, datetimes and Dutch text") is
read day-first; what no form reads stays invalid, never guessed. Used by `pipeline/ingest/harmonise.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

INTEGER_MAXIMUM = 2**31 - 1  # the warehouse stores INTEGER
# A grouped number like 1.000 or 2,500 is a thousands separator to some and a decimal to others.
AMBIGUOUS_NUMBER = r"[+-]?\d{1,3}(?:[.,]\d{3})+"

# Dutch forms every delivery may use for dates and times, read day-first (DESIGN: "dates as Excel
# serials, datetimes and Dutch text"). A profile's own formats are tried before these.
MONTH_NUMBERS = {
    "jan": "1", "januari": "1", "feb": "2", "februari": "2", "mrt": "3", "maart": "3",
    "apr": "4", "april": "4", "mei": "5", "jun": "6", "juni": "6", "jul": "7", "juli": "7",
    "aug": "8", "augustus": "8", "sep": "9", "sept": "9", "september": "9",
    "okt": "10", "oktober": "10", "nov": "11", "november": "11", "dec": "12", "december": "12",
}  # fmt: skip
_CLOCK = r"(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d)?"
_WITH_CLOCK = rf"(?:[ t]{_CLOCK})?"  # a datetime's time of day, checked and then left out
NUMERIC_DATE = rf"(?P<d>\d{{1,2}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}){_WITH_CLOCK}"
NAMED_DATE = rf"(?P<d>\d{{1,2}})[\s-]+(?P<name>[a-z]+)\.?[\s-]+(?P<y>\d{{4}}){_WITH_CLOCK}"
ISO_DATE = rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_WITH_CLOCK}"
DUTCH_TIME = r"(?P<h>[01]?\d|2[0-3])[:.](?P<min>[0-5]\d)(?:[:.](?P<s>[0-5]\d))?(?:\s*uur)?"
EXCEL_SERIAL = r"\d{5}(?:[.,]\d+)?"
EXCEL_SERIAL_RANGE = (30000, 80000)  # 1982-02-18 to 2119-01-11
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def parse_dates(
    values: pd.Series, formats: tuple[str, ...], *, times: bool = False, dutch: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Parse dates (or times) by trying each format; returns (values, invalid mask).

    With `dutch`, cells no format reads are tried as Dutch text as well: day-first dates
    (`3-2-2025`, `03/02/2025`, `3.2.2025`, `3 feb 2025`, `3 mrt. 2025`), datetimes, Excel
    serial numbers, and times like `14.35` or `14:35 uur`. Impossible dates stay invalid.
    """
    parsed = pd.Series(None, index=values.index, dtype=object)
    for fmt in formats:
        todo = parsed.isna() & values.notna()
        if not todo.any():
            break
        parsed[todo] = _parse_format(values[todo], fmt, times)
    todo = parsed.isna() & values.notna()
    if dutch and todo.any():
        text = values[todo].astype(str).str.strip().str.lower()
        parsed[todo] = _parse_dutch_times(text) if times else _parse_dutch_dates(text)
    return parsed.where(parsed.notna(), None), values.notna() & parsed.isna()


def _parse_dutch_dates(text: pd.Series) -> pd.Series:
    """Dutch day-first dates, month names, ISO datetimes and Excel serials (None otherwise)."""
    numeric = text.str.extract(rf"^{NUMERIC_DATE}$")
    named = text.str.extract(rf"^{NAMED_DATE}$")
    named["m"] = named["name"].map(MONTH_NUMBERS)
    iso_parts = text.str.extract(rf"^{ISO_DATE}$")
    parts = numeric[["y", "m", "d"]].combine_first(named[["y", "m", "d"]])
    parts = parts.combine_first(iso_parts[["y", "m", "d"]]).astype(object)
    iso = parts["y"] + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2)
    dates = pd.Series(None, index=text.index, dtype=object)
    found = iso.notna()
    if found.any():
        dates[found] = _parse_format(iso[found], "%Y-%m-%d", times=False)
    return dates.where(dates.notna(), _excel_serials(text))


def _excel_serials(text: pd.Series) -> pd.Series:
    """Excel serial day numbers (the date part of a serial datetime) as dates, None otherwise."""
    serial = text.where(text.str.fullmatch(EXCEL_SERIAL).fillna(False).astype(bool))
    number = pd.to_numeric(serial.str.replace(",", ".", regex=False), errors="coerce")
    low, high = EXCEL_SERIAL_RANGE
    ok = number.between(low, high)
    days = pd.to_timedelta(number.where(ok) // 1, unit="D")
    return (EXCEL_EPOCH + days).dt.date.astype(object).where(ok, None)


def _parse_dutch_times(text: pd.Series) -> pd.Series:
    """Times written `14:35`, `14.35`, `14.35.10` or `14.35 uur` (None otherwise)."""
    parts = text.str.extract(rf"^{DUTCH_TIME}$").astype(object)
    clock = parts["h"].str.zfill(2) + ":" + parts["min"] + ":" + parts["s"].fillna("00")
    times = pd.Series(None, index=text.index, dtype=object)
    found = clock.notna()
    if found.any():
        times[found] = _parse_format(clock[found], "%H:%M:%S", times=True)
    return times


def _parse_format(values: pd.Series, fmt: str, times: bool) -> pd.Series:
    """Parse with one format, vectorised; dates beyond pandas' range (year 1677–2262) one by one."""
    try:
        stamps = pd.to_datetime(values, format=fmt, errors="coerce")
    except (OverflowError, ValueError):  # OutOfBoundsDatetime: a year like 0225 or 9999
        return values.map(lambda v: _strptime(v, fmt, times))
    result = stamps.dt.time if times else stamps.dt.date
    return result.astype(object).where(stamps.notna(), None)


def _strptime(value: str, fmt: str, times: bool) -> dt.date | dt.time | None:
    """One value, parsed by the standard library (no range limit but year 1–9999)."""
    try:
        parsed = dt.datetime.strptime(value, fmt)
    except ValueError:
        return None
    return parsed.time() if times else parsed.date()


def parse_integers(values: pd.Series, minimum: int) -> tuple[pd.Series, pd.Series]:
    """Whole numbers from minimum up to INTEGER_MAXIMUM; returns (Int64 values, invalid mask).

    `2`, ` 2 `, `2.0` and `2,0` read as 2; `2,5`, words and grouped numbers like `1.000` (a
    thousand, or one?) are invalid.
    """
    text = values.astype(object).where(values.isna(), values.astype(str).str.strip())
    ambiguous = text.str.fullmatch(AMBIGUOUS_NUMBER).fillna(False).astype(bool)
    text = text.str.replace(r"^([+-]?\d+),(\d+)$", r"\1.\2", regex=True)
    numbers = pd.to_numeric(text.where(~ambiguous), errors="coerce")
    ok = numbers.notna() & (numbers % 1 == 0) & (numbers >= minimum) & (numbers <= INTEGER_MAXIMUM)
    return numbers.where(ok).astype("Int64"), values.notna() & ~ok


def on_distinct(
    values: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, ...]]
) -> tuple[pd.Series, ...]:
    """Run an element-wise `parse` once per distinct text and spread its results back.

    A large delivery repeats itself: 100,000 cells hold a few hundred distinct dates, codes or
    numbers. Only for text cells (the readers give text), where equal means the same; every
    result of `parse` must be a Series aligned with its input.
    """
    positions, distinct = pd.factorize(values, use_na_sentinel=True)
    if 2 * len(distinct) >= len(values) or not all(isinstance(v, str) for v in distinct):
        return parse(values)
    results = parse(pd.Series([*distinct, None], dtype=object))  # the last slot: a missing cell
    positions = np.where(positions < 0, len(distinct), positions)
    return tuple(result.iloc[positions].set_axis(values.index) for result in results)
