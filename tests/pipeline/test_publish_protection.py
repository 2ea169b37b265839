"""The whole publication of one beroepsgroep on random incidents: after `protect_group`, the
integer attacker of `tests/attacker.py` (which rebuilds the relations from the published frames
and the public code list, as from the CSV files) narrows no hidden count below k."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.publication.build import protect_group
from tests.attacker import intervals, knowledge_from_tables

K = 5
AREAS = ["VR01", "VR02", "onbekend"]
QUARTERS = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
TYPES = ("fysiek_geweld", "bedreiging", "verbaal")
TYPE_SETS = [set(c) for n in (1, 2) for c in combinations(TYPES, n)]
ANSWERS = ("ja", "nee", "onbekend")

incident = st.fixed_dictionaries({
    "gebiedcode": st.sampled_from(AREAS), "periode": st.sampled_from(QUARTERS),
    "types": st.sampled_from(TYPE_SETS), "context": st.sampled_from(["handhaving", "verkeer"]),
    "aangifte": st.sampled_from(ANSWERS), "vpt": st.sampled_from(ANSWERS),
    "letsel": st.sampled_from(["geen", "licht", "onbekend"]), "nazorg": st.sampled_from(ANSWERS),
})  # fmt: skip


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The counts of mart.indicatoren for a set of incidents, computed here."""
    aangifte = [r for r in rows if r["aangifte"] == "ja"]
    return {
        "incidenten": len(rows),
        "met_aangifte": len(aangifte),
        "aangifte_bekend": sum(r["aangifte"] != "onbekend" for r in rows),
        "aangifte_met_vpt": sum(r["vpt"] == "ja" for r in aangifte),
        "vpt_bekend": sum(r["vpt"] != "onbekend" for r in aangifte),
        "met_letsel": sum(r["letsel"] == "licht" for r in rows),
        "letsel_bekend": sum(r["letsel"] != "onbekend" for r in rows),
        "nazorg_aangeboden": sum(r["nazorg"] == "ja" for r in rows),
        "nazorg_bekend": sum(r["nazorg"] != "onbekend" for r in rows),
    }


def frames(incidents: list[dict[str, Any]]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Indicator rows (NL and areas × quarters and year) and national category rows."""
    rows, categories = [], {"gedragstype": [], "zwaarste_gedragstype": [], "context": []}
    for area in ["NL", *AREAS]:
        for periode in [*QUARTERS, "2025"]:
            chosen = [i for i in incidents if area in ("NL", i["gebiedcode"])
                      and periode in (i["periode"], "2025")]  # fmt: skip
            c = counts(chosen)
            rates = {f"{name}_pct": 100 * c[n] / c[d] if c[d] else None for name, n, d in (
                ("aangifte", "met_aangifte", "aangifte_bekend"), ("vpt", "aangifte_met_vpt", "vpt_bekend"),
                ("letsel", "met_letsel", "letsel_bekend"), ("nazorg", "nazorg_aangeboden", "nazorg_bekend"))}  # fmt: skip
            rows.append({"beroepsgroep": "boa", "niveau": "nationaal" if area == "NL" else "veiligheidsregio",
                         "gebiedcode": area, "gebiednaam": area, "periodetype": "kwartaal" if "Q" in periode else "jaar",
                         "periode": periode, **c, **rates, "per_1000_fte": c["incidenten"] / 10,
                         "verandering_vorige_periode_pct": None, "volledig": True,
                         "cijferstatus": "definitief"})  # fmt: skip
            if area != "NL":
                continue
            for code in TYPES:
                n = sum(code in i["types"] for i in chosen)
                worst = sum(min(i["types"], key=TYPES.index) == code for i in chosen)
                categories["gedragstype"].append(
                    {"periode": periode, "gedragstype": code, "incidenten": n}
                )
                categories["zwaarste_gedragstype"].append(
                    {"periode": periode, "zwaarste_gedragstype": code, "incidenten": worst})  # fmt: skip
            for code in ("handhaving", "verkeer"):
                n = sum(i["context"] == code for i in chosen)
                categories["context"].append({"periode": periode, "context": code, "incidenten": n})
    return pd.DataFrame(rows), {
        name: pd.DataFrame(found).assign(beroepsgroep="boa", niveau="nationaal", gebiedcode="NL")
        for name, found in categories.items()
    }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(incident, min_size=0, max_size=70))
def test_random_publications_leave_no_hidden_count_narrow(incidents: list[dict[str, Any]]) -> None:
    indicators, categories = frames(incidents)
    protected = protect_group(indicators, categories, AREAS, K)
    table = protected["indicatoren"]
    for column in [c for c in table.columns if c.endswith("_status")]:
        values = pd.to_numeric(table[column.removesuffix("_status")], errors="coerce")
        rate = column.endswith("_pct_status") or column.startswith("per_1000")
        assert rate or not values.between(1, K - 1).any(), column
    known = knowledge_from_tables(table, {
        "incidenten_gedragstype": protected["gedragstype"],
        "incidenten_zwaarste": protected["zwaarste_gedragstype"],
        "incidenten_context": protected["context"],
    })["boa"]  # fmt: skip
    hidden = [cell for cell, value in known.values.items() if value is None]
    assert hidden or len(incidents) < 20  # 20 incidents over 12 area-quarters: some are small
    narrow = [key for key, (lo, hi) in intervals(known, K).items() if hi - lo < K - 1e-6]
    assert narrow == []
