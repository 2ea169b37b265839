"""Self-check of one file: everything the nightly flow does to it, without loading it.

When the published warehouse exists, the check knows the organisation's history: the volume check
(B03) compares with its earlier deliveries, and a file that would replace a loaded delivery of
the same period says so (`vervangt`). Punctuality is not scored: the file is not delivered yet.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors import InboxFile
from connectors.base import sha256_file
from connectors.profiles import load_profiles
from pipeline.employers.feedback import DeliveryOutcome, Feedback, build_feedback
from pipeline.employers.quality import delivery_quality
from pipeline.ingest.inputs import load_all_fte
from pipeline.ingest.process import ProcessedDelivery, ProcessingInputs, process_file
from pipeline.ingest.reference import load_reference
from pipeline.settings import Settings


@dataclass(frozen=True)
class Replaced:
    """The loaded delivery a checked file would replace (same organisation and period)."""

    delivery_id: int
    periode: str
    rows_loaded: int

    def as_json(self) -> dict[str, Any]:
        """The `vervangt` object of `monitor check --json`."""
        return {"delivery_id": self.delivery_id, "periode": self.periode,
                "rows_loaded": self.rows_loaded}  # fmt: skip

    def message_nl(self, rows_now: int) -> str:
        """The warning in the employer's words, with both counts."""
        return (f"Let op: dit bestand vervangt levering {self.delivery_id} voor {self.periode}, "
                f"waarvan {self.rows_loaded} incidenten zijn geladen. Na vervanging telt "
                f"{self.periode} {rows_now} incidenten. Lever alle incidenten van de periode "
                "opnieuw aan, niet alleen de nieuwe.")  # fmt: skip


@dataclass(frozen=True)
class WarehouseView:
    """What the self-check reads from the published warehouse (empty when there is none)."""

    history: dict[str, list[int]]
    loaded: dict[tuple[str, str], Replaced]  # (organisatiecode, periode) → loaded delivery


def read_warehouse(published: Path) -> WarehouseView:
    """History and loaded deliveries from the published warehouse, read-only."""
    if not published.exists():
        return WarehouseView({}, {})
    from pipeline.warehouse.store import open_published

    with open_published(published) as warehouse:
        history = warehouse.row_count_history()
        frame = warehouse.query(
            "SELECT delivery_id, organisatiecode, periode, rows_loaded FROM ops.delivery "
            "WHERE status = 'loaded' AND organisatiecode IS NOT NULL AND periode IS NOT NULL"
        )
    loaded = {(r.organisatiecode, r.periode): Replaced(int(r.delivery_id), r.periode,
                                                       int(r.rows_loaded))
              for r in frame.itertuples(index=False)}  # fmt: skip
    return WarehouseView(history, loaded)


def check_file(
    path: Path,
    organisatiecode: str,
    settings: Settings,
    today: dt.date,
    *,
    warehouse: WarehouseView | None = None,
) -> ProcessedDelivery:
    """Process a file as if it were delivered in the inbox folder of `organisatiecode`.

    `warehouse` defaults to what the published warehouse (settings.warehouse_path) holds.
    """
    view = warehouse if warehouse is not None else read_warehouse(settings.warehouse_path)
    stat = path.stat()
    file = InboxFile(path=path, folder=organisatiecode.upper(), sha256=sha256_file(path),
                     received_at=dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC), size=stat.st_size)  # fmt: skip
    inputs = ProcessingInputs(
        reference=load_reference(settings.reference_dir),
        profiles=load_profiles(),
        fte=load_all_fte(settings.fte_directory),
        pseudonym_key=secrets.token_bytes(32),  # nothing is stored: any key will do
        max_file_bytes=settings.max_file_bytes,
        today=today,
        history=view.history,
    )
    return process_file(file, inputs)


def replaced_delivery(processed: ProcessedDelivery, warehouse: WarehouseView) -> Replaced | None:
    """The loaded delivery this checked file would replace, if any."""
    meta = processed.meta
    if meta is None or processed.rejected:
        return None
    return warehouse.loaded.get((meta.organisatiecode, meta.periode.code))


def check_feedback(
    processed: ProcessedDelivery,
    settings: Settings,
    now: dt.datetime,
    *,
    vervangt: Replaced | None = None,
) -> Feedback:
    """The feedback the nightly run would give; punctuality is not scored (not delivered yet)."""
    quality = delivery_quality(processed, None, settings.delivery_deadline_days)
    names = load_reference(settings.reference_dir).organisation_names
    notes = (vervangt.message_nl(processed.rows_loaded),) if vervangt else ()
    outcome = DeliveryOutcome(None, "checked", now, quality)
    return build_feedback(processed, outcome, names, notes=notes)


def check_report(processed: ProcessedDelivery, vervangt: Replaced | None = None) -> dict[str, Any]:
    """The outcome as plain data (for `monitor check --json`); `vervangt` is null or an object."""
    edits = [
        {"code": e.code, "severity": e.severity, "row": None if e.rij is None or e.rij != e.rij else int(e.rij),
         "field": e.veld if isinstance(e.veld, str) else None, "message": e.bericht}
        for e in processed.edits.itertuples(index=False)
    ]  # fmt: skip
    meta = processed.meta
    return {
        "file": processed.file.path.name,
        "organisatiecode": meta.organisatiecode if meta else None,
        "organisatiecode_bron": meta.organisatiecode_bron if meta else processed.file.folder,
        "periode": meta.periode.code if meta else None,
        "profile": processed.profile.id if processed.profile else None,
        "readable": not processed.rejected,
        "rows_in": processed.rows_in,
        "rows_loaded": processed.rows_loaded,
        "rows_rejected": processed.rows_rejected,
        "rows_warned": processed.rows_warned,
        "vervangt": vervangt.as_json() if vervangt else None,
        "meldingen": [vervangt.message_nl(processed.rows_loaded)] if vervangt else [],
        "edits": edits,
    }
