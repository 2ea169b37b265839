"""What became of deliveries: the portal's receipts joined with the published ledger.

Reads the published warehouse read-only (`open_published`), so it never blocks the nightly run;
before the first run there is no warehouse and every delivery is simply `ontvangen`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.warehouse.store import open_published
from portal.state import Receipt
from schemas.errors import PipelineError

log = logging.getLogger(__name__)
STATUS_NL = {"loaded": "verwerkt", "rejected": "afgekeurd", "superseded": "vervangen"}
FEEDBACK_SUFFIXES = (".xlsx", ".html", ".csv")


def _query(warehouse: Path, sql: str, params: list[Any]) -> pd.DataFrame | None:
    """A read-only query on the published warehouse; None when there is none yet."""
    try:
        with open_published(warehouse) as wh:
            return wh.query(sql, params)
    except PipelineError:
        return None
    except Exception as exc:  # a warehouse being swapped in, an old schema: show ontvangen
        log.warning("warehouse not readable for the portal: %s", exc)
        return None


def ledger_rows(warehouse: Path, organisatiecode: str | None) -> pd.DataFrame:
    """The ledger of one organisation (all when None), as the nightly run recorded it."""
    where = "WHERE organisatiecode = ? OR organisatiecode_bron = ?" if organisatiecode else ""
    params = [organisatiecode, organisatiecode] if organisatiecode else []
    frame = _query(warehouse, "SELECT delivery_id, organisatiecode, organisatiecode_bron, periode, "
                   "bronbestand, sha256, status, geen_incidenten, received_at, rows_in, rows_loaded, "
                   f"rows_rejected, rows_warned FROM ops.delivery {where} ORDER BY delivery_id", params)  # fmt: skip
    return frame if frame is not None else pd.DataFrame()


def deliveries(
    warehouse: Path, organisatiecode: str, receipts: list[Receipt]
) -> list[dict[str, Any]]:
    """Every delivery of the organisation: portal receipts first, then other ledger entries."""
    ledger = ledger_rows(warehouse, organisatiecode)
    by_sha = {row["sha256"]: row for row in ledger.to_dict(orient="records")} if len(ledger) else {}
    rows = []
    for receipt in receipts:
        entry = by_sha.pop(receipt.sha256, None)
        rows.append(_row(receipt.as_dict(), entry))
    for entry in by_sha.values():
        rows.append(_row({"bestandsnaam": entry["bronbestand"], "sha256": entry["sha256"],
                          "ontvangen_op": str(entry["received_at"]), "periode": entry["periode"],
                          "soort": "nullevering" if entry["geen_incidenten"] else "levering",
                          "ontvangstbewijs": None}, entry))  # fmt: skip
    return rows


def _row(base: dict[str, Any], entry: dict[str, Any] | None) -> dict[str, Any]:
    """One delivery with its status and counts (None before the nightly run)."""
    counts = ("rows_in", "rows_loaded", "rows_rejected", "rows_warned")
    if entry is None:
        return {**base, "status": "ontvangen", "levering": None, **dict.fromkeys(counts)}
    return {**base, "status": STATUS_NL.get(entry["status"], entry["status"]),
            "levering": int(entry["delivery_id"]), "periode": entry["periode"] or base.get("periode"),
            **{c: int(entry[c]) for c in counts}}  # fmt: skip


def informatiepositie(warehouse: Path, periode: str | None) -> pd.DataFrame | None:
    """mart.levering (who delivered what, late, missing), for one period or all."""
    where, params = ("WHERE periode = ?", [periode]) if periode else ("", [])
    return _query(warehouse, "SELECT organisatiecode, naam, beroepsgroep, periode, status, "
                  "ontvangen_op, uiterste_leverdatum, te_laat, dagen_te_laat, afgekeurde_leveringen "
                  f"FROM mart.levering {where} ORDER BY periode DESC, status, organisatiecode", params)  # fmt: skip


def delivered_periods(warehouse: Path, organisatiecode: str) -> set[str]:
    """The periods for which the organisation has a usable delivery in the ledger."""
    ledger = ledger_rows(warehouse, organisatiecode)
    if ledger.empty:
        return set()
    return set(ledger.loc[ledger["status"] == "loaded", "periode"].dropna())


def feedback_files(feedback_root: Path, organisatiecode: str) -> list[Path]:
    """The nightly feedback files of one organisation, newest first."""
    folder = feedback_root / organisatiecode
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix in FEEDBACK_SUFFIXES]
    return sorted(files, key=lambda p: p.name, reverse=True)
