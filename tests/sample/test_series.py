"""Tests of the sample's series of years: calendar defaults, an unchanged main year, the series
break, the region below the coverage floor and the developments an analyst must find."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.sample import SampleError, default_sample_year, default_series, generate_sample
from pipeline.sample.formats import FORMATS
from pipeline.sample.incidents import Trend, build_source, draw_incidents
from pipeline.sample.plan import plan_sample
from schemas.fields import FieldName

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "data" / "reference"
SCALE = 0.05


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("today", "first", "last", "main_year"),
    [
        (date(2026, 12, 3), (2023, 1), (2026, 3), 2025),  # the example
        (date(2026, 10, 30), (2023, 1), (2026, 2), 2025),  # 2026Q3 due on 30 October: not passed
        (date(2026, 10, 31), (2023, 1), (2026, 3), 2025),
        (date(2026, 1, 15), (2023, 1), (2025, 3), 2024),  # 2025Q4 not yet due: main year 2024
        (date(2026, 1, 31), (2023, 1), (2025, 4), 2025),
    ],
)
def test_default_series_follows_the_calendar(
    today: date, first: tuple[int, int], last: tuple[int, int], main_year: int
) -> None:
    """From 1 January three years back to the last quarter whose deadline (+30 days) passed."""
    assert default_series(today) == (first, last, main_year)
    assert default_sample_year(today) == main_year


def test_refuses_a_series_without_the_whole_main_year(tmp_path: Path) -> None:
    """The special cases need all four quarters of the main year; a bad periode is refused."""
    with pytest.raises(SampleError, match="2025"):
        generate_sample(tmp_path / "a", 2025, scale=SCALE, reference_dir=REFERENCE,
                        first="2025Q2", last="2025Q4")  # fmt: skip
    with pytest.raises(SampleError, match="YYYYQn"):
        generate_sample(tmp_path / "b", 2025, scale=SCALE, reference_dir=REFERENCE,
                        first="2024-Q4", last="2025Q4")  # fmt: skip
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One sample of the main year alone and one with a quarter before and after it."""
    root = tmp_path_factory.mktemp("series")
    generate_sample(root / "year", 2025, seed=7, scale=SCALE, reference_dir=REFERENCE)
    generate_sample(root / "series", 2025, seed=7, scale=SCALE, reference_dir=REFERENCE,
                    first="2024Q4", last="2026Q1")  # fmt: skip
    return {
        name: {
            "root": root / name,
            "manifest": json.loads((root / name / "sample.json").read_text(encoding="utf-8")),
            "deliveries": read_csv(root / name / "truth" / "deliveries.csv"),
        }
        for name in ("year", "series")
    }


def test_the_main_year_is_unchanged_by_the_series(samples: dict[str, Any]) -> None:
    """Every file and truth row of the one-year sample is in the series sample, byte for byte:
    adding years moves no draw of the main year."""
    year, series = samples["year"], samples["series"]
    hashes = {f["path"]: f["sha256"] for f in series["manifest"]["files"]}
    inbox = [f for f in year["manifest"]["files"] if f["path"].startswith("inbox/")]
    assert len(inbox) > 1000
    assert all(hashes.get(f["path"]) == f["sha256"] for f in inbox)
    main = [d for d in series["deliveries"] if d["periode"].startswith("2025")]
    assert sorted(main, key=str) == sorted(year["deliveries"], key=str)
    periods = {d["periode"] for d in series["deliveries"]}
    assert periods == {"2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"}
    assert series["manifest"]["start_periode"] == "2024Q4"
    assert series["manifest"]["eind_periode"] == "2026Q1"


def test_series_break_changes_the_registration_system(samples: dict[str, Any]) -> None:
    """The organisation with the break delivered 2024Q4 in its earlier system's format and
    from 2025Q1 on in its own."""
    cases = samples["series"]["manifest"]["cases"]
    code, earlier, since = (cases["series_break"][k] for k in ("organisatiecode", "eerder_profiel",
                                                                "vanaf"))  # fmt: skip
    assert since == "2025Q1"
    files = {d["periode"]: d["bronbestand"] for d in samples["series"]["deliveries"]
             if d["organisatiecode"] == code}  # fmt: skip
    assert files["2024Q4"] == FORMATS[earlier].file_name(code, 2024, 4)
    own = next(p for p in FORMATS if p != earlier and FORMATS[p].file_name(code, 2025, 1)
               == files["2025Q1"])  # fmt: skip
    assert FORMATS[own].file_name(code, 2026, 1) == files["2026Q1"]
    assert (samples["series"]["root"] / "inbox" / code / files["2024Q4"]).is_file()


def test_one_region_falls_below_the_coverage_floor(samples: dict[str, Any]) -> None:
    """In 2024Q4 the gemeenten that hold more than half of one region's boa FTE deliver
    nothing; the rest of that region does."""
    below = samples["series"]["manifest"]["cases"]["below_floor"]
    assert below["periode"] == "2024Q4" and below["beroepsgroep"] == "boa"
    region = below["veiligheidsregio"]
    gemeenten = {g["gemeentecode"]: g["veiligheidsregiocode"]
                 for g in read_csv(REFERENCE / "gemeenten.csv")}  # fmt: skip
    fte = {r["organisatiecode"]: float(r["fte"]) for r in
           read_csv(samples["series"]["root"] / "reference" / "fte_2024.csv")}  # fmt: skip
    in_region = [code for code, vr in gemeenten.items() if vr == region]
    delivered = {d["organisatiecode"] for d in samples["series"]["deliveries"]
                 if d["periode"] == "2024Q4"}  # fmt: skip
    missing = [code for code in in_region if code not in delivered]
    assert sorted(missing) == sorted(below["niet_geleverd"])
    assert sum(fte[c] for c in missing) / sum(fte[c] for c in in_region) > 0.4
    assert any(code in delivered for code in in_region)
    for quarter in ("2025Q1", "2026Q1"):  # the other quarters are complete
        assert all(code in {d["organisatiecode"] for d in samples["series"]["deliveries"]
                            if d["periode"] == quarter} for code in missing)  # fmt: skip


def test_the_covered_gemeente_is_covered_from_the_first_quarter(samples: dict[str, Any]) -> None:
    """The levert-voor relation starts with the series, and the covered gemeente never
    delivers files of its own."""
    relation = samples["series"]["manifest"]["cases"]["levert_voor"][0]
    assert relation["vanaf"] == "2024Q4"
    assert not any(d["organisatiecode"] == relation["organisatiecode"]
                   for d in samples["series"]["deliveries"])  # fmt: skip
    assert {p.name for p in (samples["series"]["root"] / "reference").glob("fte_*.csv")} == {
        "fte_2024.csv", "fte_2025.csv", "fte_2026.csv"}  # fmt: skip


def test_developments_in_the_draws() -> None:
    """Drawn three years apart, politie incidents have fewer aangiftes and more discriminatie."""
    plan = plan_sample(2025, seed=3, scale=SCALE, reference_dir=REFERENCE)
    politie = next(o for o in plan.organisations if o.beroep == "politie")
    shares = {}
    for year in (2023, 2026):
        rng = np.random.default_rng(11)
        source = build_source(politie, plan.reference, rng)
        numbers = [f"N{i}" for i in range(6000)]
        incidents = draw_incidents(rng, source, year, 2, numbers, Trend.of(year, 2025))
        known = [i for i in incidents if i[FieldName.AANGIFTE] in ("ja", "nee")]
        shares[year] = (
            sum(i[FieldName.AANGIFTE] == "ja" for i in known) / len(known),
            sum("discriminatie" in i[FieldName.GEDRAGSTYPEN] for i in incidents) / len(incidents),
        )
    assert shares[2023][0] > shares[2026][0] + 0.05  # aangifte falls
    assert shares[2026][1] > 1.5 * shares[2023][1]  # discriminatie rises
    assert Trend.of(2025, 2025) == Trend()  # the main year is the base
