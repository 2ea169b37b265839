"""Process one delivery file: read → harmonise → validate → batch checks. No I/O to the warehouse.

The result is everything the warehouse needs to load the delivery in one transaction. The same
function serves the nightly flow and a self-check of a single file.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from connectors import InboxFile, RawTable, read_delivery
from connectors.base import forget_known_cells
from connectors.limits import over_limit
from connectors.recognise import recognise
from pipeline.gc_pause import gc_paused
from pipeline.ingest.batch import (
    BatchOutcome,
    DeliveryLabel,
    Measured,
    dq_rows,
    judge_batches,
    measure_batches,
)
from pipeline.ingest.harmonise import (
    DeliveryContext,
    apply_profile,
    missing_columns,
    suggest_codes,
)
from pipeline.ingest.meta import DeliveryMeta, resolve_meta
from pipeline.ingest.redaction import employee_ids, minimise_edits
from pipeline.ingest.reference import Reference
from pipeline.ingest.validate import NO_EDITS, Validated, validate_deliveries
from pipeline.warehouse.ledger import FteRow, LedgerEntry
from schemas.edit_codes import EditCode
from schemas.edits import EDITS, Severity
from schemas.errors import DeliveryError
from schemas.profile import MappingProfile
from schemas.rows import ROW_COLUMN, batch_rows, delivery_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessedDelivery:
    """The outcome of one file, ready to load (or to report as rejected)."""

    file: InboxFile
    profile: MappingProfile | None
    meta: DeliveryMeta | None
    incidents: pd.DataFrame
    edits: pd.DataFrame  # rij, veld, code, severity, waarde, bericht, tabblad, bronbestand
    dq: pd.DataFrame
    rows_in: int
    rows_loaded: int
    rows_rejected: int
    rows_warned: int
    failure: DeliveryError | None = None
    gx_report: dict | None = None  # GX validation report of the batch checks (for Data Docs)
    measured: Measured | None = None  # batch checks measured, judged later (with_judged_checks)

    @property
    def rejected(self) -> bool:
        """True when the delivery as a whole could not be processed (an S edit)."""
        return self.failure is not None

    def for_feedback(self) -> ProcessedDelivery:
        """The same outcome without the rows its feedback does not show (loaded already): its
        incidents and its FTE. It goes to the feedback workers; the edits and checks stay.

        The empty incidents keep the column names, not the column types: an empty frame of
        Arrow-backed text columns costs ~0.8 ms to unpickle. Its FTE rows stay behind too (as
        frames they were a third of what a night pickled to its feedback workers)."""
        meta = None if self.meta is None else replace(self.meta, fte=())
        return replace(self, incidents=_no_incidents(tuple(self.incidents.columns.tolist())),
                       meta=meta)  # fmt: skip

    def ledger_entry(self) -> LedgerEntry:
        """Its row in the ledger (`ops.delivery`); an API pull corrects what a pull is not
        (`pipeline.night.api_sync.ledger_entry`: never provisional, never a nil return)."""
        meta, file, profile = self.meta, self.file, self.profile
        return LedgerEntry(
            organisatiecode=meta.organisatiecode if meta else None,
            organisatiecode_bron=meta.organisatiecode_bron if meta else file.folder,
            periode=meta.periode.code if meta else None,
            profile_id=profile.id if profile else None,
            profile_version=profile.version if profile else None,
            bronbestand=file.path.name, sha256=file.sha256, size_bytes=file.size,
            received_at=file.received_at, geen_incidenten=bool(meta and meta.geen_incidenten),
            rows_in=self.rows_in, rows_loaded=self.rows_loaded, rows_rejected=self.rows_rejected,
            rows_warned=self.rows_warned, rejected=self.rejected,
            voorlopig=bool(meta and meta.voorlopig),
        )  # fmt: skip


_NOT_JUDGED = dq_rows([])  # the checks of a delivery only measured: one shared empty frame
# a clean delivery's edits with their feedback columns: copied (~20 µs), not assigned (~0.5 ms)
_NO_SHAPED_EDITS = NO_EDITS.assign(tabblad=None, bronbestand=None, bericht=None)


@functools.lru_cache(maxsize=64)
def _no_incidents(columns: tuple[str, ...]) -> pd.DataFrame:
    """An empty frame with these columns, one for all loaded deliveries that have them (a frame
    costs ~0.3 ms to make; nothing adds rows to a loaded delivery's)."""
    return pd.DataFrame(columns=list(columns))


@dataclass(frozen=True)
class ProcessingInputs:
    """What processing needs besides the file: reference data, profiles, keys, history."""

    reference: Reference
    profiles: tuple[MappingProfile, ...]
    fte: pd.DataFrame  # organisatiecode, beroepsgroep, jaar, fte
    pseudonym_key: bytes
    max_file_bytes: int
    today: dt.date
    history: dict[str, list[int]] = field(default_factory=dict)
    deadline_days: int = 30  # a quarter is due this many days after its last day
    levert_voor: pd.DataFrame = field(default_factory=pd.DataFrame)  # covered-by relations
    defer_batch_checks: bool = False  # only measure them: the night judges all at once

    def with_history(self, history: dict[str, list[int]]) -> ProcessingInputs:
        """The same inputs with another history, sharing what is prepared from them once (a
        worker makes a copy for every chunk of files)."""
        inputs = replace(self, history=history)
        inputs.__dict__["fte_by_year"] = self.fte_by_year
        return inputs

    @functools.cached_property
    def fte_by_year(self) -> dict[tuple[str, int], tuple[FteRow, ...]]:
        """The reference FTE per (organisatiecode, jaar) as a delivery carries it (beroepsgroep,
        fte, bron), for every delivery. As pandas' groupby had them (~25 ms of every worker):
        keys and rows in order, rows without either key left out."""
        frame = self.fte
        if frame.empty:
            return {}
        by_key: dict[tuple[str, int], list[FteRow]] = {}
        for org, jaar, beroepsgroep, fte in zip(frame["organisatiecode"], frame["jaar"],
                                                frame["beroepsgroep"], frame["fte"], strict=True):  # fmt: skip
            if not (pd.isna(org) or pd.isna(jaar)):
                by_key.setdefault((str(org), int(jaar)), []).append(
                    FteRow(str(beroepsgroep), float(fte), "referentie"))  # fmt: skip
        return {key: tuple(rows) for key, rows in by_key.items()}


def message(code: str, veld: str | None, waarde: object) -> str:
    """The Dutch message for one edit: what is wrong, where, and how to fix it."""
    edit = EDITS[code]
    where = f" in veld '{veld}'" if veld else ""
    shown = "" if waarde is None or pd.isna(waarde) else f" (waarde: '{str(waarde)[:80]}')"
    close = suggest_codes(veld, waarde) if edit.suggests_codes else ()
    hint = f" Bedoelde u: {' of '.join(close)}?" if close else ""
    return f"{code} {edit.title_nl}{where}{shown}.{hint} {edit.fix_nl}"


def process_file(file: InboxFile, inputs: ProcessingInputs) -> ProcessedDelivery:
    """Do everything the nightly flow does to one file, except loading it."""
    return process_files([file], inputs)[0]


def process_files(files: Sequence[InboxFile], inputs: ProcessingInputs) -> list[ProcessedDelivery]:
    """Process files in order, exactly as `process_file` one after another would, each seeing
    the row counts of the earlier ones in `history` (B03).

    Each file is read and checked on its own; the readable deliveries of one profile and one
    header are then harmonised and validated together, in one vectorised pass (the cost of a
    night is per pass, not per row: DESIGN §10), and split back per delivery. When a pass fails,
    its deliveries are done one by one, so a delivery that breaks it fails alone (S01). The
    garbage collector waits meanwhile (`gc_paused`); the cell values the readers remembered are
    let go after.
    """
    try:
        with gc_paused():
            return _process(files, inputs)
    finally:
        forget_known_cells()


def _process(files: Sequence[InboxFile], inputs: ProcessingInputs) -> list[ProcessedDelivery]:
    opened = [open_delivery(file, inputs) for file in files]
    validated = _validate_together([o for o in opened if isinstance(o, Opened)], inputs)
    history = {organisation: list(sizes) for organisation, sizes in inputs.history.items()}
    checked: list[tuple[Opened, Validated, list[int]]] = []  # with the history it sees
    for position, item in enumerate(opened):
        if not isinstance(item, Opened):
            continue
        outcome = validated[id(item)]
        if isinstance(outcome, str):
            opened[position] = failed_delivery(item.file, outcome)
            continue
        organisation = item.meta.organisatiecode
        checked.append((item, outcome, list(history.get(organisation, []))))
        history.setdefault(organisation, []).append(outcome.rows_in)  # as record_history does
    return _with_batch_checks(opened, checked, inputs.defer_batch_checks)


def _with_batch_checks(opened: list[Opened | ProcessedDelivery],
                       checked: list[tuple[Opened, Validated, list[int]]],
                       defer: bool = False) -> list[ProcessedDelivery]:  # fmt: skip
    """The batch checks of every validated delivery measured at once, and judged by GX unless
    `defer` (then the caller judges them: `judge_batches`); each delivery ready to load."""
    edits = [_shaped_edits(item, outcome) for item, outcome, _ in checked]
    labels = [DeliveryLabel(item.meta.organisatiecode, item.meta.periode.code, item.file.path.name)
              for item, _, _ in checked]  # fmt: skip
    measured = measure_batches([(outcome.incidents, history, label) for (_, outcome, history), label
                                in zip(checked, labels, strict=True)])  # fmt: skip
    judged = [None] * len(measured) if defer else judge_batches(measured)
    ready = {id(item): _ready(item, outcome, found, batch, measures)
             for (item, outcome, _), found, batch, measures
             in zip(checked, edits, judged, measured, strict=True)}  # fmt: skip
    return [ready[id(item)] if isinstance(item, Opened) else item for item in opened]


def record_history(history: dict[str, list[int]], processed: ProcessedDelivery) -> None:
    """Add a delivery that is not rejected to its organisation's row-count history (B03)."""
    if processed.meta is not None and not processed.rejected:
        history.setdefault(processed.meta.organisatiecode, []).append(processed.rows_in)


def failed_delivery(file: InboxFile, reason: str) -> ProcessedDelivery:
    """A delivery whose processing was stopped: S01 with the Dutch reason, nothing loaded."""
    message = (f"de verwerking van dit bestand is afgebroken: {reason}. Er is niets van geladen; "
               "controleer het bestand (aantal rijen, kolommen, opmaak) en lever het opnieuw aan")  # fmt: skip
    return rejected_delivery(file, None, DeliveryError(EditCode.S01, message, file=file.path.name))


@dataclass(frozen=True)
class Opened:
    """A delivery that could be read: its profile, raw cells and what it says about itself."""

    file: InboxFile
    profile: MappingProfile
    raw: RawTable
    meta: DeliveryMeta

    @property
    def batch_key(self) -> tuple[object, ...]:
        """Deliveries with the same key are harmonised together: one profile, one header."""
        columns = tuple(str(c) for c in self.raw.cells.columns)
        return self.profile.id, self.profile.version, columns


def open_delivery(file: InboxFile, inputs: ProcessingInputs) -> Opened | ProcessedDelivery:
    """Read a file and what it says about itself; a rejected delivery when that fails."""
    profile = None
    try:
        if file.symlink:
            raise DeliveryError(
                EditCode.S01, "dit is een snelkoppeling (symbolische link), geen bestand; zo'n link wordt "
                "nooit gevolgd: zet het bestand zelf in uw map", file=file.path.name,
            )  # fmt: skip
        check_size(file, inputs.max_file_bytes)
        read = lambda path, candidate: read_delivery(path, candidate, inputs.max_file_bytes)  # noqa: E731
        recognised = recognise(file.path, inputs.profiles, read, organisatiecode=file.folder)
        profile, groups = recognised.profile, recognised.groups
        raw = recognised.raw or read(file.path, profile)
        meta = resolve_meta(file, raw, profile, groups, inputs)
        missing = missing_columns(raw.cells, profile)
        if missing:
            raise DeliveryError(
                EditCode.S03, f"kolommen ontbreken: {', '.join(missing)}", file=file.path.name
            )
    except DeliveryError as failure:
        return rejected_delivery(file, profile, failure)
    return Opened(file, profile, raw, meta)


def check_size(file: InboxFile, max_bytes: int) -> None:
    """The size limit, for every file whatever its name or format (S01)."""
    size = file.path.stat().st_size
    if size > max_bytes:
        raise over_limit("bestand is te groot (bytes)", max_bytes, file.path.name, size)


def map_and_check(file: InboxFile, profile: MappingProfile, raw: RawTable, meta: DeliveryMeta,
                   inputs: ProcessingInputs) -> ProcessedDelivery:  # fmt: skip
    """Harmonise, validate and run the batch checks on a readable delivery."""
    opened = Opened(file, profile, raw, meta)
    validated = _validate_batch_pass([opened], inputs)[0]
    history = list(inputs.history.get(meta.organisatiecode, []))
    return _with_batch_checks([opened], [(opened, validated, history)])[0]


def _validate_together(
    readable: Sequence[Opened], inputs: ProcessingInputs
) -> dict[int, Validated | str]:
    """Harmonise and validate deliveries per batch key; by `id` of each delivery: its outcome,
    or the reason (text) its processing failed."""
    batches: dict[tuple[object, ...], list[Opened]] = {}
    for opened in readable:
        batches.setdefault(opened.batch_key, []).append(opened)
    outcome: dict[int, Validated | str] = {}
    for batch in batches.values():
        try:
            outcome.update(zip(map(id, batch), _validate_batch_pass(batch, inputs), strict=True))
            continue
        except (MemoryError, RecursionError):
            raise  # the worker is in a bad state: its supervisor retries the files one by one
        except Exception as exc:  # one by one below: the delivery that breaks the pass fails alone
            if len(batch) == 1:  # the cause goes to the log only: it may quote a cell
                log.exception("%s: verwerking afgebroken", batch[0].file.path.name)
                outcome[id(batch[0])] = "het bestand liet de verwerking vastlopen"
                continue
            log.warning("%d leveringen samen verwerken mislukte (%s: %s); nu een voor een",
                        len(batch), type(exc).__name__, exc)  # fmt: skip
        for opened in batch:
            outcome.update(_validate_together([opened], inputs))
    return outcome


def _validate_batch_pass(batch: Sequence[Opened], inputs: ProcessingInputs) -> list[Validated]:
    """One vectorised pass: the deliveries' cells as one frame (rows numbered per delivery,
    `schemas.rows`), harmonised and validated together, split back in order."""
    first, sizes = batch[0], [len(opened.raw.cells) for opened in batch]
    if len(batch) == 1:
        cells = first.raw.cells
        ctx = DeliveryContext(first.meta.organisatiecode, first.meta.organisatiecode_bron,
                              inputs.pseudonym_key)  # fmt: skip
    else:  # one concatenation and each delivery's codes spread at once (~0.4 ms a delivery)
        cells = pd.concat([opened.raw.cells for opened in batch], ignore_index=True)
        ctx = DeliveryContext(_per_row([o.meta.organisatiecode for o in batch], sizes),
                              _per_row([o.meta.organisatiecode_bron for o in batch], sizes),
                              inputs.pseudonym_key)  # fmt: skip
    cells = cells.assign(**{ROW_COLUMN: batch_rows(cells[ROW_COLUMN], sizes)})
    raw = RawTable(cells, first.raw.file, first.raw.sheet, first.raw.metadata)
    harmonised = apply_profile(raw, first.profile, ctx, inputs.reference)
    harmonised = replace(harmonised, frame=_with_provenance(harmonised.frame, batch))
    periodes = [(o.meta.periode, o.meta.periode_uit_data) for o in batch]
    return validate_deliveries(harmonised, periodes, inputs.today)


def _per_row(values: Sequence[str], sizes: Sequence[int]) -> pd.Series:
    """Each delivery's value on each of its rows (deliveries stacked in order)."""
    return pd.Series(np.repeat(np.array(values, dtype=object), sizes))


def _with_provenance(frame: pd.DataFrame, batch: Sequence[Opened]) -> pd.DataFrame:
    """Every row with its delivery's period, file and sheet, the whole pass at once (per
    delivery these were three copies of its frame: ~1 ms a delivery). Plain object columns:
    they cross to the flow, where Arrow-backed text columns cost more to unpickle."""
    position = delivery_of(frame[ROW_COLUMN]).to_numpy()
    columns = {"periode": [o.meta.periode.code for o in batch],
               "bronbestand": [o.file.path.name for o in batch],
               "tabblad": [o.raw.sheet for o in batch]}  # fmt: skip
    return frame.assign(**{
        name: pd.Series(np.array(values, dtype=object)[position], index=frame.index, dtype=object)
        for name, values in columns.items()
    })  # fmt: skip


def _shaped_edits(opened: Opened, validated: Validated) -> pd.DataFrame:
    """A validated delivery's edits with feedback texts (no raw employee id kept in them); its
    incidents are ready as they are (numbered, with their provenance, for the whole pass)."""
    file, raw = opened.file, opened.raw
    if validated.edits.empty:  # most deliveries: nothing to minimise or explain
        if validated.edits.columns.equals(NO_EDITS.columns):
            return _NO_SHAPED_EDITS.copy()
        return validated.edits.assign(tabblad=None, bronbestand=None, bericht=None)
    edits = minimise_edits(validated.edits, employee_ids(raw, opened.profile))
    edits = edits.assign(tabblad=raw.sheet, bronbestand=file.path.name)
    edits["bericht"] = [
        message(c, v, w)
        for c, v, w in zip(edits["code"], edits["veld"], edits["waarde"], strict=True)
    ]
    return edits


def _ready(opened: Opened, validated: Validated, edits: pd.DataFrame,
           checked: BatchOutcome | None, measured: Measured) -> ProcessedDelivery:  # fmt: skip
    """A processed delivery, ready to load; its batch checks judged (`checked`) or only measured."""
    incidents = validated.incidents
    warned = 0
    if len(edits):  # most deliveries have none: no pandas work on nothing
        warned = edits.loc[edits["severity"] == Severity.WARNING.value, "rij"].nunique()
    return ProcessedDelivery(opened.file, opened.profile, opened.meta, incidents, edits,
                             dq_rows([checked]) if checked else _NOT_JUDGED, rows_in=validated.rows_in,
                             rows_loaded=len(incidents), rows_rejected=validated.rows_rejected,
                             rows_warned=int(warned), gx_report=checked.report if checked else None,
                             measured=None if checked else measured)  # fmt: skip


def rejected_delivery(
    file: InboxFile, profile: MappingProfile | None, failure: DeliveryError
) -> ProcessedDelivery:
    """A delivery that could not be processed: one S edit, nothing loaded."""
    edit = EDITS[failure.code]
    edits = pd.DataFrame([{"rij": None, "veld": None, "code": failure.code,
                           "severity": edit.severity.value, "waarde": None,
                           "bericht": f"{edit.headline(failure.message)}. {edit.fix_nl}",
                           "tabblad": None, "bronbestand": file.path.name}])  # fmt: skip
    empty = pd.DataFrame()
    return ProcessedDelivery(file, profile, None, empty, edits, empty, 0, 0, 0, 0, failure=failure)
