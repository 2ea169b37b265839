"""Every publication kept, and what changed since the previous one (DESIGN §12).

After each report the published tables (Parquet) are kept under
`reports/publicaties/<jjjj-mm-ddTuummss>/` with `publicatie.json` (the publication moment), but
only when they differ from the last kept publication: a night without news adds nothing. The
next report compares its published national and regional incidents per quarter with the last
kept publication and says why a figure changed: a late delivery (the organisation's first for
that quarter) or a correction (a delivery that replaced an earlier one), received since then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd

from pipeline.publication.published import Publication, PublishedTable
from pipeline.warehouse.store import Warehouse
from schemas.vocabulary import PUBLISHED

MANIFEST = "publicatie.json"
KEYS = ["beroepsgroep", "niveau", "gebiedcode", "periode"]


def last_publication(root: Path) -> tuple[Path, dt.datetime] | None:
    """The folder and moment of the last kept publication, or None."""
    kept = sorted(p for p in root.glob("*/" + MANIFEST)) if root.is_dir() else []
    if not kept:
        return None
    moment = dt.datetime.fromisoformat(json.loads(kept[-1].read_text())["gepubliceerd_op"])
    return kept[-1].parent, moment


def keep_publication(root: Path, parquet_dir: Path, moment: dt.datetime) -> Path | None:
    """Copy the published tables with their publication moment, unless nothing changed."""
    digest = _digest(parquet_dir)
    previous = last_publication(root)
    if previous is not None and _digest(previous[0] / "parquet") == digest:
        return None
    folder = root / moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H%M%S")
    shutil.copytree(parquet_dir, folder / "parquet", dirs_exist_ok=True)
    manifest = {"gepubliceerd_op": moment.isoformat(), "inhoud_sha256": digest}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return folder


def _digest(parquet_dir: Path) -> str:
    """A hash of the published values (not of Parquet's own metadata)."""
    sha = hashlib.sha256()
    for path in sorted(parquet_dir.glob("*.parquet")):
        frame = pd.read_parquet(path)
        sha.update(path.name.encode())
        sha.update(frame.astype(str).to_csv(index=False).encode())
    return sha.hexdigest()


def late_and_corrected(wh: Warehouse, since: dt.datetime) -> pd.DataFrame:
    """Per beroepsgroep and quarter: deliveries received since `since`, late or corrections."""
    return wh.query(
        "WITH d AS (SELECT d.*, o.beroepsgroep, count(*) OVER (PARTITION BY d.organisatiecode, "
        "d.periode ORDER BY d.delivery_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) "
        "AS eerdere FROM ops.delivery d JOIN ref.organisatie o USING (organisatiecode) "
        "WHERE d.status <> 'rejected') "
        "SELECT beroepsgroep, periode, count(*) FILTER (eerdere = 0) AS late_leveringen, "
        "count(*) FILTER (eerdere > 0) AS correcties FROM d WHERE received_at > ? GROUP BY ALL",
        [since],
    )


def revisions(previous: Path, current: PublishedTable, deliveries: pd.DataFrame) -> pd.DataFrame:
    """Quarterly incidents that changed since the previous publication, with the reason."""
    path = previous / "parquet" / f"{current.name}.parquet"
    columns = [*KEYS, "gebiednaam", "incidenten"]
    if not path.is_file():
        return pd.DataFrame(columns=[*columns, "vorige", "verschil", "reden"])
    old = _published_quarters(pd.read_parquet(path)).rename(columns={"incidenten": "vorige"})
    new = _published_quarters(current.frame)
    both = new.merge(old[[*KEYS, "vorige"]], on=KEYS)
    changed = both[both["incidenten"] != both["vorige"]].copy()
    changed["verschil"] = changed["incidenten"] - changed["vorige"]
    reasons = deliveries.assign(periode=deliveries["periode"].astype(str))
    changed = changed.merge(reasons, on=["beroepsgroep", "periode"], how="left")
    changed["reden"] = [_reason(late, corrected) for late, corrected in
                        zip(changed["late_leveringen"], changed["correcties"], strict=True)]  # fmt: skip
    keep = [*columns, "vorige", "verschil", "reden"]
    return changed[keep].sort_values(KEYS).reset_index(drop=True)


def _published_quarters(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[(frame["periodetype"] == "kwartaal") & (frame["incidenten_status"] == PUBLISHED)]
    rows = rows[[*KEYS, "gebiednaam", "incidenten"]].astype({"gebiedcode": str, "periode": str})
    return rows.astype({"incidenten": "int64"})


def _reason(late: float, corrected: float) -> str:
    """'2 late leveringen, 1 correctie' (received since the previous publication)."""
    parts = []
    if late and not pd.isna(late):
        parts.append(f"{int(late)} late levering{'en' if late > 1 else ''}")
    if corrected and not pd.isna(corrected):
        parts.append(f"{int(corrected)} correctie{'s' if corrected > 1 else ''}")
    return ", ".join(parts) if parts else "herberekening (geen nieuwe levering)"


def indicator_table(publication: Publication) -> PublishedTable | None:
    """The published indicators table, the one revisions are shown for."""
    return next((t for t in publication.tables if t.name == "indicatoren"), None)
