"""The national delivery template (xlsx), generated from the field catalogue.

One Incidenten column per field a profile can map (`schemas.fields.CATALOGUE`, in its order, under
its own name: the profile `nationaal_sjabloon` reads them back, a test holds the two together),
its validation from the field's kind and bounds, its help text from the field's description,
dropdowns from the national code lists. The
workbook is written in openpyxl's write-only mode with pinned zip timestamps and properties, so its
bytes depend only on its content and its time stamp (the sample writes its deliveries this way).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from pipeline.employers.template_text import EXPLANATION, NIL_HELP, ORGANISATIECODE_HELP
from schemas.codelists import load_codelists
from schemas.errors import PipelineError
from schemas.fields import (
    CATALOGUE,
    EARLIEST_INCIDENTDATUM,
    ORGANISATIECODE_PATTERN,
    FieldKind,
    FieldName,
    FieldSpec,
)
from schemas.incident import PERIODE_PATTERN
from schemas.vocabulary import ja_nee

EXPLANATION_SHEET, METADATA_SHEET = "Toelichting", "Aanlevering"
INCIDENTS_SHEET, CODELISTS_SHEET = "Incidenten", "Codelijsten"
SHEETS = (EXPLANATION_SHEET, METADATA_SHEET, INCIDENTS_SHEET, CODELISTS_SHEET)
FIRST_ROW, LAST_ROW = 2, 10_001  # data rows of Incidenten that carry the validations
LATEST_DATE = date(2099, 12, 31)
DATE_FORMAT = "dd-mm-yyyy"
FTE_BEROEPSGROEPEN = ("boa", "brandweer", "politie")
MAX_TEXT_LENGTH = 100  # a text field without its own max_length
TEMPLATE_STAMP = datetime(2025, 1, 1, 12, 0, 0)
FILE_MODE = 0o600 << 16

GEMEENTECODE_RULE = 'AND(LEN({c})=6,LEFT({c},2)="GM",ISNUMBER(--MID({c},3,4)))'
ORGANISATIECODE_RULE = (
    'OR(AND(LEN({c})=6,LEFT({c},2)="GM",ISNUMBER(--MID({c},3,4))),'
    'AND(LEN({c})=4,LEFT({c},2)="VR",ISNUMBER(--MID({c},3,2))),{c}="POL")'
)
PERIODE_RULE = 'AND(LEN({c})=6,ISNUMBER(--LEFT({c},4)),MID({c},5,1)="Q",ISNUMBER(FIND(RIGHT({c},1),"1234")))'  # fmt: skip


class TemplateError(PipelineError, ValueError):
    """The template cannot be made with these arguments (unknown beroepsgroep, bad code)."""


@dataclass(frozen=True)
class Aanlevering:
    """What the Aanlevering sheet declares; None leaves the value for the employer to fill."""

    organisatiecode: str | None = None
    periode: str | None = None
    beroepsgroep: str | None = None  # None: a row fte_<groep> for boa, brandweer and politie
    fte: float | None = None
    geen_incidenten: bool | None = None


@dataclass(frozen=True)
class Column:
    """One column of the Incidenten sheet: its name, width, number format and validation."""

    name: str
    width: float
    number_format: str | None
    validation: DataValidation


def template_fields(catalogue: tuple[FieldSpec, ...] = CATALOGUE) -> tuple[FieldSpec, ...]:
    """The fields with a column on Incidenten: every field a profile can map, in catalogue order."""
    return tuple(spec for spec in catalogue if spec.mappable)


def incident_columns(catalogue: tuple[FieldSpec, ...] = CATALOGUE) -> tuple[str, ...]:
    """The Incidenten columns, named as the fields (and as the profile `nationaal_sjabloon`)."""
    return tuple(spec.name for spec in template_fields(catalogue))


def _validation(kind: str, prompt: str, title: str, **options: Any) -> DataValidation:
    """A data validation with a Dutch input prompt and error message."""
    error = options.pop("error", "Deze waarde past niet. Zie het tabblad Toelichting.")
    return DataValidation(
        type=kind, allow_blank=True, showInputMessage=True, showErrorMessage=True,
        promptTitle=title[:32], prompt=prompt[:255], errorTitle="Ongeldige waarde",
        error=error[:255], **options,
    )  # fmt: skip


def _codelist_ranges() -> dict[str, str]:
    """Per code list the range of its codes on the Codelijsten sheet (column B)."""
    ranges, row = {}, 2
    for name, codes in load_codelists().lists.items():
        ranges[name] = f"{CODELISTS_SHEET}!$B${row}:$B${row + len(codes) - 1}"
        row += len(codes)
    return ranges


def _column_validation(spec: FieldSpec, letter: str) -> tuple[DataValidation, str | None]:
    """The validation of a field's column (by its kind and bounds) and its number format."""
    prompt, name, first = spec.description, spec.name, f"{letter}{FIRST_ROW}"
    if spec.codelist is not None:
        style = "information"  # a label or synonym (Telefoon, Geen) is accepted too
        codes = _codelist_ranges()[spec.codelist]
        return _validation("list", prompt, name, formula1=codes, errorStyle=style), None
    if spec.kind is FieldKind.DATE:
        limits = {
            "formula1": _excel_date(spec.earliest or EARLIEST_INCIDENTDATUM),
            "formula2": _excel_date(LATEST_DATE),
        }
        return _validation("date", prompt, name, operator="between", **limits), DATE_FORMAT
    if spec.kind is FieldKind.TIME:
        limits = {"formula1": "TIME(0,0,0)", "formula2": "TIME(23,59,59)"}
        return _validation("time", prompt, name, operator="between", **limits), "hh:mm"
    if spec.kind is FieldKind.INTEGER:
        bound = {"operator": "greaterThanOrEqual", "formula1": str(spec.minimum or 0)}
        return _validation("whole", prompt, name, **bound), None
    if spec.kind is FieldKind.GEMEENTECODE:
        rule = GEMEENTECODE_RULE.format(c=first)
        return _validation("custom", prompt, name, formula1=rule), None
    length = {"operator": "lessThanOrEqual", "formula1": str(spec.max_length or MAX_TEXT_LENGTH)}
    return _validation("textLength", prompt, name, **length), None


def _excel_date(day: date) -> str:
    """A date as an Excel formula, for validation limits."""
    return f"DATE({day.year},{day.month},{day.day})"


@cache
def template_columns(catalogue: tuple[FieldSpec, ...] = CATALOGUE) -> tuple[Column, ...]:
    """Every Incidenten column with its width, number format and validation (built once)."""
    columns = []
    for index, spec in enumerate(template_fields(catalogue), start=1):
        letter = get_column_letter(index)
        validation, number_format = _column_validation(spec, letter)
        validation.add(f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}")
        columns.append(
            Column(spec.name, max(14.0, len(spec.name) + 4.0), number_format, validation)
        )
    return tuple(columns)


def _check(aanlevering: Aanlevering) -> None:
    """Refuse an unknown beroepsgroep or a malformed organisatiecode or periode."""
    groups = load_codelists().for_field(FieldName.BEROEPSGROEP)
    if aanlevering.beroepsgroep is not None and aanlevering.beroepsgroep not in groups:
        raise TemplateError(f"beroepsgroep {aanlevering.beroepsgroep!r} is geen van {groups}")
    code, periode = aanlevering.organisatiecode, aanlevering.periode
    if code is not None and not re.match(ORGANISATIECODE_PATTERN, code):
        raise TemplateError(f"organisatiecode {code!r} heeft niet de vorm GM0363, VR13 of POL")
    if periode is not None and not re.match(PERIODE_PATTERN, periode):
        raise TemplateError(f"periode {periode!r} heeft niet de vorm 2025Q1")


def _metadata_rows(aanlevering: Aanlevering) -> list[tuple[str, Any, str]]:
    """The Aanlevering rows: veld, waarde, toelichting."""
    own = aanlevering.beroepsgroep or load_codelists().default_beroepsgroep(
        aanlevering.organisatiecode or ""
    )  # an organisation is asked only for its own fte
    groups = (own,) if own else FTE_BEROEPSGROEPEN
    geen = aanlevering.geen_incidenten
    nil = None if geen is None else ja_nee(geen)
    return [
        ("veld", "waarde", "toelichting"),
        ("organisatiecode", aanlevering.organisatiecode, ORGANISATIECODE_HELP),
        ("periode", aanlevering.periode, "jaar en kwartaal, bijvoorbeeld 2025Q1"),
        *((f"fte_{g}", aanlevering.fte, f"aantal fte {g} (getal, 0 of meer)") for g in groups),
        ("geen_incidenten", nil, NIL_HELP),
    ]


@cache
def _metadata_validations(fte_rows: int) -> tuple[DataValidation, ...]:
    """Validations of the Aanlevering values (column B), for this many fte rows."""
    fte_end, nil_row = 3 + fte_rows, 4 + fte_rows
    rules = (
        _validation("custom", "Uw organisatiecode: GMnnnn, VRnn of POL.", "organisatiecode",
                    formula1=ORGANISATIECODE_RULE.format(c="B2")),
        _validation("custom", "Jaar en kwartaal, bijvoorbeeld 2025Q1.", "periode",
                    formula1=PERIODE_RULE.format(c="B3")),
        _validation("decimal", "Aantal fte, een getal van 0 of meer.", "fte",
                    operator="greaterThanOrEqual", formula1="0"),
        _validation("list", "ja = geen incidenten in deze periode; anders nee.",
                    "geen_incidenten", formula1='"ja,nee"'),
    )  # fmt: skip
    for rule, cells in zip(rules, ("B2", "B3", f"B4:B{fte_end}", f"B{nil_row}"), strict=True):
        rule.add(cells)
    return rules


@cache
def _codelist_rows() -> list[tuple[str, ...]]:
    """The Codelijsten table: lijst, code, label, omschrijving; one row per code."""
    header = ("lijst", "code", "label", "omschrijving")
    lists = load_codelists().lists
    return [header, *((n, c.code, c.label, c.description) for n, cs in lists.items() for c in cs)]


@cache
def _explanation_rows(catalogue: tuple[FieldSpec, ...] = CATALOGUE) -> list[tuple[str, ...]]:
    """The Toelichting sheet: how to fill it in, then one line per Incidenten column."""
    columns = [(spec.name, ja_nee(spec.required), spec.description)
               for spec in template_fields(catalogue)]  # fmt: skip
    return [(line,) for line in EXPLANATION] + [("kolom", "verplicht", "uitleg"), *columns]


def _bold_row(sheet: WriteOnlyWorksheet, values: Sequence[Any]) -> list[WriteOnlyCell]:
    """A header row in bold."""
    cells = [WriteOnlyCell(sheet, value=value) for value in values]
    for cell in cells:
        cell.font = Font(bold=True)
    return cells


def _value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A value ready to append; a date becomes a date cell shown as dd-mm-jjjj."""
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _add_sheet(workbook: Workbook, name: str, rows: Sequence[Sequence[Any]], *,
               widths: Sequence[float], header: int | None = 1) -> WriteOnlyWorksheet:  # fmt: skip
    """Add a write-only sheet with column widths and its header row (1-based) in bold."""
    sheet = workbook.create_sheet(name)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for number, row in enumerate(rows, start=1):
        sheet.append(_bold_row(sheet, row) if number == header else [_value(sheet, v) for v in row])
    return sheet


def _incidents_sheet(
    workbook: Workbook, rows: Iterable[Sequence[Any]], catalogue: tuple[FieldSpec, ...]
) -> None:
    """Add Incidenten: header frozen, widths, number formats and a validation per column."""
    columns = template_columns(catalogue)
    sheet = workbook.create_sheet(INCIDENTS_SHEET)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.number_format:
            dimension.number_format = column.number_format
        sheet.data_validations.append(column.validation)
    sheet.append(_bold_row(sheet, [c.name for c in columns]))
    for row in rows:
        sheet.append([_value(sheet, value) for value in row])


def build_template(
    aanlevering: Aanlevering,
    rows: Iterable[Sequence[Any]] = (),
    catalogue: tuple[FieldSpec, ...] = CATALOGUE,
) -> Workbook:
    """The template as a write-only workbook; `rows` fill Incidenten in `incident_columns()` order."""
    _check(aanlevering)
    workbook = Workbook(write_only=True)
    metadata = _metadata_rows(aanlevering)
    explanation = _explanation_rows(catalogue)
    _add_sheet(workbook, EXPLANATION_SHEET, explanation, widths=(24, 10, 90),
               header=len(EXPLANATION) + 1)  # fmt: skip
    sheet = _add_sheet(workbook, METADATA_SHEET, metadata, widths=(18, 14, 70))
    fte_rows = sum(1 for key, *_ in metadata if key.startswith("fte_"))
    for rule in _metadata_validations(fte_rows):
        sheet.data_validations.append(rule)
    _incidents_sheet(workbook, rows, catalogue)
    _add_sheet(workbook, CODELISTS_SHEET, _codelist_rows(), widths=(14, 22, 24, 90))
    return workbook


class _PinnedZipFile(zipfile.ZipFile):
    """A zip archive whose members all carry the same timestamp."""

    def __init__(self, target: Path | IO[bytes], stamp: datetime) -> None:
        """Open the archive for writing with deflate compression."""
        super().__init__(target, "w", zipfile.ZIP_DEFLATED)
        self.stamp = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Write a member with the pinned timestamp."""
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            info.compress_type = self.compression
            info.external_attr = FILE_MODE
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Copy a file into the archive with the pinned timestamp."""
        data = Path(filename).read_bytes()
        self.writestr(str(arcname or filename), data, compress_type, compresslevel)


def save_reproducibly(
    workbook: Workbook, target: Path | IO[bytes], stamp: datetime, creator: str = "monitor"
) -> None:
    """Save a workbook so its bytes depend only on its content and `stamp` (properties, zip)."""
    workbook.properties.creator = creator
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    with _PinnedZipFile(target, stamp) as archive:
        ExcelWriter(workbook, archive).save()


def write_template(
    path: Path,
    *,
    beroepsgroep: str | None = None,
    organisatiecode: str | None = None,
    periode: str | None = None,
    stamp: datetime = TEMPLATE_STAMP,
) -> None:
    """Write an empty national template for employers to fill (`monitor template --out FILE`)."""
    aanlevering = Aanlevering(organisatiecode, periode, beroepsgroep)
    save_reproducibly(build_template(aanlevering), path, stamp)
