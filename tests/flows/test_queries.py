"""The analysts' example queries (docs/queries.sql) run against a published warehouse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.warehouse.store import open_published
from tests.conftest import REFERENCE_DIR

QUERIES_FILE = Path(__file__).resolve().parents[2] / "docs" / "queries.sql"
# On the generated sample these answer with rows (it has a gemeente without a Q3 file and an
# unreadable S01 file, docs/sample.md); `reeksbreuken` may rightly be empty: no series break.
KEY_QUERIES = {
    "aangifte_boa_per_veiligheidsregio_2025",
    "incidenten_per_1000_fte_per_kwartaal",
    "gemeenten_2025q3_niet_geleverd",
    "afgekeurde_leveringen",
    "zwaarste_gedragstype_brandweer",
    "herhaald_slachtofferschap_per_beroepsgroep",
    "afgekeurde_rijen_per_controle",
    "kwaliteit_per_werkgever_laagste_eerst",
    "incidenten_per_gedragstype",
    "fysiek_geweld_politie_per_regio",
    "letsel_verzuim_nazorg_per_beroepsgroep",
}


def read_queries(path: Path = QUERIES_FILE) -> dict[str, str]:
    """The named queries of the file: each starts at a line `-- name: <name>`."""
    parts = re.split(r"^-- name: *(\S+) *$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    names, bodies = parts[1::2], parts[2::2]
    assert len(set(names)) == len(names), "a query name is used twice"
    return dict(zip(names, (b.strip() for b in bodies), strict=True))


QUERIES = read_queries()


def test_the_file_has_ten_to_fourteen_documented_queries() -> None:
    assert 10 <= len(QUERIES) <= 14
    assert set(QUERIES) >= KEY_QUERIES
    for name, body in QUERIES.items():
        question = [line for line in body.splitlines() if line.startswith("--")]
        statement = "\n".join(line for line in body.splitlines() if not line.startswith("--"))
        assert question, f"{name}: no question in a comment above the SQL"
        assert statement.strip().endswith(";") and statement.count(";") == 1, name


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_runs_on_the_published_warehouse(nightly_run: dict[str, Any], name: str) -> None:
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        frame = wh.query(QUERIES[name])
    assert len(frame.columns) > 0
    if name in KEY_QUERIES:
        assert len(frame) > 0, f"{name} returned no rows on the sample"


def _load(wh: Any, org: str, periode: str, n: int) -> None:
    """A loaded delivery of `n` incidents (received on time) with a declared FTE of 10."""
    import datetime as dt

    import pandas as pd

    from pipeline.warehouse.ledger import LedgerEntry
    from tests.pipeline.test_marts import incidents

    received = dt.datetime(int(periode[:4]), 3 * int(periode[-1]), 28, tzinfo=dt.UTC)
    entry = LedgerEntry(
        organisatiecode=org, organisatiecode_bron=org, periode=periode,
        profile_id="nationaal_sjabloon", profile_version=1, bronbestand=f"{org}_{periode}.csv",
        sha256=f"{org}{periode}".ljust(64, "0"), size_bytes=100, received_at=received,
        geen_incidenten=False, rows_in=n, rows_loaded=n, rows_rejected=0, rows_warned=0,
        rejected=False, codelijst_versie=1,
    )  # fmt: skip
    fte = pd.DataFrame({"beroepsgroep": ["boa"], "fte": [10.0], "bron": ["aanlevering"]})
    wh.load_delivery(entry, incidents(org, periode, n), pd.DataFrame(), pd.DataFrame(), fte, 1)


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory, processing_inputs: Any) -> Path:
    """Utrecht (GM0344) delivers 2 incidents a quarter in 2024 and 3 in 2025; nobody else does."""
    from dataclasses import replace

    from pipeline.ingest.inputs import write_reference_tables
    from pipeline.warehouse.store import build_next_version

    inputs = processing_inputs
    orgs = inputs.reference.organisations()
    fte = pd.concat([orgs[["organisatiecode", "beroepsgroep"]].assign(jaar=j, fte=10.0)
                     for j in (2024, 2025)])  # fmt: skip
    path = tmp_path_factory.mktemp("queries") / "monitor.duckdb"
    with build_next_version(path) as wh:
        write_reference_tables(wh, replace(inputs, fte=fte), 0.6)
        for jaar, n in ((2024, 2), (2025, 3)):
            for kwartaal in range(1, 5):
                _load(wh, "GM0344", f"{jaar}Q{kwartaal}", n)
        wh.refresh_marts()
    return path


def frame_for(path: Path, niveau: str, gebied: str) -> pd.DataFrame:
    """The yearly boa rows of one area."""
    with open_published(path) as wh:
        return wh.query("SELECT periode, volledig, verandering_vorig_jaar_pct FROM mart.indicatoren "
                        "WHERE niveau = ? AND gebiedcode = ? AND beroepsgroep = 'boa' AND "
                        "periodetype = 'jaar'", [niveau, gebied])  # fmt: skip


def test_year_on_year_change_is_computed_per_beroepsgroep(two_years: Path) -> None:
    with open_published(two_years) as wh:
        frame = wh.query(QUERIES["verandering_ten_opzichte_van_vorig_jaar"])
    boa = frame[frame["beroepsgroep"] == "boa"].set_index("jaar")
    assert boa.loc["2025", "incidenten"] == 12 and boa.loc["2025", "incidenten_vorig_jaar"] == 8
    assert not boa.loc["2025", "volledig"]  # one gemeente of 342 is no national total
    # a change only between two complete figures: both counts are there to compare by hand
    assert pd.isna(boa.loc["2025", "verandering_vorig_jaar_pct"])
    assert pd.isna(boa.loc["2024", "verandering_vorig_jaar_pct"])
    utrecht = frame_for(two_years, "gemeente", "GM0344").set_index("periode")
    assert (
        utrecht.loc["2025", "volledig"]
        and utrecht.loc["2025", "verandering_vorig_jaar_pct"] == 50.0
    )


def test_regions_below_the_floor_are_listed_with_their_coverage(two_years: Path) -> None:
    gemeenten = pd.read_csv(REFERENCE_DIR / "gemeenten.csv", dtype=str)
    utrecht_region = gemeenten.set_index("gemeentecode").loc["GM0344", "veiligheidsregiocode"]
    in_region = int((gemeenten["veiligheidsregiocode"] == utrecht_region).sum())
    with open_published(two_years) as wh:
        frame = wh.query(QUERIES["regios_onder_de_dekkingsdrempel"])
    boa = frame[(frame["beroepsgroep"] == "boa") & (frame["periode"] == "2025Q2")]
    assert len(boa) == 25  # every region: at most one of its gemeenten delivered
    row = boa.set_index("gebiedcode").loc[utrecht_region]
    assert row["organisaties_geleverd"] == 1 and row["organisaties_verwacht"] == in_region
    assert row["fte_pct"] == pytest.approx(100 / in_region, abs=0.05)
    assert row["incidenten"] == 3
