"""Each publication kept, and what changed since the previous one with its reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipeline.publication.published import PublishedTable
from pipeline.publication.revisions import keep_publication, last_publication, revisions

MOMENT = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)


def indicators(boa_q1: float | None, status: str = "gepubliceerd") -> PublishedTable:
    frame = pd.DataFrame({
        "beroepsgroep": ["boa", "boa", "politie"], "niveau": ["nationaal"] * 3,
        "gebiedcode": ["NL"] * 3, "gebiednaam": ["Nederland"] * 3,
        "periodetype": ["kwartaal"] * 3, "periode": ["2025Q1", "2025Q2", "2025Q1"],
        "incidenten": [boa_q1, 40.0, 300.0], "incidenten_status": [status, "gepubliceerd", "gepubliceerd"],
    })  # fmt: skip
    return PublishedTable("indicatoren", "Kerncijfers", "", frame, ("incidenten",),
                          {"incidenten": "incidenten_status"})  # fmt: skip


def publish(root: Path, table: PublishedTable, moment: dt.datetime) -> Path | None:
    parquet = root.parent / f"rapport-{moment:%Y%m%d%H%M%S}" / "parquet"
    parquet.mkdir(parents=True)
    table.frame.to_parquet(parquet / "indicatoren.parquet", index=False)
    return keep_publication(root, parquet, moment)


def test_each_publication_is_kept_once_with_its_date(tmp_path: Path) -> None:
    root = tmp_path / "publicaties"
    first = publish(root, indicators(25.0), MOMENT)
    assert first is not None and first.name == "2026-11-01T020000"
    assert publish(root, indicators(25.0), MOMENT + dt.timedelta(days=1)) is None  # nothing new
    later = MOMENT + dt.timedelta(days=2)
    second = publish(root, indicators(31.0), later)
    assert second is not None and last_publication(root) == (second, later)
    assert sorted(p.name for p in root.iterdir()) == ["2026-11-01T020000", "2026-11-03T020000"]


def test_a_changed_figure_is_listed_with_its_reason(tmp_path: Path) -> None:
    root = tmp_path / "publicaties"
    folder = publish(root, indicators(25.0), MOMENT)
    assert folder is not None
    deliveries = pd.DataFrame({"beroepsgroep": ["boa"], "periode": ["2025Q1"],
                               "late_leveringen": [2], "correcties": [1]})  # fmt: skip

    changed = revisions(folder, indicators(31.0), deliveries)

    assert changed[["beroepsgroep", "periode", "vorige", "incidenten", "verschil", "reden"]].to_dict(
        "records"
    ) == [{"beroepsgroep": "boa", "periode": "2025Q1", "vorige": 25, "incidenten": 31,
           "verschil": 6, "reden": "2 late leveringen, 1 correctie"}]  # fmt: skip
    assert revisions(folder, indicators(25.0), deliveries).empty
    hidden_now = revisions(folder, indicators(None, "verborgen"), deliveries)
    assert hidden_now.empty  # a figure hidden now is not shown as a change (that would reveal it)
