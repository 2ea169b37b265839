"""The analysts' example queries (docs/queries.sql) run against a published warehouse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.warehouse import open_published

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


def test_the_file_has_ten_to_twelve_documented_queries() -> None:
    assert 10 <= len(QUERIES) <= 12
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
