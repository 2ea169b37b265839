"""The nightly flow with poison files among real deliveries (issue 9, acceptance).

A few organisations of the shared sample, plus in GM0014's folder: a dimension bomb, deep JSON,
a million-column header, a padded zip bomb, an HTML 'xls' full of spans, a file whose name is
markup, and a symlink to GM1969's file; and GM1969's file once more in another organisation's
folder. The run succeeds, every organisation's incidents equal the truth, every poison file is
`rejected` in the ledger, GM1969's own file is loaded, and the copy is flagged to both.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.sample.verify import TruthComparison, compare_with_truth
from pipeline.settings import DEMO_PSEUDONYM_KEY, Settings
from pipeline.warehouse.store import open_published
from tests.hostile.generators import HOSTILE_CASES

FOLDERS = ["GM0014", "GM1969", "POL", "VR01"]
MARKUP_NAME = "GM0014_<img src=x onerror=alert(1)>.csv"
LINK_NAME = "incidenten_GM0014_2025Q1_kopie.csv"
MISDIRECTED = ("GM0363", "incidenten_GM1969_2025Q2.csv")


def small_sample(sample: Path, root: Path) -> Path:
    """The shared sample cut down to FOLDERS: inbox, reference, manifest, and truth."""
    target = root / "sample"
    (target / "inbox").mkdir(parents=True)
    for folder in FOLDERS:
        shutil.copytree(sample / "inbox" / folder, target / "inbox" / folder)
    shutil.copytree(sample / "reference", target / "reference")
    shutil.copy2(sample / "sample.json", target / "sample.json")
    (target / "truth").mkdir()
    deliveries = pd.read_csv(sample / "truth" / "deliveries.csv", dtype=str, keep_default_na=False)
    deliveries = deliveries[deliveries["organisatiecode_bron"].isin(FOLDERS)]
    deliveries.to_csv(target / "truth" / "deliveries.csv", index=False)
    for name in ("incidents", "rejects", "warnings"):
        frame = pd.read_csv(sample / "truth" / f"{name}.csv", dtype=str, keep_default_na=False)
        frame[frame["bronbestand"].isin(deliveries["bronbestand"])].to_csv(
            target / "truth" / f"{name}.csv", index=False
        )
    return target


def add_poison(inbox: Path) -> set[str]:
    """The poison files of GM0014 and the misdirected copy; returns the poison file names."""
    folder = inbox / "GM0014"
    names = {make(folder).name for make in HOSTILE_CASES.values()}
    (folder / MARKUP_NAME).write_text("<script>alert(1)</script>\n", encoding="utf-8")
    (folder / LINK_NAME).symlink_to(inbox / "GM1969" / "incidenten_GM1969_2025Q1.csv")
    other, name = MISDIRECTED
    (inbox / other).mkdir()
    shutil.copy2(inbox / "GM1969" / name, inbox / other / name)
    return names | {MARKUP_NAME, LINK_NAME}


@pytest.fixture(scope="module")
def poisoned_run(
    nightly_run: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    from flows.nightly import run_nightly

    root = tmp_path_factory.mktemp("poison")
    sample = small_sample(nightly_run["sample"], root)
    poison = add_poison(sample / "inbox")
    settings = Settings(inbox_dir=sample / "inbox", warehouse_path=root / "wh" / "monitor.duckdb",
                        sample_mode=True)  # fmt: skip
    summary = run_nightly(settings)
    with open_published(settings.warehouse_path) as wh:
        comparison = compare_with_truth(wh, sample, DEMO_PSEUDONYM_KEY.encode())
        ledger = wh.query(
            "SELECT organisatiecode_bron, bronbestand, status, sha256 FROM ops.delivery"
        )
        edits = wh.query("SELECT d.organisatiecode_bron, d.bronbestand, e.code, e.bericht "
                         "FROM ops.edit e JOIN ops.delivery d USING (delivery_id)")  # fmt: skip
    return {"summary": summary, "comparison": comparison, "ledger": ledger, "edits": edits,
            "poison": poison, "settings": settings}  # fmt: skip


def test_every_organisations_incidents_equal_the_truth(poisoned_run: dict[str, Any]) -> None:
    result: TruthComparison = poisoned_run["comparison"]
    assert result.incidents_expected > 0
    assert result.incidents_expected == result.incidents_loaded
    assert not result.missing_incidents and not result.unexpected_incidents
    assert not result.field_differences, result.field_differences[:5]
    assert not result.missing_rejects and not result.missing_warnings


def test_every_poison_file_is_rejected_in_the_ledger(poisoned_run: dict[str, Any]) -> None:
    ledger = poisoned_run["ledger"]
    mine = ledger[ledger["organisatiecode_bron"] == "GM0014"].set_index("bronbestand")["status"]
    for name in poisoned_run["poison"]:
        assert mine.get(name) == "rejected", (name, mine.to_dict())
    s_edits = poisoned_run["edits"]
    s_edits = s_edits[s_edits["code"].str.startswith("S")]
    assert set(poisoned_run["poison"]) <= set(s_edits["bronbestand"])
    assert json.dumps(poisoned_run["summary"].as_dict(), default=str)  # the summary is plain data


def test_the_linked_file_loads_for_its_own_organisation_only(poisoned_run: dict[str, Any]) -> None:
    ledger = poisoned_run["ledger"]
    own = ledger[(ledger["organisatiecode_bron"] == "GM1969")
                 & (ledger["bronbestand"] == "incidenten_GM1969_2025Q1.csv")]  # fmt: skip
    assert own["status"].tolist() == ["loaded"]
    link = poisoned_run["edits"]
    message = link.loc[link["bronbestand"] == LINK_NAME, "bericht"].iloc[0]
    assert "symbolische link" in message


def test_the_same_file_from_two_organisations_is_flagged_to_both(
    poisoned_run: dict[str, Any],
) -> None:
    other, name = MISDIRECTED
    edits = poisoned_run["edits"]
    w09 = edits[(edits["code"] == "W09") & (edits["bronbestand"] == name)]
    assert sorted(w09["organisatiecode_bron"]) == sorted(["GM1969", other])
    ledger = poisoned_run["ledger"]
    copies = ledger[ledger["bronbestand"] == name]
    assert len(copies) == 2 and copies["sha256"].nunique() == 1
