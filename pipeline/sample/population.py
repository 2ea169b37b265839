"""The organisations of the sample: reference data, source formats, FTE and yearly volumes."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.sample.model import (
    BRANDWEER,
    GIR,
    POLITIE,
    TEMPLATE,
    VENDOR_CSV,
    Organisation,
    SampleError,
)

POLITIE_CODE = "POL"
LEGACY_SUCCESSOR = "GM1992"
YEARLY_VOLUME = {"politie": 12_500.0, "boa": 9_000.0, "brandweer": 3_500.0}
TEMPLATE_SHARE = 0.40
GIR_SHARE = 0.35
TEMPLATE_REGIOS = 5
POLITIE_FTE = 51_500.0
INWONERS_PER_BOA_FTE = 3_200
INWONERS_PER_BRANDWEER_FTE = 600


@dataclass(frozen=True)
class Gemeente:
    """A gemeente of the 2025 indeling."""

    code: str
    nummer: str
    naam: str
    regio: str
    inwoners: int


@dataclass(frozen=True)
class Reference:
    """The reference lists the sample is built on."""

    gemeenten: tuple[Gemeente, ...]
    regios: dict[str, tuple[str, int]]
    successors: dict[str, str]

    def gemeente(self, code: str) -> Gemeente:
        """Return the gemeente with this code."""
        return self._by_code()[code]

    def _by_code(self) -> dict[str, Gemeente]:
        """Return the gemeenten keyed by code."""
        return {gemeente.code: gemeente for gemeente in self.gemeenten}

    def predecessor_of(self, successor: str) -> str:
        """Return the first (lowest) old gemeentecode that merged wholly into `successor`."""
        olds = sorted(old for old, new in self.successors.items() if new == successor)
        if not olds:
            raise SampleError(f"herindelingen.csv has no predecessor for {successor}")
        return olds[0]


def _read_rows(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 reference CSV into dictionaries."""
    if not path.exists():
        raise SampleError(f"reference file {path} not found")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_reference(reference_dir: Path) -> Reference:
    """Read gemeenten, veiligheidsregio's and whole herindelingen from the reference folder."""
    gemeenten = tuple(
        Gemeente(
            code=row["gemeentecode"],
            nummer=row["gemeentenummer"],
            naam=row["gemeentenaam"],
            regio=row["veiligheidsregiocode"],
            inwoners=int(row["inwoners_ca_2022"]),
        )
        for row in sorted(
            _read_rows(reference_dir / "gemeenten.csv"), key=lambda r: r["gemeentecode"]
        )
    )
    regios = {
        row["veiligheidsregiocode"]: (row["veiligheidsregionaam"], int(row["inwoners_ca_2022"]))
        for row in _read_rows(reference_dir / "veiligheidsregios.csv")
    }
    successors = {
        row["oude_gemeentecode"]: row["nieuwe_gemeentecode"]
        for row in _read_rows(reference_dir / "herindelingen.csv")
        if row["deel"] == "geheel"
    }
    return Reference(gemeenten, dict(sorted(regios.items())), successors)


def assign_gemeente_profiles(codes: list[str], rng: np.random.Generator) -> dict[str, str]:
    """Give each gemeente a format: ~40% template, 35% GIR, 25% CSV; GM1992 uses the template."""
    others = [codes[i] for i in rng.permutation(len(codes)) if codes[i] != LEGACY_SUCCESSOR]
    n_template = round(TEMPLATE_SHARE * len(codes)) - 1
    n_gir = round(GIR_SHARE * len(codes))
    profiles = {LEGACY_SUCCESSOR: TEMPLATE}
    for position, code in enumerate(others):
        if position < n_template:
            profiles[code] = TEMPLATE
        else:
            profiles[code] = GIR if position < n_template + n_gir else VENDOR_CSV
    return profiles


def _gemeente_organisations(
    reference: Reference, rng: np.random.Generator, scale: float
) -> list[Organisation]:
    """Build the 342 gemeenten as BOA employers."""
    profiles = assign_gemeente_profiles([g.code for g in reference.gemeenten], rng)
    total = sum(g.inwoners for g in reference.gemeenten)
    return [
        Organisation(
            code=g.code,
            naam=g.naam,
            beroep="boa",
            regio=g.regio,
            inwoners=g.inwoners,
            index=index,
            profiel=profiles[g.code],
            fte=max(1.0, round(g.inwoners / INWONERS_PER_BOA_FTE, 1)),
            jaarverwachting=YEARLY_VOLUME["boa"] * scale * g.inwoners / total,
        )
        for index, g in enumerate(reference.gemeenten)
    ]


def _regio_organisations(
    reference: Reference, rng: np.random.Generator, scale: float, first_index: int
) -> list[Organisation]:
    """Build the 25 veiligheidsregio's as brandweer employers; 5 use the template."""
    codes = list(reference.regios)
    template = {codes[i] for i in rng.choice(len(codes), TEMPLATE_REGIOS, replace=False)}
    total = sum(inwoners for _, inwoners in reference.regios.values())
    return [
        Organisation(
            code=code,
            naam=naam,
            beroep="brandweer",
            regio=code,
            inwoners=inwoners,
            index=first_index + offset,
            profiel=TEMPLATE if code in template else BRANDWEER,
            fte=round(inwoners / INWONERS_PER_BRANDWEER_FTE, 1),
            jaarverwachting=YEARLY_VOLUME["brandweer"] * scale * inwoners / total,
        )
        for offset, (code, (naam, inwoners)) in enumerate(reference.regios.items())
    ]


def build_organisations(
    reference: Reference, rng: np.random.Generator, scale: float
) -> tuple[Organisation, ...]:
    """Build every organisation: gemeenten, then veiligheidsregio's, then politie."""
    gemeenten = _gemeente_organisations(reference, rng, scale)
    regios = _regio_organisations(reference, rng, scale, len(gemeenten))
    politie = Organisation(
        code=POLITIE_CODE,
        naam="Nationale Politie",
        beroep="politie",
        regio=None,
        inwoners=sum(g.inwoners for g in reference.gemeenten),
        index=len(gemeenten) + len(regios),
        profiel=POLITIE,
        fte=POLITIE_FTE,
        jaarverwachting=YEARLY_VOLUME["politie"] * scale,
    )
    return (*gemeenten, *regios, politie)
