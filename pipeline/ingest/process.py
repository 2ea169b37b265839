"""Process one delivery file: read → harmonise → validate → batch checks. No I/O to the warehouse.

The result is everything the warehouse needs to load the delivery in one transaction. The same
function serves the nightly flow and a self-check of a single file.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from connectors import InboxFile, RawTable, read_delivery
from connectors.limits import over_limit
from connectors.recognise import period_in_text, recognise
from pipeline.ingest.harmonise import (
    DeliveryContext,
    apply_profile,
    missing_columns,
    quarter_of_dates,
    source_column,
    suggest_codes,
)
from pipeline.ingest.redaction import employee_ids, minimise_edits
from pipeline.ingest.reference import Reference
from pipeline.ingest.validate import validate_delivery
from pipeline.warehouse.ledger import LedgerEntry
from schemas.edit_codes import EditCode
from schemas.edits import EDITS, Severity
from schemas.errors import DeliveryError
from schemas.fields import ORGANISATIECODE_PATTERN, FieldName
from schemas.incident import Periode
from schemas.profile import MappingProfile
from schemas.vocabulary import is_yes

if TYPE_CHECKING:
    from pipeline.ingest.batch_catalogue import DqResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryMeta:
    """Who delivered, for which period, and the FTE it covers."""

    organisatiecode: str
    organisatiecode_bron: str
    periode: Periode
    geen_incidenten: bool
    fte: pd.DataFrame  # beroepsgroep, fte, bron
    voorlopig: bool = False  # the quarter was still running when the delivery was processed
    periode_uit_data: bool = False  # no period in the file or its name: taken from the dates (W07)


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

    @property
    def rejected(self) -> bool:
        """True when the delivery as a whole could not be processed (an S edit)."""
        return self.failure is not None

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
    return map_and_check(file, profile, raw, meta, inputs)


def check_size(file: InboxFile, max_bytes: int) -> None:
    """The size limit, for every file whatever its name or format (S01)."""
    size = file.path.stat().st_size
    if size > max_bytes:
        raise over_limit("bestand is te groot (bytes)", max_bytes, file.path.name, size)


def map_and_check(file: InboxFile, profile: MappingProfile, raw: RawTable, meta: DeliveryMeta,
                   inputs: ProcessingInputs) -> ProcessedDelivery:  # fmt: skip
    """Harmonise, validate and run the batch checks on a readable delivery."""
    from pipeline.ingest.batch import DeliveryLabel, validate_batch

    ctx = DeliveryContext(meta.organisatiecode, meta.organisatiecode_bron, inputs.pseudonym_key)
    harmonised = apply_profile(raw, profile, ctx, inputs.reference)
    validated = validate_delivery(harmonised, meta.periode, inputs.today,
                                  period_from_data=meta.periode_uit_data)  # fmt: skip
    incidents = validated.incidents.rename(columns={"_rij": "rij"}).assign(
        periode=meta.periode.code, bronbestand=file.path.name, tabblad=raw.sheet
    )
    edits = minimise_edits(validated.edits, employee_ids(raw, profile))  # no raw ids kept
    edits = edits.assign(tabblad=raw.sheet, bronbestand=file.path.name)
    edits["bericht"] = [
        message(c, v, w)
        for c, v, w in zip(edits["code"], edits["veld"], edits["waarde"], strict=True)
    ]
    history = inputs.history.get(meta.organisatiecode, [])
    label = DeliveryLabel(meta.organisatiecode, meta.periode.code, file.path.name)
    checked = validate_batch(incidents, history, label)
    dq = dq_frame(checked.results)
    warned = edits.loc[edits["severity"] == Severity.WARNING.value, "rij"].nunique()
    return ProcessedDelivery(file, profile, meta, incidents, edits, dq, rows_in=validated.rows_in,
                             rows_loaded=len(incidents), rows_rejected=validated.rows_rejected,
                             rows_warned=int(warned), gx_report=checked.report)  # fmt: skip


def dq_frame(results: Sequence[DqResult]) -> pd.DataFrame:
    """Batch-check results as rows of `ops.dq_result`."""
    columns = ["code", "kolom", "expectation", "success", "observed", "threshold", "bericht"]
    rows = [[r.code, r.column, r.expectation, r.success, r.observed, r.threshold, r.message_nl]
            for r in results]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


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


def resolve_meta(file: InboxFile, raw: RawTable, profile: MappingProfile, groups: dict[str, str],
                 inputs: ProcessingInputs) -> DeliveryMeta:  # fmt: skip
    """Organisation (S04), period (S05), nil return and FTE of a delivery."""
    name, ref = file.path.name, inputs.reference
    folder = file.folder.upper()
    if not re.match(ORGANISATIECODE_PATTERN, folder) or not ref.is_known_organisation(folder):
        raise DeliveryError(
            EditCode.S04, f"map {file.folder!r} is geen bekende organisatiecode", file=name
        )
    declared = _declared(profile.delivery.organisatiecode, "organisatiecode", "org", raw, groups)
    current = ref.current_code(folder)
    if declared is not None and ref.current_code(declared.upper()) != current:
        raise DeliveryError(
            EditCode.S04,
            f"organisatie {declared!r} in het bestand past niet bij map {folder}",
            file=name,
        )
    periode_text = _declared(profile.delivery.periode, "periode", None, raw, groups)
    periode, from_data = delivery_period(periode_text, groups, name, raw, profile)
    if periode.start > inputs.today:
        raise DeliveryError(EditCode.S05, f"periode {periode.code} is nog niet begonnen (vandaag is "
                            f"{inputs.today:%d-%m-%Y}); lever een kwartaal aan als het loopt of voorbij is",
                            file=name)  # fmt: skip
    nil = raw.rows_in == 0 and is_yes(raw.metadata.get("geen_incidenten", ""))
    fte = _fte(profile, raw, current, periode, inputs)
    return DeliveryMeta(current, folder, periode, nil, fte, voorlopig=inputs.today <= periode.end,
                        periode_uit_data=from_data)  # fmt: skip


def delivery_period(declared: str | None, groups: dict[str, str], name: str, raw: RawTable,
                    profile: MappingProfile) -> tuple[Periode, bool]:  # fmt: skip
    """The period: declared (sheet), else the file name in any Dutch spelling, else the quarter
    all incident dates fall in (True: taken from the data, W07). S05 when none of these works."""
    found = period_in_text(declared or "")
    if found is None and groups.get("jaar") and groups.get("kwartaal"):
        found = int(groups["jaar"]), int(groups["kwartaal"])
    found = found or period_in_text(Path(name).stem)
    if found is not None:
        try:
            return Periode(jaar=found[0], kwartaal=found[1]), False
        except ValueError:
            pass
    mapping = profile.fields[FieldName.INCIDENTDATUM]
    dates = (quarter_of_dates(source_column(raw.cells, mapping.column), mapping.formats)
             if mapping.column and not missing_columns(raw.cells, profile) else None)  # fmt: skip
    if dates is not None:
        return Periode(jaar=dates[0], kwartaal=dates[1]), True
    shown = f" (in het bestand staat '{declared[:40]}')" if declared else ""
    raise DeliveryError(EditCode.S05, "de periode staat niet in het bestand of in de bestandsnaam"
                        f"{shown}, en de incidentdatums vallen niet allemaal in één kwartaal",
                        file=name)  # fmt: skip


def _declared(
    source: str, key: str, group: str | None, raw: RawTable, groups: dict[str, str]
) -> str | None:
    """A value the delivery declares about itself, from its file name or its metadata sheet."""
    if source == "sheet":
        return raw.metadata.get(key)
    if source == "filename" and group:
        return groups.get(group)
    return None


def _fte(profile: MappingProfile, raw: RawTable, organisatiecode: str, periode: Periode,
         inputs: ProcessingInputs) -> pd.DataFrame:  # fmt: skip
    """FTE per beroepsgroep: declared in the delivery, else from the yearly reference file."""
    if profile.delivery.fte == "sheet":
        declared = {
            k.removeprefix("fte_"): v for k, v in raw.metadata.items() if k.startswith("fte_")
        }
        values = {
            k: pd.to_numeric(str(v).replace(",", "."), errors="coerce") for k, v in declared.items()
        }
        rows = [(k, float(v), "aanlevering") for k, v in values.items() if pd.notna(v) and v >= 0]
        if rows:
            return pd.DataFrame(rows, columns=["beroepsgroep", "fte", "bron"])
    ref = inputs.fte
    mine = ref[(ref["organisatiecode"] == organisatiecode) & (ref["jaar"] == periode.jaar)]
    return pd.DataFrame({"beroepsgroep": mine["beroepsgroep"], "fte": mine["fte"].astype(float),
                         "bron": "referentie"}).reset_index(drop=True)  # fmt: skip
