"""What a delivery says about itself: organisation (S04), period (S05), nil return and FTE."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from connectors import InboxFile, RawTable
from connectors.recognise import period_in_text
from pipeline.ingest.harmonise import missing_columns, quarter_of_dates, source_column
from pipeline.ingest.reference import Reference
from pipeline.warehouse.ledger import FteRow
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError
from schemas.fields import ORGANISATIECODE_PATTERN, FieldName
from schemas.incident import Periode
from schemas.profile import MappingProfile
from schemas.vocabulary import is_yes


class MetaInputs(Protocol):
    """What resolving a delivery's metadata reads of the run's inputs (`ProcessingInputs`)."""

    @property
    def reference(self) -> Reference: ...

    @property
    def today(self) -> dt.date: ...

    @property
    def fte(self) -> pd.DataFrame: ...

    @property
    def fte_by_year(self) -> Mapping[tuple[str, int], tuple[FteRow, ...]]: ...


@dataclass(frozen=True)
class DeliveryMeta:
    """Who delivered, for which period, and the FTE it covers."""

    organisatiecode: str
    organisatiecode_bron: str
    periode: Periode
    geen_incidenten: bool
    fte: tuple[FteRow, ...]  # beroepsgroep, fte, bron
    voorlopig: bool = False  # the quarter was still running when the delivery was processed
    periode_uit_data: bool = False  # no period in the file or its name: taken from the dates (W07)


def resolve_meta(file: InboxFile, raw: RawTable, profile: MappingProfile, groups: dict[str, str],
                 inputs: MetaInputs) -> DeliveryMeta:  # fmt: skip
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
         inputs: MetaInputs) -> tuple[FteRow, ...]:  # fmt: skip
    """FTE per beroepsgroep: declared in the delivery, else from the yearly reference file."""
    if profile.delivery.fte == "sheet":
        declared = {
            k.removeprefix("fte_"): v for k, v in raw.metadata.items() if k.startswith("fte_")
        }
        values = dict(zip(declared, _numbers([str(v).replace(",", ".") for v in declared.values()]),
                          strict=True))  # fmt: skip
        rows = tuple(FteRow(k, float(v), "aanlevering") for k, v in values.items()
                     if pd.notna(v) and v >= 0)  # fmt: skip
        if rows:
            return rows
    return inputs.fte_by_year.get((organisatiecode, periode.jaar), ())


PLAIN_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")  # "8.6": what FTE sheets hold


def _numbers(texts: list[str]) -> list[float]:
    """The texts as numbers, NaN where one is none, as `pd.to_numeric(errors="coerce")` reads
    them. Plain decimals ("8.6") are read by `float` (the same double: tested), the rest by
    pandas: a delivery's few FTE cells cost ~10 µs instead of ~0.2 ms a delivery."""
    if all(PLAIN_DECIMAL.fullmatch(text) for text in texts):
        return [float(text) for text in texts]
    return [float(v) for v in pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")]
