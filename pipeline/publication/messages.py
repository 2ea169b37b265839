"""The key messages (kernboodschappen) at the top of the report, in Dutch.

Only complete, unsuppressed figures make a message: a national year figure whose coverage is
at or above the floor (`volledig`) and whose every number used has the status `gepubliceerd`.
A change on the previous year is only stated when that year was complete too. When there are
fewer than three such messages, the report says plainly which figures are not complete yet.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.publication.charts import find_table
from pipeline.publication.published import Publication, PublishedTable
from pipeline.publication.report_tables import cell_status, is_true
from pipeline.publication.text import (
    code_label,
    format_number,
    share_text,
)
from schemas.vocabulary import PUBLISHED

MAX_MESSAGES, MIN_MESSAGES = 6, 3


def _shown(table: PublishedTable, row: dict[str, Any], column: str) -> bool:
    value = row.get(column)
    present = value is not None and not bool(pd.isna(value))
    return present and cell_status(table, row, column) == PUBLISHED


def _complete_years(table: PublishedTable) -> dict[str, list[dict[str, Any]]]:
    """Per beroepsgroep its complete national year rows with published incidents, newest first."""
    frame = table.frame
    years = frame[(frame["niveau"] == "nationaal") & (frame["periodetype"] == "jaar")]
    rows = years.astype(object).where(years.notna(), None).to_dict("records")
    out: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: str(r["periode"]), reverse=True):
        if is_true(row.get("volledig")) and _shown(table, row, "incidenten"):
            out.setdefault(str(row["beroepsgroep"]), []).append(row)
    return out


def count_message(table: PublishedTable, rows: list[dict[str, Any]]) -> str:
    """'Boa's: 1.234 incidenten in 2025, 5,2% meer dan in 2024 (12,3 per 1.000 fte; ...)'."""
    row = rows[0]
    label, year = code_label("beroepsgroep", row["beroepsgroep"]), str(row["periode"])
    text = f"{label}: {format_number(row['incidenten'])} incidenten in {year}"
    previous = next((r for r in rows if str(r["periode"]) == str(int(year) - 1)), None)
    change = "verandering_vorige_periode_pct"
    if previous is not None and _shown(table, row, change):
        pct = float(row[change])
        word = "meer" if pct > 0 else "minder"
        text += (
            f", {format_number(abs(pct), 1, True)} {word} dan in {int(year) - 1}"
            if pct
            else f", evenveel als in {int(year) - 1}"
        )
    details = []
    if _shown(table, row, "per_1000_fte"):
        details.append(f"{format_number(row['per_1000_fte'], 1)} per 1.000 fte")
    if row.get("fte_pct") is not None and not pd.isna(row["fte_pct"]):
        details.append(f"dekking {format_number(row['fte_pct'], 1, True)} van de fte")
    elif row.get("organisaties_pct") is not None and not pd.isna(row["organisaties_pct"]):
        details.append(
            f"dekking {format_number(row['organisaties_pct'], 1, True)} van de organisaties"
        )
    if row.get("cijferstatus") == "voorlopig":
        details.append("voorlopig cijfer")
    return text + (f" ({'; '.join(details)})." if details else ".")


def aangifte_message(table: PublishedTable, row: dict[str, Any]) -> str | None:
    """'Boa's: bij 31,5% van de incidenten is aangifte gedaan (2025); 80,0% met VPT-markering.'"""
    if not _shown(table, row, "aangifte_pct"):
        return None
    label = code_label("beroepsgroep", row["beroepsgroep"])
    text = (f"{label}: bij {format_number(row['aangifte_pct'], 1, True)} van de incidenten "
            f"(waarvan het bekend is) is aangifte gedaan in {row['periode']}")  # fmt: skip
    if _shown(table, row, "vpt_pct"):
        text += f"; {format_number(row['vpt_pct'], 1, True)} van de aangiftes had een VPT-markering"
    return text + "."


def key_messages(publication: Publication) -> list[str]:
    """Three to six key messages in Dutch, from complete and unsuppressed figures only."""
    table = find_table(publication, "indicatoren")
    complete = _complete_years(table) if table is not None else {}
    messages = [count_message(table, rows) for rows in complete.values()] if table else []
    for rows in complete.values():
        found = aangifte_message(table, rows[0]) if table else None
        if found:
            messages.append(found)
    floor = share_text(publication.coverage_floor)
    if len(messages) < MIN_MESSAGES:
        messages.append(
            f"Voor de beroepsgroepen en jaren die hier niet staan, is er nog geen volledig "
            f"landelijk cijfer: de organisaties die leverden vertegenwoordigen minder dan {floor} "
            "van de fte. Zulke cijfers staan in de tabellen als ondergrens, gemarkeerd met *."
        )
    if len(messages) < MIN_MESSAGES:
        messages.append(
            f"Een aantal van 1 tot en met {publication.k - 1} wordt niet getoond (x), zodat geen "
            "hulpverlener herkenbaar wordt."
        )
    if len(messages) < MIN_MESSAGES:
        messages.append("Cijfers van een kwartaal blijven voorlopig tot de termijn voor leveren "
                        "verstreken is en alle verwachte organisaties geleverd hebben.")  # fmt: skip
    return messages[:MAX_MESSAGES]
