"""Sync one API source: read its cursor, pull what changed, process it, load it with the cursor.

The pull goes through the same harmonise/validate/batch path as a file: `process_pull` builds a
synthetic `InboxFile` (path `api/<source>/<source>_<pull time>.json`, folder = organisatiecode,
sha256 of the pulled records' canonical JSON) and calls `resolve_meta` and `map_and_check` of
`pipeline.ingest.process`, so the profile's mapping, edits and batch checks are not repeated here.

Periods: a pull carries changes, not a quarter. The ledger row gets the quarter of the pull date
(the period organisation and FTE are resolved for); each incident gets the quarter of its own
incident date, so the marts count it where it happened. W04 (incident date outside the delivery
period) does not apply to a pull and is dropped.

A pull with no changes loads nothing: no ledger row, the cursor stays. A pull whose records are
already in the ledger (same sha256) is a no-op too, as the same file twice is.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from connectors import InboxFile
from connectors.api import ApiPull, fetch_changes
from connectors.sources import SourceConfig
from pipeline.ingest.harmonise import missing_columns
from pipeline.ingest.meta import resolve_meta
from pipeline.ingest.process import (
    ProcessedDelivery,
    ProcessingInputs,
    map_and_check,
    rejected_delivery,
)
from pipeline.warehouse.ledger import FteRow, LedgerEntry
from pipeline.warehouse.store import Warehouse
from schemas.edit_codes import EditCode
from schemas.edits import Severity
from schemas.errors import ConfigurationError, DeliveryError, ProfileError
from schemas.fields import FieldName
from schemas.incident import Periode

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    """What one sync of an API source did."""

    source_id: str
    status: str  # loaded, rejected, unchanged (nothing new), known (already in the ledger)
    cursor_before: str | None
    cursor_after: str | None
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    delivery_id: int | None = None
    reason: str | None = None


def token_from_env(config: SourceConfig) -> str:
    """The bearer token of a source, from the environment variable its config names."""
    token = os.environ.get(config.token_env, "").strip()
    if not token:
        raise ConfigurationError(f"API source {config.id}: {config.token_env} is not set")
    return token


def sync_source(
    warehouse: Warehouse, config: SourceConfig, inputs: ProcessingInputs, run_id: int, token: str
) -> SyncResult:
    """Pull the changes since the stored cursor and load them with the new cursor, atomically."""
    since = warehouse.api_cursor(config.id)
    pull = fetch_changes(config, since, token)
    if not pull.records:
        log.info("%s: geen nieuwe of gewijzigde incidenten sinds %s", config.id, since)
        return SyncResult(config.id, "unchanged", since, since)
    if pull.sha256 in warehouse.known_hashes():
        log.info("%s: deze wijzigingen staan al in het grootboek", config.id)
        return SyncResult(config.id, "known", since, since)
    processed = process_pull(pull, config, inputs)
    delivery_id, status = warehouse.load_api_pull(
        config.id, pull.cursor, ledger_entry(processed), processed.incidents,
        processed.edits, processed.dq, _fte(processed), run_id,
    )  # fmt: skip
    failure = processed.failure
    return SyncResult(config.id, status, since, pull.cursor if status == "loaded" else since,
                      processed.rows_in, processed.rows_loaded, processed.rows_rejected,
                      delivery_id, f"{failure.code} {failure.message}" if failure else None)  # fmt: skip


def process_pull(
    pull: ApiPull, config: SourceConfig, inputs: ProcessingInputs
) -> ProcessedDelivery:
    """Harmonise, validate and batch-check a pull with its source's mapping profile."""
    profile = next((p for p in inputs.profiles if p.id == config.profile), None)
    if profile is None:
        raise ProfileError(f"API source {config.id}: no mapping profile {config.profile!r}")
    stamp = pull.pulled_at.strftime("%Y%m%dT%H%M%SZ")
    name = f"{config.id}_{stamp}.json"
    file = InboxFile(Path("api") / config.id / name, config.organisatiecode, pull.sha256,
                     pull.pulled_at, len(pull.canonical))  # fmt: skip
    periode = quarter(pull.pulled_at.date())
    groups = {"org": config.organisatiecode, "jaar": str(periode.jaar),
              "kwartaal": str(periode.kwartaal)}  # fmt: skip
    raw = replace(pull.table, file=name,
                  metadata={"organisatiecode": config.organisatiecode, "periode": periode.code})  # fmt: skip
    try:
        meta = resolve_meta(file, raw, profile, groups, inputs)
        missing = missing_columns(raw.cells, profile)
        if missing:
            raise DeliveryError(EditCode.S03, f"velden ontbreken: {', '.join(missing)}", file=name)
    except DeliveryError as failure:
        return rejected_delivery(file, profile, failure)
    return periods_per_incident(map_and_check(file, profile, raw, meta, inputs))


def periods_per_incident(processed: ProcessedDelivery) -> ProcessedDelivery:
    """Each incident in the quarter of its incident date; W04 dropped (a pull has no period)."""
    incidents = processed.incidents
    if len(incidents):
        dates = pd.to_datetime(incidents[FieldName.INCIDENTDATUM.value])
        periode = dates.dt.year.astype(str) + "Q" + dates.dt.quarter.astype(str)
        incidents = incidents.assign(periode=periode.to_numpy())
    edits = processed.edits[processed.edits["code"] != EditCode.W04].reset_index(drop=True)
    warned = edits.loc[edits["severity"] == Severity.WARNING.value, "rij"].nunique()
    return replace(processed, incidents=incidents, edits=edits, rows_warned=int(warned))


def quarter(day: dt.date) -> Periode:
    """The quarter a date falls in."""
    return Periode(jaar=day.year, kwartaal=(day.month - 1) // 3 + 1)


def ledger_entry(processed: ProcessedDelivery) -> LedgerEntry:
    """The ledger row of a processed pull: never a nil return, never provisional (a pull adds
    incidents to the quarters of their own dates; it does not stand for a quarter)."""
    return replace(processed.ledger_entry(), geen_incidenten=False, voorlopig=False)


def _fte(processed: ProcessedDelivery) -> tuple[FteRow, ...]:
    """The FTE rows of a pull (none when it was rejected as a whole)."""
    return () if processed.meta is None else processed.meta.fte
