"""Reference data: organisations, herindelingen and FTE (DESIGN §3, §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import pandas as pd

from pipeline.ingest.reference_files import (
    FteRow,
    GemeenteRow,
    HerindelingRow,
    LevertVoorRow,
    RegioRow,
    read_rows,
    refuse_duplicates,
    refuse_unknown,
)
from schemas.errors import ReferenceDataError
from schemas.incident import OrganisatieSoort, Periode

POLITIE_CODE = "POL"
BEROEPSGROEP_BY_SOORT = {
    OrganisatieSoort.GEMEENTE: "boa",
    OrganisatieSoort.VEILIGHEIDSREGIO: "brandweer",
    OrganisatieSoort.POLITIE: "politie",
}


@dataclass(frozen=True)
class Reference:
    """The reference tables, read once."""

    gemeenten: pd.DataFrame
    veiligheidsregios: pd.DataFrame
    herindelingen: pd.DataFrame
    successor: dict[str, str] = field(default_factory=dict)  # old gemeentecode → today's
    split_codes: frozenset[str] = frozenset()  # old codes split over several gemeenten

    def organisations(self) -> pd.DataFrame:
        """Every expected organisation: 342 gemeenten, 25 veiligheidsregio's, politie."""
        gm = self.gemeenten.assign(soort=OrganisatieSoort.GEMEENTE.value)
        gm = gm.rename(columns={"gemeentecode": "organisatiecode", "gemeentenaam": "naam"})
        vr = self.veiligheidsregios.assign(
            soort=OrganisatieSoort.VEILIGHEIDSREGIO.value,
            organisatiecode=self.veiligheidsregios["veiligheidsregiocode"],
            naam=self.veiligheidsregios["veiligheidsregionaam"],
        )
        pol = pd.DataFrame([{"organisatiecode": POLITIE_CODE, "naam": "Nationale Politie",
                             "soort": OrganisatieSoort.POLITIE.value}])  # fmt: skip
        cols = ["organisatiecode", "naam", "soort", "veiligheidsregiocode", "provinciecode"]
        orgs = pd.concat([gm, vr, pol], ignore_index=True).reindex(columns=cols)
        orgs["beroepsgroep"] = orgs["soort"].map(
            {s.value: b for s, b in BEROEPSGROEP_BY_SOORT.items()}
        )
        return orgs

    @cached_property
    def organisation_names(self) -> dict[str, str]:
        """Organisatiecode → name, for every expected organisation."""
        orgs = self.organisations()
        return dict(zip(orgs["organisatiecode"], orgs["naam"].astype(str), strict=True))

    def current_code(self, code: str) -> str:
        """Today's organisatie- or gemeentecode for a code (itself when it still exists)."""
        return self.successor.get(code, code)

    def is_known_organisation(self, code: str) -> bool:
        """True for a code of an expected organisation (after herindeling)."""
        current = self.current_code(code)
        return current == POLITIE_CODE or current in self._org_codes

    @cached_property
    def _org_codes(self) -> frozenset[str]:  # asked for every delivery: built once
        return frozenset(self.gemeenten["gemeentecode"]) | frozenset(
            self.veiligheidsregios["veiligheidsregiocode"]
        )

    def gemeente_by_name(self) -> dict[str, str]:
        """Lower-cased CBS gemeentenaam (today's and former) → its gemeentecode."""
        names = dict(zip(self.gemeenten["gemeentenaam"].str.lower(),
                         self.gemeenten["gemeentecode"], strict=True))  # fmt: skip
        old = self.herindelingen.drop_duplicates("oude_gemeentecode")
        for name, code in zip(old["oude_gemeentenaam"], old["oude_gemeentecode"], strict=True):
            names.setdefault(str(name).lower(), str(code))
        return names


def _successors(herindelingen: pd.DataFrame) -> tuple[dict[str, str], frozenset[str]]:
    """Old code → today's code, following chains; a split maps to its legal successor."""
    direct: dict[str, str] = {}
    split: set[str] = set()
    for row in herindelingen.itertuples(index=False):
        old, new = str(row.oude_gemeentecode), str(row.nieuwe_gemeentecode)
        if row.deel == "gedeeltelijk":
            split.add(old)
            if "opvolger" not in str(row.toelichting):
                continue  # only the (rechts)opvolger takes over the organisation
        direct[old] = new
    resolved = {}
    for old in direct:
        code, seen = old, set()
        while code in direct and code not in seen:
            seen.add(code)
            code = direct[code]
        resolved[old] = code
    return resolved, frozenset(split)


@cache
def load_reference(reference_dir: Path) -> Reference:
    """Read and validate the reference CSVs; a broken file fails naming file, line and problem."""
    gemeenten = read_rows(reference_dir / "gemeenten.csv", GemeenteRow,
                          ["gemeentecode", "gemeentenaam", "veiligheidsregiocode"])  # fmt: skip
    regios = read_rows(reference_dir / "veiligheidsregios.csv", RegioRow,
                       ["veiligheidsregiocode", "veiligheidsregionaam"])  # fmt: skip
    herindelingen = read_rows(reference_dir / "herindelingen.csv", HerindelingRow,
                              ["oude_gemeentecode", "nieuwe_gemeentecode", "deel",
                               "oude_gemeentenaam", "toelichting"])  # fmt: skip
    if len(gemeenten) == 0:
        raise ReferenceDataError(f"{reference_dir / 'gemeenten.csv'}: geen gemeenten")
    refuse_duplicates(reference_dir / "gemeenten.csv", gemeenten, ["gemeentecode"])
    refuse_duplicates(reference_dir / "veiligheidsregios.csv", regios, ["veiligheidsregiocode"])
    regions = set(regios["veiligheidsregiocode"])
    refuse_unknown(reference_dir / "gemeenten.csv", gemeenten, "veiligheidsregiocode", regions,
                   "veiligheidsregio")  # fmt: skip
    path = reference_dir / "herindelingen.csv"
    refuse_duplicates(path, herindelingen, ["oude_gemeentecode", "nieuwe_gemeentecode"])
    known = set(gemeenten["gemeentecode"]) | set(herindelingen["oude_gemeentecode"])
    refuse_unknown(path, herindelingen, "nieuwe_gemeentecode", known, "nieuwe gemeente")
    successor, split = _successors(herindelingen)
    return Reference(gemeenten, regios, herindelingen, successor, split)


def load_fte(fte_dir: Path, jaar: int, reference: Reference | None = None) -> pd.DataFrame:
    """The Taskforce's FTE file for one year: organisatiecode, beroepsgroep, jaar, fte.

    Every row is validated (a number ≥ 0, a quoted decimal comma accepted); with `reference`,
    unknown organisations and a repeated organisation and beroepsgroep are refused too.
    """
    path = fte_dir / f"fte_{jaar}.csv"
    if not path.is_file():
        return pd.DataFrame(columns=["organisatiecode", "beroepsgroep", "jaar", "fte"])
    frame = read_rows(path, FteRow, ["organisatiecode", "beroepsgroep", "fte"])
    frame["organisatiecode"] = frame["organisatiecode"].str.strip().str.upper()
    frame["beroepsgroep"] = frame["beroepsgroep"].str.strip().str.lower()
    refuse_duplicates(path, frame, ["organisatiecode", "beroepsgroep"])
    if reference is not None:
        known = {c for c in frame["organisatiecode"] if reference.is_known_organisation(c)}
        refuse_unknown(path, frame, "organisatiecode", known, "organisatie")
    frame["fte"] = [FteRow._fte(v) for v in frame["fte"]]
    frame["jaar"] = jaar
    return frame[["organisatiecode", "beroepsgroep", "jaar", "fte"]].reset_index(drop=True)


LEVERT_VOOR_FILE = "levert_voor.csv"
LEVERT_VOOR_COLUMNS = ["leverancier", "organisatiecode", "vanaf", "tot", "toelichting"]


def load_levert_voor(directory: Path, reference: Reference) -> pd.DataFrame:
    """The Taskforce's covered-by relations: `leverancier` delivers for `organisatiecode`.

    `vanaf`/`tot` are periods (`2025Q1`); an empty `tot` is open-ended. No file: no relations.
    Codes are taken to today's codes; an unknown code or period fails loudly.
    """
    path = directory / LEVERT_VOOR_FILE
    if not path.is_file():
        return pd.DataFrame(columns=LEVERT_VOOR_COLUMNS)
    frame = read_rows(path, LevertVoorRow, ["leverancier", "organisatiecode", "vanaf", "tot"])
    for column in ("leverancier", "organisatiecode"):
        known = {c.strip().upper() for c in frame[column]
                 if reference.is_known_organisation(c.strip().upper())}  # fmt: skip
        refuse_unknown(path, frame, column, known, "organisatie")
    refuse_duplicates(path, frame, ["leverancier", "organisatiecode", "vanaf"])
    frame = frame.reindex(columns=LEVERT_VOOR_COLUMNS).fillna("")
    for column in ("leverancier", "organisatiecode"):
        frame[column] = [reference.current_code(c.strip().upper()) for c in frame[column]]
    for column in ("vanaf", "tot"):
        frame[column] = frame[column].str.strip().str.upper().replace("", None)
    return frame


def quarter_calendar(
    first_year: int, last_year: int, deadline_days: int, start_periode: str | None = None
) -> pd.DataFrame:
    """Every quarter of the years with its first and last day and its delivery deadline.

    `verwacht`: the quarter lies on or after the configured start period (`MONITOR_START_PERIODE`),
    so every organisation owes it once it has ended; missing (NULL) when no start is configured.
    """
    rows = []
    for jaar in range(first_year, last_year + 1):
        for kwartaal in range(1, 5):
            periode = Periode(jaar=jaar, kwartaal=kwartaal)
            rows.append({"periode": periode.code, "jaar": jaar, "kwartaal": kwartaal,
                         "begindatum": periode.start, "einddatum": periode.end,
                         "uiterste_leverdatum": periode.end + dt.timedelta(days=deadline_days),
                         "verwacht": None if start_periode is None
                         else periode.code >= start_periode})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["verwacht"] = frame["verwacht"].astype("boolean")
    dates = ["begindatum", "einddatum", "uiterste_leverdatum"]
    return frame.astype(dict.fromkeys(dates, "date32[pyarrow]"))
