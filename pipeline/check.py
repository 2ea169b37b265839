"""Self-check of one file: everything the nightly flow does to it, without loading it."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from connectors import InboxFile
from connectors.base import sha256_file
from connectors.profiles import load_profiles
from pipeline.feedback import DeliveryOutcome, Feedback, build_feedback
from pipeline.nightly import load_all_fte
from pipeline.process import ProcessedDelivery, ProcessingInputs, process_file
from pipeline.quality import delivery_quality
from pipeline.reference import load_reference
from pipeline.settings import Settings


def check_file(
    path: Path, organisatiecode: str, settings: Settings, today: dt.date
) -> ProcessedDelivery:
    """Process a file as if it were delivered in the inbox folder of `organisatiecode`."""
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
    )
    return process_file(file, inputs)


def check_feedback(processed: ProcessedDelivery, settings: Settings, now: dt.datetime) -> Feedback:
    """The feedback the nightly run would give, as if the file were delivered `now`."""
    quality = delivery_quality(processed, now, settings.delivery_deadline_days)
    names = load_reference(settings.reference_dir).organisation_names
    return build_feedback(processed, DeliveryOutcome(None, "checked", now, quality), names)


def check_report(processed: ProcessedDelivery) -> dict[str, Any]:
    """The outcome as plain data (for `monitor check --json`)."""
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
        "edits": edits,
    }
