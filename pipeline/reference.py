"""Reference data: organisations, herindelingen and FTE (DESIGN §3, §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from schemas.errors import ReferenceDataError
from schemas.incident import OrganisatieSoort

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
