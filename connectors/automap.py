"""Map a file no profile knows: Dutch header synonyms and fuzzy matching, a confidence per field.

The synonyms are data (`synonyms.yaml`). A suggestion becomes a `MappingProfile` (used directly
when every required field is placed with confidence) or a draft YAML profile to review and save.
Source values that map to no national code are left out of `codes`: they become E02 edits, never
a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from rapidfuzz import fuzz, process

from connectors.base import RawTable
from connectors.periods import without_period
from schemas.codelists import FIELD_CODELIST, fold, load_codelists
from schemas.fields import FieldName
from schemas.profile import (
    DATE_FIELDS,
    GEMEENTE_FIELDS,
    INTEGER_FIELDS,
    MAPPABLE_FIELDS,
    MULTI_CODE_FIELDS,
    REQUIRED_FIELDS,
    TIME_FIELDS,
    DeliverySource,
    FieldMap,
    GemeenteTransform,
    MappingProfile,
    ReaderOptions,
)
from schemas.rows import ROW_COLUMN
from schemas.vocabulary import JA, NEE, NO_SPELLINGS

SYNONYMS_FILE = Path(__file__).with_name("synonyms.yaml")
MIN_CONFIDENCE = 0.85  # every required field must be placed at least this sure to load
PLACE_CONFIDENCE = 0.8  # below this a header is not placed at all
VALUE_CONFIDENCE = 0.9  # a source value maps to a code by fuzzy match only this sure
# Several codes in one cell, as the harmonisation splits them when a profile names no separator.
TICK_FIELD = FieldName.GEDRAGSTYPEN.value  # the field a row of tick-box columns fills
MULTI_SPLIT = re.compile(r"(?i)\s*[,;/|]\s*|\s+en\s+")
PERIOD = re.compile(r"(?P<jaar>20\d{2})(?P<mid>\s*[-_ ]?\s*(?:Q|K|kw)\s*)(?P<kwartaal>[1-4])", re.I)


@dataclass(frozen=True)
class Synonyms:
    """The synonyms file: header synonyms per field, source labels per code list."""

    fields: dict[str, tuple[str, ...]]
    codes: dict[str, dict[str, str | None]]
    tick_values: tuple[str, ...]
    beroepsgroep_by_org: dict[str, str]


@cache
def load_synonyms(path: Path = SYNONYMS_FILE) -> Synonyms:
    """Read the synonyms; a field or code that the national model lacks is an error."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = {f: tuple(norm(s) for s in names) for f, names in data["fields"].items()}
    unknown = sorted(set(fields) - set(MAPPABLE_FIELDS))
    if unknown:
        raise ValueError(f"{path.name}: unknown fields {unknown}")
    lists = load_codelists()
    codes = {name: dict(lists.lookup(name)) for name in lists.lists}  # data per code list
    ticks = tuple(norm(str(v)) for v in data["tick_values"])
    return Synonyms(fields, codes, ticks, dict(lists.beroepsgroep_by_org))


def norm(text: object) -> str:
    """Text as compared: no accents, lower case, punctuation as spaces, single spaces."""
    return fold(text)


def expected_headers() -> tuple[str, ...]:
    """Every header synonym and behaviour-type label: what a header row is recognised by."""
    syn = load_synonyms()
    labels = [c.label for c in load_codelists().lists["gedragstype"]]
    return tuple(s for names in syn.fields.values() for s in names) + tuple(labels)


@dataclass(frozen=True)
class Suggestion:
    """A proposed mapping of one file: per field how it is filled, and how sure that is."""

    file_name: str
    reader: ReaderOptions
    fields: dict[str, FieldMap]
    confidence: dict[str, float]  # field → 0..1
    unplaced_columns: tuple[str, ...]
    unmapped_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ignore_reasons: dict[str, str] = field(default_factory=dict)  # column → why it is left out

    def missing_required(self) -> list[str]:
        """Required fields not placed, or placed less sure than MIN_CONFIDENCE."""
        return [f for f in REQUIRED_FIELDS
                if f not in self.fields or self.confidence.get(f, 0.0) < MIN_CONFIDENCE]  # fmt: skip

    def to_profile(self, profile_id: str) -> MappingProfile:
        """The suggestion as a validated profile (fails when a required field is missing)."""
        return MappingProfile.model_validate(self._profile_data(profile_id))

    def _profile_data(self, profile_id: str) -> dict[str, Any]:
        return {
            "id": profile_id,
            "version": 1,
            "title": f"Automatisch voorstel voor {self.file_name}",
            "file_pattern": file_pattern(self.file_name),
            "reader": self.reader.model_dump(mode="json", exclude_defaults=True) | {
                "kind": self.reader.kind.value},
            "delivery": DeliverySource(fte="reference").model_dump(mode="json", exclude_none=True),
            "fields": {n: _field_data(m) for n, m in self.fields.items()},
            "ignore": list(self.unplaced_columns),
        }  # fmt: skip

    def to_yaml(self, profile_id: str) -> str:
        """A draft profile as YAML, with the confidence of each field as a comment."""
        data = self._profile_data(profile_id)
        fields, ignore = data.pop("fields"), data.pop("ignore")
        lines = [f"# Conceptprofiel voor {self.file_name}, automatisch voorgesteld.",
                 "# Controleer elke kolom en code; zekerheid 0..1 staat per veld vermeld.",
                 _dump(data).rstrip(), "fields:"]  # fmt: skip
        for name, mapping in fields.items():
            lines.append(f"  # {name}: zekerheid {self.confidence.get(name, 0.0):.2f}")
            for value in self.unmapped_values.get(name, ()):
                close = load_codelists().suggest(FIELD_CODELIST[name], value)
                hint = f" (bedoelde u: {' of '.join(close)}?)" if close else ""
                lines.append(f"  #   waarde {value!r} niet herkend{hint}: vul een code in of "
                             "laat de melding (E02/W06) staan")  # fmt: skip
            lines.append(_indent(_dump({name: mapping})))
        for name in self.missing_required():
            if name not in fields:
                lines.append(f"  # ONTBREEKT (verplicht): {name} — geen kolom gevonden")
        lines.append("# Kolommen die niet geplaatst konden worden (controleer ze), met de reden:")
        lines.append(_dump({"ignore": ignore}).rstrip())
        lines += [f"#   {c}: {self.ignore_reasons[c]}" for c in ignore if c in self.ignore_reasons]
        return "\n".join(lines) + "\n"


def _field_data(mapping: FieldMap) -> dict[str, Any]:
    data = mapping.model_dump(mode="json", exclude_defaults=True)
    if mapping.ticks:
        data["tick_values"] = list(mapping.tick_values)
    return data


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.rstrip().splitlines())


ORGANISATION_IN_NAME = re.compile(r"(?<![a-z0-9])(gm\d{4}|vr\d{2}|pol)(?![a-z0-9])", re.I)


def profile_id_for(file_name: str, organisatiecode: str | None = None) -> str:
    """A profile id after the organisation and the system, not the period: the file stem
    without its period and organisation code, prefixed by the organisation (`gm0363_export`)."""
    stem = without_period(Path(file_name).stem)
    found = ORGANISATION_IN_NAME.search(stem)
    org = (organisatiecode or (found.group(1) if found else "")).lower()
    stem = ORGANISATION_IN_NAME.sub(" ", stem)
    system = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_") or "export"
    name = f"{org}_{system}" if org else system
    return name if re.match(r"^[a-z]", name) else f"profiel_{name}".rstrip("_")


def file_pattern(file_name: str) -> str:
    """An exact-name regex; a period in the name becomes `jaar`/`kwartaal` groups (any period)."""
    match = PERIOD.search(file_name)
    if match is None:
        return f"^{re.escape(file_name)}$"
    head, tail = file_name[: match.start()], file_name[match.end() :]
    return (f"^{re.escape(head)}(?P<jaar>\\d{{4}}){re.escape(match['mid'])}"
            f"(?P<kwartaal>[1-4]){re.escape(tail)}$")  # fmt: skip


def header_score(header: str, names: tuple[str, ...]) -> float:
    """How well a header matches a list of synonyms: 1.0 exact, else the best fuzzy score."""
    text = norm(header)
    if not text or not names:
        return 0.0
    if text in names:
        return 1.0
    best = process.extractOne(text, names, scorer=fuzz.token_sort_ratio)
    return float(best[1]) / 100 * 0.99 if best else 0.0  # fuzzy never equals exact


def suggest_profile(
    raw: RawTable, file_name: str, reader: ReaderOptions, organisatiecode: str | None = None
) -> Suggestion:
    """Place the file's columns on national fields, greedily by confidence, one field a column."""
    syn = load_synonyms()
    columns = [str(c) for c in raw.cells.columns.tolist() if c != ROW_COLUMN]
    fields: dict[str, FieldMap] = {}
    confidence: dict[str, float] = {}
    unmapped: dict[str, tuple[str, ...]] = {}
    ticks, tick_score = _tick_columns(raw.cells, columns)
    if ticks:
        values = sorted({v for c in ticks.values() for v in _distinct(raw.cells[c])})
        fields[TICK_FIELD] = FieldMap(ticks=ticks, tick_values=tuple(values))
        confidence[TICK_FIELD] = tick_score
    used = set(ticks.values())
    placed, reasons = _place(raw.cells, columns, used, skip=set(fields))
    for name, column, score in placed:
        mapping, missing = _field_map(name, column, raw.cells[column])
        fields[name], confidence[name] = mapping, score
        used.add(column)
        if missing:
            unmapped[name] = missing
    org = (organisatiecode or "").upper()
    prefix = next((p for p in syn.beroepsgroep_by_org if org.startswith(p)), None)
    if "beroepsgroep" not in fields and prefix is not None:
        fields["beroepsgroep"] = FieldMap(constant=syn.beroepsgroep_by_org[prefix])
        confidence["beroepsgroep"] = 1.0
    ordered = {f: fields[f] for f in MAPPABLE_FIELDS if f in fields}
    unplaced = tuple(c for c in columns if c not in used)
    why = {c: reasons.get(c, "geen landelijk veld herkend in de kolomnaam") for c in unplaced}
    return Suggestion(file_name, reader, ordered, confidence, unplaced, unmapped, why)


def _place(
    cells: pd.DataFrame, columns: list[str], used: set[str], skip: set[str]
) -> tuple[list[tuple[str, str, float]], dict[str, str]]:
    """(field, column, confidence) pairs, greedy: the surest pair first, each side used once.

    A pair whose values do not fit the field (no dates for a date field, no numbers for a count,
    no code-list hits for a coded field) is not placed: a name alone is not enough. Returns also
    why a column that looked like a field was left out.
    """
    syn = load_synonyms()
    pairs = [(header_score(c, names), f, c) for f, names in syn.fields.items() if f not in skip
             for c in columns if c not in used]  # fmt: skip
    pairs.sort(key=lambda p: (-p[0], MAPPABLE_FIELDS.index(p[1]), columns.index(p[2])))
    placed: list[tuple[str, str, float]] = []
    reasons: dict[str, str] = {}
    taken_fields, taken_columns = set(skip), set(used)
    for score, name, column in pairs:
        if score < PLACE_CONFIDENCE or name in taken_fields or column in taken_columns:
            continue
        fit = value_fit(name, cells[column])
        if fit < MIN_VALUE_FIT:
            reasons.setdefault(column, f"lijkt op {name}, maar de waarden passen niet "
                                       f"({fit:.0%} {FIT_WORDS.get(_kind(name), 'herkend')})")  # fmt: skip
            continue
        placed.append((name, column, round(score, 2)))
        taken_fields.add(name)
        taken_columns.add(column)
    return placed, reasons


MIN_VALUE_FIT = 0.5  # at least this share of a column's distinct values must fit its field
DATE_LIKE = re.compile(
    r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{1,2}[\s-]+[a-z]+\.?[\s-]+\d{4}"
    r"|\d{5}(?:[.,]\d+)?)(?:[ t]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?\s*$",
    re.I,
)
TIME_LIKE = re.compile(r"^\s*(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d)?(?:\s*uur)?\s*$", re.I)
NUMBER_LIKE = re.compile(r"^\s*[+-]?\d+(?:[.,]0+)?\s*$")
FIT_WORDS = {"date": "datums", "time": "tijden", "number": "gehele getallen",
             "code": "waarden uit de codelijst"}  # fmt: skip


def _kind(name: str) -> str:
    if name in DATE_FIELDS:
        return "date"
    if name in TIME_FIELDS:
        return "time"
    if name in INTEGER_FIELDS:
        return "number"
    return "code" if name in FIELD_CODELIST else "text"


def value_fit(name: str, values: pd.Series) -> float:
    """Share of a column's distinct values that fit a field (1.0 for text or an empty column)."""
    distinct = _distinct(values)
    kind = _kind(name)
    if not distinct or kind == "text":
        return 1.0
    if kind == "code":
        table = load_codelists().lookup(FIELD_CODELIST[name])
        tokens = {t for v in distinct for t in MULTI_SPLIT.split(v) if t.strip()}
        if FIELD_CODELIST[name] == "janee":
            table = table | dict.fromkeys(load_synonyms().tick_values, JA) | dict.fromkeys(
                NO_SPELLINGS, NEE)  # fmt: skip
        return max(sum(norm(v) in table for v in distinct) / len(distinct),
                   sum(norm(t) in table for t in tokens) / max(len(tokens), 1))  # fmt: skip
    pattern = {"date": DATE_LIKE, "time": TIME_LIKE, "number": NUMBER_LIKE}[kind]
    return sum(bool(pattern.match(v)) for v in distinct) / len(distinct)


def _distinct(values: pd.Series) -> list[str]:
    """The distinct non-empty cells of a column, normalised the way the harmonisation compares."""
    return sorted({" ".join(str(v).split()).lower() for v in values.dropna()})


def _gedragstype_names() -> dict[str, str]:
    """Normalised name → gedragstype code: codes, labels and the synonyms' source labels."""
    names = {norm(c.code): c.code for c in load_codelists().lists["gedragstype"]}
    names |= {norm(c.label): c.code for c in load_codelists().lists["gedragstype"]}
    extra = load_synonyms().codes.get("gedragstype", {})
    names |= {k: v for k, v in extra.items() if v is not None}
    return names


def _tick_columns(cells: pd.DataFrame, columns: list[str]) -> tuple[dict[str, str], float]:
    """Columns named after a behaviour type whose cells are only ticks: code → column."""
    syn = load_synonyms()
    header_words = {s for names in syn.fields.values() for s in names}
    names = _gedragstype_names()
    ticks: dict[str, str] = {}
    scores: list[float] = []
    for column in columns:
        text = norm(column)
        values = _distinct(cells[column])
        code, score = load_codelists().meaning("gedragstype", column), 1.0
        if text in header_words or not set(values) <= set(syn.tick_values):
            continue
        if not values and code is None:  # an empty column is a tick box only by its name
            continue
        if code is None:  # by meaning first, else a near spelling of a name
            best = process.extractOne(text, list(names), scorer=fuzz.token_sort_ratio)
            code, score = names[best[0]], best[1] / 100 * 0.99
        if score >= VALUE_CONFIDENCE and code not in ticks:
            ticks[code] = column
            scores.append(float(score))
    return ticks, min(scores, default=0.0)


def _field_map(name: str, column: str, values: pd.Series) -> tuple[FieldMap, tuple[str, ...]]:
    """How one placed column fills its field; and the source values no code was found for."""
    if name in GEMEENTE_FIELDS:
        return FieldMap(column=column, transform=_gemeente_transform(values)), ()
    listname = FIELD_CODELIST.get(name)
    if listname is None:
        return FieldMap(column=column), ()
    observed = _distinct(values)
    if name in MULTI_CODE_FIELDS:
        observed = sorted({t for v in observed for t in MULTI_SPLIT.split(v) if t.strip()}
                          | set(observed))  # fmt: skip
    codes, missing = map_values(observed, listname)
    if name in MULTI_CODE_FIELDS:  # a whole cell that splits into known codes is not a miss
        missing = [v for v in missing if not all(t in codes or t in _allowed(listname)
                                                 for t in MULTI_SPLIT.split(v) if t.strip())]  # fmt: skip
    return FieldMap(column=column, codes=codes, yes_no_variants=listname == "janee"), tuple(missing)


def _allowed(listname: str) -> set[str]:
    return set(load_codelists().codes(listname))


def map_values(observed: list[str], listname: str) -> tuple[dict[str, str | None], list[str]]:
    """Source values → national codes by code, label or synonym; and the misses.

    A near miss is never mapped: it stays unmapped (E02 or W06 with a "bedoelde u" hint)."""
    allowed = _allowed(listname)
    table: dict[str, str | None] = dict(load_codelists().lookup(listname))
    if listname == "janee":
        table |= dict.fromkeys(load_synonyms().tick_values, JA)
        table |= dict.fromkeys(NO_SPELLINGS, NEE)
    codes: dict[str, str | None] = {}
    missing: list[str] = []
    for value in observed:
        if value in allowed:
            continue  # a national code maps itself
        if norm(value) in table:
            codes[value] = table[norm(value)]
        else:
            missing.append(value)
    return codes, missing


def _gemeente_transform(values: pd.Series) -> GemeenteTransform:
    """How the column writes a gemeente: GM codes, bare numbers or names."""
    text = values.dropna().astype(str).str.strip()
    if len(text) and text.str.upper().str.fullmatch(r"GM\d{4}").mean() >= 0.5:
        return GemeenteTransform.CODE
    if len(text) and text.str.fullmatch(r"\d{1,4}").mean() >= 0.5:
        return GemeenteTransform.NUMMER
    return GemeenteTransform.NAAM
