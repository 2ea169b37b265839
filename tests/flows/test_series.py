"""The picture over time on the test sample's series (2024Q4–2025Q4): what the marts show of the
series break, the region below the coverage floor and the change on the previous year."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.warehouse.store import open_published


@pytest.fixture(scope="module")
def manifest(nightly_run: dict[str, Any]) -> dict[str, Any]:
    return json.loads((nightly_run["sample"] / "sample.json").read_text(encoding="utf-8"))


def query(nightly_run: dict[str, Any], sql: str, *params: object) -> list[tuple[Any, ...]]:
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        return wh.con.execute(sql, list(params)).fetchall()


def test_the_region_below_the_floor_is_not_complete(
    nightly_run: dict[str, Any], manifest: dict[str, Any]
) -> None:
    """The region whose gemeenten mostly did not deliver 2024Q4 is `volledig = false` for boa
    in that quarter, with its FTE coverage under 60%, and complete in 2025Q1."""
    region = manifest["cases"]["below_floor"]["veiligheidsregio"]
    rows = dict(
        (periode, (volledig, fte_pct))
        for periode, volledig, fte_pct in query(
            nightly_run,
            "SELECT periode, volledig, fte_pct FROM mart.indicatoren WHERE niveau = "
            "'veiligheidsregio' AND gebiedcode = ? AND beroepsgroep = 'boa' AND periodetype = "
            "'kwartaal' AND periode IN ('2024Q4', '2025Q1')",
            region,
        )
    )
    assert rows["2024Q4"][0] is False and rows["2024Q4"][1] < 60
    assert rows["2025Q1"][0] is True


def test_the_series_break_is_recorded(
    nightly_run: dict[str, Any], manifest: dict[str, Any]
) -> None:
    """The change of registration system shows in mart.reeksbreuk at 2025Q1, from the earlier
    profile to the organisation's own."""
    case = manifest["cases"]["series_break"]
    breaks = query(
        nightly_run,
        "SELECT periode, soort, van FROM mart.reeksbreuk WHERE organisatiecode = ?",
        case["organisatiecode"],
    )
    assert (case["vanaf"], "registratiesysteem", case["eerder_profiel"]) in breaks


def test_change_on_the_previous_year_is_filled(nightly_run: dict[str, Any]) -> None:
    """2025Q4 has a national change on 2024Q4 for every beroepsgroep; 2025Q3 has none (no
    2024Q3 in the series)."""
    rows = query(
        nightly_run,
        "SELECT periode, beroepsgroep, verandering_vorig_jaar_pct FROM mart.indicatoren "
        "WHERE niveau = 'nationaal' AND periodetype = 'kwartaal' AND periode IN ('2025Q3', "
        "'2025Q4')",
    )
    change = {(periode, groep): value for periode, groep, value in rows}
    for groep in ("boa", "brandweer", "politie"):
        assert change[("2025Q4", groep)] is not None
        assert change[("2025Q3", groep)] is None
