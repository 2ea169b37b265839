"""Random national incidents: plausible, consistent and free of warnings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import numpy as np

from pipeline.sample.model import Incident, Organisation, quarter_end, quarter_start
from pipeline.sample.population import Reference
from pipeline.sample.series import (
    FALLING_AANGIFTE,
    FALLING_FACTOR,
    MAX_AANGIFTE_CHANCE,
    RISING_FACTOR,
    RISING_GEDRAG,
    trend,
)
from schemas.fields import FieldName

GEDRAG_CODES = (
    "verbaal",
    "bedreiging",
    "intimidatie",
    "seksuele_intimidatie",
    "discriminatie",
    "fysiek_geweld",
    "vernieling",
    "doxing",
    "overig",
)
GEDRAG_WEIGHTS = {
    "boa": (34, 26, 10, 3, 5, 12, 4, 2, 4),
    "politie": (30, 25, 8, 3, 5, 19, 4, 2, 4),
    "brandweer": (38, 24, 10, 2, 4, 8, 8, 1, 5),
}
GEDRAG_COUNT_WEIGHTS = (0.6, 0.3, 0.1)
CONTEXT_CODES = ("handhaving", "aanhouding", "hulpverlening", "evenement", "verkeer", "overig")
CONTEXT_WEIGHTS = {
    "boa": (55, 10, 3, 7, 12, 8),
    "politie": (32, 30, 10, 8, 13, 7),
    "brandweer": (0, 0, 72, 8, 13, 7),
}
KANAAL_CODES = ("fysiek", "telefonisch", "schriftelijk", "online", "onbekend")
KANAAL_WEIGHTS = (70, 10, 5, 10, 5)
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 5, 4, 2)
DADERS_WEIGHTS = (0.62, 0.22, 0.09, 0.04, 0.03)
MISSING_SHARE = 0.12
MAX_REGISTRATIE_DELAY = 10
MAX_VERZUIM = 60
T = TypeVar("T")
FREE_TEXT_OPENINGS = (
    "Tijdens de controle op het plein",
    "Bij de ingang van het café",
    "Na een bekeuring van € 95",
    "Bij de crèche in de wijk",
    "Tijdens de inzet bij de woning",
    "Bij een coördinatiepost op het evenement",
    "Aan de telefoon na één eerdere melding",
)
FREE_TEXT_DETAILS = (
    "werd de medewerker uitgescholden.",
    "reageerde de betrokkene zeer geïrriteerd.",
    "werd gedreigd met geweld.",
    "ontstond een ruzie en collega's grepen in.",
    "werd de dienstauto beschadigd.",
    "volgde een duw en een klap.",
    "werden foto's van de medewerker gedeeld.",
)


@dataclass(frozen=True)
class Trend:
    """How a year of the series differs from the main year (1: not at all)."""

    rising: float = 1.0  # weight of RISING_GEDRAG among the behaviour types
    falling: float = 1.0  # chance of an aangifte in FALLING_AANGIFTE's registrations

    @classmethod
    def of(cls, year: int, main_year: int) -> Trend:
        """Return the trend of `year` in a series around `main_year`."""
        return cls(trend(year, main_year, RISING_FACTOR), trend(year, main_year, FALLING_FACTOR))


NO_TREND = Trend()


@dataclass(frozen=True)
class IncidentSource:
    """Where an organisation's incidents come from: its employees and locations."""

    organisation: Organisation
    employee_ids: tuple[str, ...]
    employee_weights: np.ndarray
    location_codes: tuple[str, ...]
    location_weights: np.ndarray


def _normalised(values: list[float] | tuple[float, ...]) -> np.ndarray:
    """Return the weights as probabilities."""
    array = np.asarray(values, dtype=float)
    return np.asarray(array / array.sum())


def build_source(
    org: Organisation, reference: Reference, rng: np.random.Generator
) -> IncidentSource:
    """Build an organisation's employee pool (skewed, sized by FTE) and location weights."""
    size = max(5, math.ceil(org.fte * 1.15))
    employee_ids = tuple(f"{org.code}-{number:05d}" for number in range(1, size + 1))
    employee_weights = _normalised(list(rng.gamma(0.5, size=size)))
    if org.beroep == "boa":
        gemeenten = [reference.gemeente(org.code)]
    elif org.beroep == "brandweer":
        gemeenten = [g for g in reference.gemeenten if g.regio == org.code]
    else:
        gemeenten = list(reference.gemeenten)
    return IncidentSource(
        organisation=org,
        employee_ids=employee_ids,
        employee_weights=employee_weights,
        location_codes=tuple(g.code for g in gemeenten),
        location_weights=_normalised([g.inwoners for g in gemeenten]),
    )


def _choose(
    rng: np.random.Generator, codes: tuple[str, ...], weights: tuple[float, ...], n: int
) -> list[str | None]:
    """Draw n codes with the given weights."""
    return [codes[i] for i in rng.choice(len(codes), size=n, p=_normalised(weights))]


def _blank(
    rng: np.random.Generator, values: list[T], share: float = MISSING_SHARE
) -> list[T | None]:
    """Leave a share of the values missing."""
    missing = rng.random(len(values)) < share
    return [None if gone else value for value, gone in zip(values, missing, strict=True)]


def _gedrag_weights(beroep: str, trend: Trend) -> np.ndarray:
    """Return the probabilities of the behaviour types in the trend's year."""
    weights = [
        w * trend.rising if code == RISING_GEDRAG else w
        for code, w in zip(GEDRAG_CODES, GEDRAG_WEIGHTS[beroep], strict=True)
    ]
    return _normalised(weights)


def _draw_gedragstypen(rng: np.random.Generator, weights: np.ndarray) -> tuple[str, ...]:
    """Draw one to three distinct behaviour types, verbaal and bedreiging most common."""
    size = 1 + int(rng.choice(3, p=GEDRAG_COUNT_WEIGHTS))
    return tuple(GEDRAG_CODES[i] for i in rng.choice(len(GEDRAG_CODES), size, False, weights))


def _draw_times(
    rng: np.random.Generator, year: int, quarter: int, n: int
) -> tuple[list[date], list[date | None], list[str | None]]:
    """Draw incident dates in the quarter, registration 0–10 days later, and times."""
    start, end = quarter_start(year, quarter), quarter_end(year, quarter)
    offsets = rng.integers(0, (end - start).days + 1, size=n)
    dates = [start + timedelta(days=int(offset)) for offset in offsets]
    delays = rng.integers(0, MAX_REGISTRATIE_DELAY + 1, size=n)
    registered = [
        min(day + timedelta(days=int(delay)), end) for day, delay in zip(dates, delays, strict=True)
    ]
    hours = rng.choice(24, size=n, p=_normalised(HOUR_WEIGHTS))
    minutes = rng.integers(0, 60, size=n)
    times = [f"{hour:02d}:{minute:02d}" for hour, minute in zip(hours, minutes, strict=True)]
    return dates, _blank(rng, registered), _blank(rng, times, 0.10)


def _draw_kanaal(rng: np.random.Generator, gedrag: list[tuple[str, ...]]) -> list[str | None]:
    """Draw the channel; physical violence is always in person, doxing online."""
    drawn = _choose(rng, KANAAL_CODES, KANAAL_WEIGHTS, len(gedrag))
    channels = [
        "fysiek" if "fysiek_geweld" in g else "online" if g == ("doxing",) else k
        for g, k in zip(gedrag, drawn, strict=True)
    ]
    return _blank(rng, channels)


def _draw_letsel(
    rng: np.random.Generator, gedrag: list[tuple[str, ...]]
) -> tuple[list[str | None], list[int | None]]:
    """Draw injury (medisch/ernstig only with fysiek geweld) and sick days (≤ 60)."""
    n = len(gedrag)
    violent = _choose(
        rng, ("geen", "licht", "medisch", "ernstig", "onbekend"), (35, 40, 15, 5, 5), n
    )
    calm = _choose(rng, ("geen", "onbekend"), (90, 10), n)
    injuries = [
        v if "fysiek_geweld" in g else c for g, v, c in zip(gedrag, violent, calm, strict=True)
    ]
    serious = rng.integers(1, MAX_VERZUIM + 1, size=n)
    light = rng.integers(0, 4, size=n)
    sick_days = [
        int(s) if code in ("medisch", "ernstig") else int(li) if code == "licht" else 0
        for code, s, li in zip(injuries, serious, light, strict=True)
    ]
    return _blank(rng, injuries), _blank(rng, sick_days)


def _draw_aangifte(
    rng: np.random.Generator, gedrag: list[tuple[str, ...]], factor: float = 1.0
) -> tuple[list[str | None], list[str | None]]:
    """Draw aangifte (mostly for violence; its chance times `factor`) and the VPT flag, which
    needs aangifte ja."""
    base = [0.6 if "fysiek_geweld" in g else 0.3 if "bedreiging" in g else 0.08 for g in gedrag]
    chance = [min(MAX_AANGIFTE_CHANCE, c * factor) for c in base]
    draws = rng.random(len(gedrag))
    unknown = rng.random(len(gedrag)) < 0.06
    reported = _blank(
        rng,
        [
            "onbekend" if u else "ja" if d < c else "nee"
            for c, d, u in zip(chance, draws, unknown, strict=True)
        ],
    )
    flags = _choose(rng, ("ja", "nee", "onbekend"), (70, 20, 10), len(gedrag))
    no_flags = _blank(rng, ["nee"] * len(gedrag), 0.85)
    vpt = [f if a == "ja" else nf for a, f, nf in zip(reported, flags, no_flags, strict=True)]
    return reported, _blank(rng, vpt, 0.10)


def _draw_janee(
    rng: np.random.Generator, yes: list[float], unknown: float = 0.1
) -> list[str | None]:
    """Draw ja/nee/onbekend with a per-incident chance of ja."""
    draws = rng.random(len(yes))
    values = [
        "ja" if d < y else "onbekend" if d > 1 - unknown else "nee"
        for d, y in zip(draws, yes, strict=True)
    ]
    return _blank(rng, values)


def _draw_free_text(rng: np.random.Generator, n: int) -> list[str]:
    """Draw a short Dutch description (never loaded)."""
    openings = rng.integers(0, len(FREE_TEXT_OPENINGS), size=n)
    details = rng.integers(0, len(FREE_TEXT_DETAILS), size=n)
    return [
        f"{FREE_TEXT_OPENINGS[o]} {FREE_TEXT_DETAILS[d]}"
        for o, d in zip(openings, details, strict=True)
    ]


def _draw_columns(
    rng: np.random.Generator, source: IncidentSource, year: int, quarter: int, n: int,
    trend: Trend,
) -> dict[FieldName, list[Any]]:  # fmt: skip
    """Draw every field but the incident number for n incidents, column by column."""
    beroep = source.organisation.beroep
    weights = _gedrag_weights(beroep, trend)
    gedrag = [_draw_gedragstypen(rng, weights) for _ in range(n)]
    dates, registered, times = _draw_times(rng, year, quarter, n)
    injuries, sick_days = _draw_letsel(rng, gedrag)
    falling = trend.falling if beroep == FALLING_AANGIFTE else 1.0
    reported, vpt = _draw_aangifte(rng, gedrag, falling)
    locations = _choose_weighted(rng, source.location_codes, source.location_weights, n)
    contexts = (*CONTEXT_WEIGHTS[beroep], 4)
    employees = _choose_weighted(rng, source.employee_ids, source.employee_weights, n)
    return {  # drawn in this order: a new order changes every sample
        FieldName.INCIDENTDATUM: dates,
        FieldName.INCIDENTTIJD: times,
        FieldName.REGISTRATIEDATUM: registered,
        FieldName.GEMEENTECODE_LOCATIE: _blank(rng, locations, 0.08),
        FieldName.GEDRAGSTYPEN: gedrag,
        FieldName.KANAAL: _draw_kanaal(rng, gedrag),
        FieldName.CONTEXT: _blank(rng, _choose(rng, (*CONTEXT_CODES, "onbekend"), contexts, n)),
        FieldName.WAPEN: _draw_janee(rng, [0.12 if "fysiek_geweld" in g else 0.03 for g in gedrag]),
        FieldName.AANTAL_DADERS: _blank(
            rng, [1 + int(i) for i in rng.choice(5, size=n, p=DADERS_WEIGHTS)]
        ),
        FieldName.LETSEL: injuries,
        FieldName.VERZUIM_DAGEN: sick_days,
        FieldName.MATERIELE_SCHADE: _draw_janee(
            rng, [0.8 if "vernieling" in g else 0.03 for g in gedrag]
        ),
        FieldName.AANGIFTE: reported,
        FieldName.VPT_MARKERING: vpt,
        FieldName.NAZORG_AANGEBODEN: _draw_janee(
            rng, [0.7 if "fysiek_geweld" in g else 0.4 for g in gedrag]
        ),
        FieldName.MEDEWERKER_ID: _blank(rng, employees, 0.10),
    }


def draw_incidents(
    rng: np.random.Generator, source: IncidentSource, year: int, quarter: int, numbers: list[str],
    trend: Trend = NO_TREND,
) -> list[Incident]:  # fmt: skip
    """Draw one incident per incident number, dated within the quarter, with the year's trend."""
    columns = _draw_columns(rng, source, year, quarter, len(numbers), trend)
    texts = _draw_free_text(rng, len(numbers))  # after the fields: the order of draws is fixed
    return [
        Incident(
            {FieldName.BRON_INCIDENTNUMMER: number}
            | {name: values[i] for name, values in columns.items()},
            texts[i],
        )
        for i, number in enumerate(numbers)
    ]


def _choose_weighted(
    rng: np.random.Generator, codes: tuple[str, ...], weights: np.ndarray, n: int
) -> list[str]:
    """Draw n values with precomputed probabilities."""
    return [codes[i] for i in rng.choice(len(codes), size=n, p=weights)]
