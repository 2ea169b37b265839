"""Reference data: organisations, herindelingen and FTE (DESIGN §3, §4)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import pandas as pd

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
        return current == POLITIE_CODE or current in self._org_codes()

    def _org_codes(self) -> frozenset[str]:
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
    """Read the reference CSVs; fail loudly when one is missing or malformed."""
    try:
        read = lambda name: pd.read_csv(reference_dir / name, dtype=str, keep_default_na=False)  # noqa: E731
        gemeenten = read("gemeenten.csv")
        regios = read("veiligheidsregios.csv")
        herindelingen = read("herindelingen.csv")
    except (OSError, pd.errors.ParserError) as exc:
        raise ReferenceDataError(f"reference data in {reference_dir} unreadable: {exc}") from exc
    if len(gemeenten) == 0 or gemeenten["gemeentecode"].duplicated().any():
        raise ReferenceDataError(f"{reference_dir}/gemeenten.csv: empty or duplicate codes")
    successor, split = _successors(herindelingen)
    return Reference(gemeenten, regios, herindelingen, successor, split)


def load_fte(fte_dir: Path, jaar: int) -> pd.DataFrame:
    """The Taskforce's FTE file for one year: organisatiecode, beroepsgroep, jaar, fte."""
    path = fte_dir / f"fte_{jaar}.csv"
    if not path.is_file():
        return pd.DataFrame(columns=["organisatiecode", "beroepsgroep", "jaar", "fte"])
    frame = pd.read_csv(path, dtype={"organisatiecode": str, "beroepsgroep": str})
    missing = {"organisatiecode", "beroepsgroep", "fte"} - set(frame.columns)
    if missing:
        raise ReferenceDataError(f"{path}: columns {sorted(missing)} missing")
    frame["jaar"] = jaar
    return frame[["organisatiecode", "beroepsgroep", "jaar", "fte"]]


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
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(LEVERT_VOOR_COLUMNS) - set(frame.columns) - {"toelichting"}
    if missing:
        raise ReferenceDataError(f"{path}: columns {sorted(missing)} missing")
    frame = frame.reindex(columns=LEVERT_VOOR_COLUMNS).fillna("")
    for number, row in enumerate(frame.itertuples(index=False), start=2):
        for code in (row.leverancier, row.organisatiecode):
            if not reference.is_known_organisation(code.strip().upper()):
                raise ReferenceDataError(f"{path}, regel {number}: organisatie {code!r} onbekend")
        for period in (row.vanaf, row.tot):
            if period and not re.fullmatch(r"\d{4}Q[1-4]", period.strip().upper()):
                raise ReferenceDataError(
                    f"{path}, regel {number}: periode {period!r} is geen jjjjQk"
                )
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
