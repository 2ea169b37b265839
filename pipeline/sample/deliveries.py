"""Turn a plan into delivery files: regular deliveries, the redelivery and the unreadable file."""

from __future__ import annotations

from collections import Counter
from copy import copy
from dataclasses import replace
from datetime import timedelta

import numpy as np

from pipeline.sample.defects import eligible_deliveries, inject_defects
from pipeline.sample.formats import FORMATS
from pipeline.sample.incidents import Trend, build_source, draw_incidents
from pipeline.sample.model import (
    LATE_DAYS,
    RECEIVED_DAYS,
    REJECTED,
    SUPERSEDED,
    DeliveryFile,
    Incident,
    Organisation,
    PlannedRow,
    received_time,
)
from pipeline.sample.plan import QUARTERS, SamplePlan, random_streams
from pipeline.sample.series import Quarter
from schemas.fields import FieldName

CORRECTION_SUFFIX = "_correctie"
CORRECTION_DELAY = timedelta(days=30)
UNREADABLE_SUFFIX = "_v1"
UNREADABLE_LEAD = timedelta(days=1)
CHANGED_IN_CORRECTION = 2


class IncidentFactory:
    """Draws incidents per organisation, numbering them in the organisation's own scheme."""

    def __init__(self, plan: SamplePlan, rng: np.random.Generator) -> None:
        """Build every organisation's employee pool and location weights."""
        self._rng = rng
        self._main_year = plan.year
        self._sources = {
            org.code: build_source(org, plan.reference, rng) for org in plan.organisations
        }
        self._counters: Counter[str] = Counter()

    def drawing_from(self, rng: np.random.Generator) -> IncidentFactory:
        """Return a factory with the same employees, locations and numbering that draws from
        another stream (the series, so the main year's draws stay as they are)."""
        other = copy(self)
        other._rng = rng
        return other

    def draw(self, delivery: DeliveryFile, n: int = 1) -> list[Incident]:
        """Draw n new incidents for the delivery's organisation and quarter."""
        org = delivery.organisation
        numbers = []
        for _ in range(n):
            self._counters[org.code] += 1
            numbers.append(
                FORMATS[org.profiel].number(
                    delivery.bron_code, delivery.year, self._counters[org.code]
                )
            )
        source = self._sources[org.code]
        trend = Trend.of(delivery.year, self._main_year)
        return draw_incidents(self._rng, source, delivery.year, delivery.quarter, numbers, trend)

    def draw_one(self, delivery: DeliveryFile) -> Incident:
        """Draw a single new incident for the delivery."""
        return self.draw(delivery)[0]


def _regular_delivery(
    plan: SamplePlan, org: Organisation, quarter: int, factory: IncidentFactory
) -> DeliveryFile:
    """Build an organisation's delivery for one quarter of the main year (under the old code if
    legacy)."""
    legacy_code, bron_code, legacy_quarter = plan.cases.legacy
    bron = bron_code if (org.code, quarter) == (legacy_code, legacy_quarter) else org.code
    days = LATE_DAYS if (org.code, quarter) == plan.coverage.late else RECEIVED_DAYS
    return _delivery(org, bron, (plan.year, quarter), days, plan.counts[(org.code, quarter)],
                     factory)  # fmt: skip


def _series_delivery(
    plan: SamplePlan, org: Organisation, when: Quarter, factory: IncidentFactory
) -> DeliveryFile:
    """Build a delivery of a quarter outside the main year (in the earlier system's format for
    the organisation with the series break)."""
    series_break = plan.series.series_break
    if series_break and org.code == series_break[0] and when < series_break[2]:
        org = replace(org, profiel=series_break[1])
    count = plan.series.counts[(org.code, *when)]
    return _delivery(org, org.code, when, RECEIVED_DAYS, count, factory)


def _delivery(
    org: Organisation, bron: str, when: Quarter, days: int, count: int, factory: IncidentFactory
) -> DeliveryFile:
    """Build one delivery file with `count` freshly drawn incidents (0: a nil return)."""
    year, quarter = when
    delivery = DeliveryFile(
        organisation=org,
        bron_code=bron,
        quarter=quarter,
        year=year,
        file_name=FORMATS[org.profiel].file_name(bron, year, quarter),
        received=received_time(year, quarter, org.index, days),
    )
    delivery.rows = [PlannedRow(incident) for incident in factory.draw(delivery, count)]
    delivery.geen_incidenten = count == 0
    return delivery


def _find(files: list[DeliveryFile], key: tuple[str, int]) -> DeliveryFile:
    """Return the main year's delivery of this organisation and quarter."""
    return next(f for f in files if (f.organisation.code, f.quarter) == key)  # main year only


def _correction(
    original: DeliveryFile, factory: IncidentFactory, rng: np.random.Generator
) -> DeliveryFile:
    """Correct a delivery: change values of two incidents, drop one and add one."""
    source_format = FORMATS[original.organisation.profiel]
    correction = replace(
        original,
        file_name=source_format.file_name(
            original.bron_code, original.year, original.quarter, CORRECTION_SUFFIX
        ),
        received=original.received + CORRECTION_DELAY,
        rows=[],
    )
    incidents = [row.incident for row in original.rows]
    del incidents[int(rng.integers(len(incidents)))]
    for index in rng.choice(len(incidents), CHANGED_IN_CORRECTION, replace=False):
        old = incidents[index]
        nazorg = "nee" if old[FieldName.NAZORG_AANGEBODEN] == "ja" else "ja"
        daders = (old[FieldName.AANTAL_DADERS] or 1) + 1
        incidents[index] = old.but(
            {FieldName.NAZORG_AANGEBODEN: nazorg, FieldName.AANTAL_DADERS: daders}
        )
    incidents.append(factory.draw_one(correction))
    correction.rows = [PlannedRow(incident) for incident in incidents]
    return correction


def _unreadable(valid: DeliveryFile) -> DeliveryFile:
    """Build the broken file delivered a day before the valid one (S01)."""
    source_format = FORMATS[valid.organisation.profiel]
    return replace(
        valid,
        file_name=source_format.file_name(
            valid.bron_code, valid.year, valid.quarter, UNREADABLE_SUFFIX
        ),
        received=valid.received - UNREADABLE_LEAD,
        status=REJECTED,
        rows=[],
        unreadable=True,
    )


def build_deliveries(plan: SamplePlan) -> list[DeliveryFile]:
    """Draw every delivery file of the plan, with special cases and injected defects."""
    _, incident_rng, defect_rng, series_rng = random_streams(plan.seed)
    factory = IncidentFactory(plan, incident_rng)
    drawn = [
        _regular_delivery(plan, org, quarter, factory)
        for org in plan.organisations
        for quarter in QUARTERS
        if (org.code, quarter) in plan.counts
    ]
    # the covered gemeente's incidents are drawn (so every other draw stays as it was), not written
    covered = plan.coverage.levert_voor.organisatie
    files = [f for f in drawn if f.organisation.code != covered]
    original = _find(files, plan.cases.redelivery)
    files.append(_correction(original, factory, defect_rng))
    original.status = SUPERSEDED
    files.append(_unreadable(_find(files, plan.cases.unreadable)))
    eligible = eligible_deliveries(files, plan.special_deliveries())
    inject_defects(eligible, factory.draw_one, defect_rng)
    files.extend(_series_deliveries(plan, factory.drawing_from(series_rng)))
    return sorted(files, key=lambda f: (f.organisation.index, f.year, f.quarter, f.received))


def _series_deliveries(plan: SamplePlan, factory: IncidentFactory) -> list[DeliveryFile]:
    """Draw the clean deliveries of the quarters outside the main year (the covered gemeente
    has none of its own; the region below the floor misses some)."""
    covered = plan.coverage.levert_voor.organisatie
    return [
        _series_delivery(plan, org, when, factory)
        for org in plan.organisations
        for when in plan.series.history(plan.year)
        if org.code != covered and (org.code, *when) in plan.series.counts
    ]
