"""The steps of the nightly run as plain functions; `flows/nightly.py` only wires them."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from connectors import InboxFile, discover_inbox
from connectors.api import ApiError
from connectors.sources import SOURCE_DIR, SourceConfig, load_source_configs
from pipeline.employers.quality import Quality, delivery_qualities
from pipeline.ingest.process import (
    ProcessedDelivery,
    ProcessingInputs,
    record_history,
    rejected_delivery,
)
from pipeline.night.api_sync import SyncResult, sync_source, token_from_env
from pipeline.night.isolation import Limits
from pipeline.night.load_result import LoadResult
from pipeline.priority import lower_this_threads_priority
from pipeline.settings import Settings
from pipeline.warehouse.ledger import DeliveryLoad
from pipeline.warehouse.store import Warehouse
from schemas.edit_codes import EditCode
from schemas.edits import EDITS
from schemas.errors import ConfigurationError, DeliveryError, WarehouseError

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """The run summary printed by `monitor run` (and as JSON with --json)."""

    run_id: int
    started_at: str
    finished_at: str = ""
    warehouse: str = ""
    files_seen: int = 0
    files_new: int = 0
    files_skipped: int = 0
    deliveries: list[LoadResult] = field(default_factory=list)
    api_pulls: list[SyncResult] = field(default_factory=list)
    per_beroepsgroep: list[dict[str, object]] = field(default_factory=list)
    coverage: list[dict[str, object]] = field(default_factory=list)
    feedback_dir: str = ""
    report: str = ""
    datadocs: str | None = None
    flow_run_id: str | None = None  # the Prefect flow run (its artifacts and task runs)
    task_runs: int = 0  # Prefect task runs of this flow run (processing, loading, API pulls)
    rebuilt: bool = True  # False: nothing new, nothing built (run_id is the published run)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON output."""
        return asdict(self)


def delivery_limits(settings: Settings) -> Limits:
    """Time, memory and worker count for the delivery worker processes, from the settings."""
    return Limits(settings.delivery_timeout_s, settings.delivery_memory_mb, settings.worker_count)


def new_files(
    inbox: Path, known: set[tuple[str, str]], discovered: Future[list[InboxFile]] | None = None
) -> tuple[list[InboxFile], int]:
    """Inbox files not yet in the ledger, and how many were skipped as known (`discovered`: the
    inbox's files as `discover_inbox` listed them, when it was started earlier).

    Identity is the sha256 within an organisation (`known` holds organisation folder and sha256):
    the same bytes from two organisations are two deliveries.
    """
    files = discover_inbox(inbox) if discovered is None else discovered.result()
    fresh, seen = [], set(known)
    for f in files:
        key = (f.folder.upper(), f.sha256)
        if key not in seen:
            fresh.append(f)
            seen.add(key)  # the same file twice in one folder is one delivery
    return fresh, len(files) - len(fresh)


def discover_beside(inbox: Path) -> Future[list[InboxFile]]:
    """`discover_inbox` in a thread of its own, started now: the files' hashing lets go of the
    GIL, as DuckDB does while the flow opens the next warehouse version (~0.1 s each)."""
    listing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox")
    try:
        return listing.submit(discover_inbox, inbox)
    finally:
        listing.shutdown(wait=False)  # its one job still runs; the thread ends after it


def misdirected_files(
    files: list[InboxFile], known: set[tuple[str, str]]
) -> dict[tuple[str, str], list[str]]:
    """Per new file (folder, sha256): the other organisations that delivered the same bytes,
    in the ledger or tonight. Only files that share their bytes with another organisation."""
    owners: dict[str, set[str]] = {}
    for folder, sha256 in known:
        owners.setdefault(sha256, set()).add(folder)
    for f in files:
        owners.setdefault(f.sha256, set()).add(f.folder.upper())
    shared = {}
    for f in (f for f in files if not f.symlink):
        others = sorted(owners[f.sha256] - {f.folder.upper()})
        if others:
            shared[(f.folder.upper(), f.sha256)] = others
    return shared


def flag_misdirected(processed: ProcessedDelivery, others: list[str]) -> ProcessedDelivery:
    """Add W09 (possibly misdirected: the same file came from another organisation) to a delivery."""
    edit = EDITS[EditCode.W09]
    text = edit.headline(f"precies hetzelfde bestand is ook aangeleverd door {', '.join(others)}")
    text = f"{text}. {edit.fix_nl}"
    row = pd.DataFrame([{"rij": None, "veld": None, "code": edit.code, "severity": edit.severity.value,
                         "waarde": None, "bericht": text, "tabblad": None,
                         "bronbestand": processed.file.path.name}])  # fmt: skip
    edits = pd.concat([processed.edits, row], ignore_index=True) if len(processed.edits) else row
    return replace(processed, edits=edits)


def load_processed(warehouse: Warehouse, processed: ProcessedDelivery, run_id: int,
                   history: dict[str, list[int]] | None = None,
                   deadline_days: int = 30) -> LoadResult:  # fmt: skip
    """Load one processed delivery with its quality score into the warehouse (one transaction).

    With `history`, the delivery's size is added to its organisation's history, so the volume
    check (B03) of a later delivery in the same run compares with this one too.
    """
    if history is not None:
        record_history(history, processed)
    return load_batch(warehouse, [processed], run_id, deadline_days)[0][1]


def load_batch(
    warehouse: Warehouse, batch: list[ProcessedDelivery], run_id: int, deadline_days: int = 30
) -> list[tuple[ProcessedDelivery, LoadResult]]:
    """Load processed deliveries, in order, with one insert per table (one transaction).

    When the batch cannot be loaded, each delivery is loaded on its own, so one delivery the
    warehouse refuses fails alone: it is recorded as rejected (S01) and the others go in.
    """
    try:
        return _load_together(warehouse, batch, run_id, deadline_days)
    except WarehouseError as exc:
        if len(batch) == 1:
            raise
        log.warning("%d leveringen niet samen te laden, nu een voor een: %s", len(batch), exc)
    loaded = []
    for processed in batch:
        try:
            loaded += _load_together(warehouse, [processed], run_id, deadline_days)
        except WarehouseError as exc:
            log.error("%s/%s niet geladen: %s", processed.file.folder, processed.file.path.name,
                      exc)  # fmt: skip
            refused = rejected_delivery(processed.file, processed.profile, DeliveryError(
                EditCode.S01, "de levering kon niet in het warehouse worden opgeslagen; er is niets "
                "van geladen. Neem contact op met het landelijk beheer", file=processed.file.path.name))  # fmt: skip
            loaded += _load_together(warehouse, [refused], run_id, deadline_days)
    return loaded


def _load_together(
    warehouse: Warehouse, batch: list[ProcessedDelivery], run_id: int, deadline_days: int
) -> list[tuple[ProcessedDelivery, LoadResult]]:
    """One transaction for the whole batch; raises WarehouseError when any part is refused."""
    qualities = delivery_qualities([(p, p.file.received_at) for p in batch], deadline_days)
    loads = [_delivery_load(p, q) for p, q in zip(batch, qualities, strict=True)]
    outcomes = warehouse.load_deliveries(loads, run_id)
    return [
        (p, LoadResult(p.file.path.name, load.entry.organisatiecode, load.entry.periode,
                       load.entry.profile_id, status, p.rows_in, p.rows_loaded, p.rows_rejected,
                       p.rows_warned, _reason(p), delivery_id, quality))
        for p, load, quality, (delivery_id, status)
        in zip(batch, loads, qualities, outcomes, strict=True)
    ]  # fmt: skip


def _delivery_load(processed: ProcessedDelivery, quality: Quality) -> DeliveryLoad:
    """A processed delivery as the warehouse takes it: ledger entry and frames."""
    meta, entry = processed.meta, processed.ledger_entry()
    fte = meta.fte if meta is not None else ()
    return DeliveryLoad(entry, processed.incidents, processed.edits, processed.dq, fte,
                        quality.as_row())  # fmt: skip


@dataclass
class DataDocsBuild:
    """The Data Docs of a run: whether they were built, and their index (None: build failed)."""

    built: bool = False
    index: Path | None = None


@contextlib.contextmanager
def data_docs_beside(settings: Settings, reports: list[dict[str, Any]]) -> Iterator[DataDocsBuild]:
    """Build the Data Docs in a separate process while the caller writes feedback and the
    report (GX's import and rendering take seconds of one core); at the end of the block, wait
    for it. Built only when there are new reports or no site yet."""
    build = DataDocsBuild()
    if not reports and (settings.reports_directory / "datadocs" / "index.html").exists():
        yield build
        return
    from pipeline.night.fork_server import fork_context  # never fork a process with threads

    with ProcessPoolExecutor(max_workers=1, mp_context=fork_context()) as pool:
        future = pool.submit(publish_data_docs, settings, reports)
        yield build
        build.built, build.index = True, future.result()


def publish_data_docs(settings: Settings, reports: list[dict[str, Any]]) -> Path | None:
    """Add this run's GX validation reports to the capped store and rebuild the Data Docs site.

    The data is already published when this runs: a failing build is logged, not raised.
    """
    from pipeline.employers.datadocs import DataDocsError, build_data_docs, store_reports

    try:
        store_reports(settings.reports_directory, reports, keep=settings.datadocs_keep)
        return build_data_docs(settings.reports_directory)
    except (DataDocsError, OSError) as exc:
        log.warning("Data Docs niet gebouwd: %s", exc)
        return None


REPORT_MODULES = ("pipeline.publication.build", "pipeline.publication.revisions",
                  "pipeline.publication.writer", "pipeline.publication.disclosure_audit",
                  "xlsxwriter")  # fmt: skip


WARM_REPORT_BYTES = 200 * 2**20  # new files up to this size: the report warms up beside them


def warm_report_beside(files: Sequence[InboxFile]) -> threading.Thread | None:
    """Start `warm_report` in a thread of its own when the night's new files are at most
    WARM_REPORT_BYTES (the sample's one year: 22 MB); None for a larger night. Warmed up, the
    flow holds ~130 MB more while it holds a load batch's rows: at scale 100 (719 MB of files)
    the process tree then came within 30 MB of 2 GB, for 1.5 s of a ~65 s night."""
    if sum(file.size for file in files) > WARM_REPORT_BYTES:
        return None
    return _warming()


def warm_report_early(inbox: Path) -> threading.Thread | None:
    """`warm_report` in a thread, before the flow starts, when the whole inbox (the files of
    earlier nights too) is at most WARM_REPORT_BYTES; else None, and the flow warms up for its
    new files alone (`warm_report_beside`). `monitor run` calls it while Prefect's temporary
    server starts: the flow waits for it then, and one of 2 cores stood idle for ~1 s."""
    if _bytes_at_most(inbox, WARM_REPORT_BYTES) is None:
        return None
    return _warming()


def _warming() -> threading.Thread:
    thread = threading.Thread(target=_warm_report_when_idle, name="rapport-vooraf", daemon=True)
    thread.start()
    return thread


def _warm_report_when_idle() -> None:
    """`warm_report` at a lower priority: it is needed only once the flow has started, and
    before that Prefect's temporary server may be starting on the same cores (`pipeline.priority`)."""
    lower_this_threads_priority()
    warm_report()


def _bytes_at_most(inbox: Path, limit: int) -> int | None:
    """The bytes of the files in the inbox's folders (no link followed), or None once they pass
    `limit` or the inbox cannot be read."""
    total = 0
    try:
        with os.scandir(inbox) as folders:
            for folder in folders:
                if not folder.is_dir(follow_symlinks=False):
                    continue
                with os.scandir(folder.path) as entries:
                    for entry in entries:
                        if entry.is_file(follow_symlinks=False):
                            total += entry.stat(follow_symlinks=False).st_size
                            if total > limit:
                                return None
    except OSError:
        return None
    return total


def warm_report() -> None:
    """Import what the report needs (XlsxWriter, the report's own modules, HiGHS for the integer
    audit: ~0.06 s of one core, ~0.5 s while the audit imported scipy) ahead: a thread of the flow
    does this while the workers process the night, and the report, which the night then waits
    for, starts warm. Best effort: what fails here fails again, and is reported, in the report."""
    try:
        for module in REPORT_MODULES:
            importlib.import_module(module)
    except Exception as exc:
        log.debug("rapport niet vooraf opgewarmd: %s", exc)


def publish_report(settings: Settings, out: Path | None = None) -> Path:
    """Build the protected publication from the published warehouse and write the report with
    what changed since the last kept publication (`reports/publicaties/`), keep this one, and
    write the internal report with quality per employer (`reports/intern/`)."""
    from pipeline.publication.build import build_publication
    from pipeline.publication.revisions import (
        indicator_table,
        keep_publication,
        last_publication,
        late_and_corrected,
        revisions,
    )
    from pipeline.publication.writer import write_internal_report, write_report
    from pipeline.warehouse.store import open_published

    archive = settings.reports_directory / "publicaties"
    previous = last_publication(archive)
    # beside the feedback workers: DuckDB's cache bounded (at scale 100 ~200 MB less, as fast)
    with open_published(settings.warehouse_path, settings.report_memory_mb) as wh:
        publication = build_publication(wh, settings.disclosure_k, settings.coverage_floor,
                                        dt.datetime.now(dt.UTC))  # fmt: skip
        deliveries = late_and_corrected(wh, previous[1]) if previous else None
    table = indicator_table(publication)
    changes = (revisions(previous[0], table, deliveries)
               if previous and table is not None and deliveries is not None else None)  # fmt: skip
    files = write_report(out or settings.report_directory, publication, changes,
                         previous[1] if previous else None)  # fmt: skip
    keep_publication(archive, files.directory / "parquet", publication.generated_at)
    write_internal_report(settings.internal_report_directory, publication)
    return files.html


def _reason(processed: ProcessedDelivery) -> str | None:
    """Why a delivery was rejected as a whole: its S code and message."""
    failure = processed.failure
    return f"{failure.code} {failure.message}" if failure else None


def summarise(warehouse: Warehouse, summary: RunSummary) -> RunSummary:
    """Fill the per-beroepsgroep figures and coverage into the summary."""
    summary.per_beroepsgroep = warehouse.query("SELECT * FROM mart.samenvatting").to_dict("records")
    coverage = warehouse.query("SELECT * FROM mart.dekking ORDER BY beroepsgroep, periode")
    summary.coverage = coverage.astype(object).where(coverage.notna(), None).to_dict("records")
    return summary


def enabled_api_sources(settings: Settings) -> list[SourceConfig]:
    """The API sources the settings switch on (MONITOR_API_SOURCES), in that order."""
    if not settings.api_sources:
        return []
    configs = {c.id: c for c in load_source_configs(settings.api_sources_dir or SOURCE_DIR)}
    unknown = sorted(set(settings.api_sources) - set(configs))
    if unknown:
        raise ConfigurationError(f"unknown API sources {unknown}; configured: {sorted(configs)}")
    return [configs[source_id] for source_id in settings.api_sources]


def sync_api_source(
    warehouse: Warehouse, config: SourceConfig, inputs: ProcessingInputs, run_id: int
) -> SyncResult:
    """Pull one API source; a source that fails is reported and the run goes on."""
    try:
        return sync_source(warehouse, config, inputs, run_id, token_from_env(config))
    except (ApiError, ConfigurationError) as exc:
        log.warning("API-bron %s niet binnengehaald: %s", config.id, exc)
        return SyncResult(config.id, "failed", None, None, reason=str(exc))
