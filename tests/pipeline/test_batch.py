"""Batch checks (B01–B04) against real Great Expectations; GX is built once per test session.

Also the catalogue of checks (batch_checks.yaml) and its validation on load.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from pipeline.ingest.batch import DeliveryLabel, _raised, validate_batch, validate_batches
from pipeline.ingest.batch_catalogue import (
    BATCH_CHECKS,
    CATALOGUE_PATH,
    BatchCatalogueError,
    DqResult,
    load_batch_checks,
)

GOOD_HISTORY = [40, 50]


def run_batch_checks(incidents: pd.DataFrame, history: list[int]) -> list[DqResult]:
    """The results of the B checks on one delivery."""
    return validate_batch(incidents, history).results


def _delivery(rows: int = 40, days: int = 20) -> pd.DataFrame:
    """A clean harmonised delivery: all key fields filled, incidents spread over `days` days."""
    start = dt.date(2025, 1, 1)
    return pd.DataFrame(
        {
            "bron_incidentnummer": [f"INC-{i:04d}" for i in range(rows)],
            "incidentdatum": [start + dt.timedelta(days=i % days) for i in range(rows)],
            "kanaal": ["fysiek", "telefonisch", "online", "schriftelijk"] * (rows // 4)
            + ["fysiek"] * (rows % 4),
            "context": ["handhaving"] * rows,
            "letsel": ["geen"] * rows,
            "aangifte": ["ja", "nee"] * (rows // 2) + ["nee"] * (rows % 2),
            "vpt_markering": [None] * rows,
            "gedragstypen": [["verbaal", "bedreiging"]] * rows,
        }
    )


def _result(results: list[DqResult], code: str, column: str | None = None) -> DqResult:
    """The one result of a check code (and column)."""
    found = [r for r in results if r.code == code and r.column == column]
    assert len(found) == 1, (code, column, results)
    return found[0]


def test_catalogue_keys_are_unique_and_cover_b01_to_b04() -> None:
    keys = [(c.code, c.column) for c in BATCH_CHECKS]
    assert len(keys) == len(set(keys))
    assert {c.code for c in BATCH_CHECKS} >= {"B01", "B02", "B03", "B04"}
    assert all(c.title_nl and c.description_nl for c in BATCH_CHECKS)


def test_good_delivery_passes_every_check() -> None:
    results = run_batch_checks(_delivery(), GOOD_HISTORY)
    assert [(r.code, r.column) for r in results] == [(c.code, c.column) for c in BATCH_CHECKS]
    assert [r for r in results if r.success is not True] == []
    assert [r.expectation for r in results] == [c.expectation for c in BATCH_CHECKS]
    assert all(r.observed and r.threshold and r.message_nl.endswith(".") for r in results)


def test_half_missing_kanaal_fails_b01() -> None:
    incidents = _delivery()
    incidents.loc[::2, "kanaal"] = None
    results = run_batch_checks(incidents, GOOD_HISTORY)
    failed = _result(results, "B01", "kanaal")
    assert failed.success is False
    assert failed.observed == "20 van 40 ingevuld (50%)"
    assert "20 van de 40 incidenten ontbreekt het veld 'kanaal'" in failed.message_nl
    assert _result(results, "B01", "context").success is True


def test_blank_strings_count_as_missing() -> None:
    incidents = _delivery()
    incidents.loc[: len(incidents) // 2, "letsel"] = "  "
    assert _result(run_batch_checks(incidents, GOOD_HISTORY), "B01", "letsel").success is False


def test_required_field_missing_once_fails_b01() -> None:
    incidents = _delivery()
    incidents.loc[3, "bron_incidentnummer"] = None
    failed = _result(run_batch_checks(incidents, GOOD_HISTORY), "B01", "bron_incidentnummer")
    assert failed.success is False
    assert "bij alle incidenten" in failed.message_nl


def test_absent_column_is_checked_as_empty() -> None:
    incidents = _delivery().drop(columns=["letsel"])
    results = run_batch_checks(incidents, GOOD_HISTORY)
    assert _result(results, "B01", "letsel").success is False
    assert _result(results, "B02", "letsel").observed == "geen ingevulde waarden"


def test_half_onbekend_kanaal_fails_b02() -> None:
    incidents = _delivery()
    incidents.loc[::2, "kanaal"] = "onbekend"
    results = run_batch_checks(incidents, GOOD_HISTORY)
    failed = _result(results, "B02", "kanaal")
    assert failed.success is False
    assert failed.observed == "20 van 40 ingevulde waarden onbekend (50%)"
    assert _result(results, "B02", "aangifte").success is True


def test_b02_share_is_of_filled_values_only() -> None:
    # 20 missing, 10 onbekend, 10 fysiek: 25% of all rows but 50% of the filled ones.
    incidents = _delivery()
    incidents["kanaal"] = [None] * 20 + ["onbekend"] * 10 + ["fysiek"] * 10
    assert _result(run_batch_checks(incidents, GOOD_HISTORY), "B02", "kanaal").success is False


def test_volume_far_above_history_fails_b03() -> None:
    result = _result(run_batch_checks(_delivery(rows=100), [10, 12]), "B03")
    assert result.success is False
    assert result.observed == "100 incidenten"
    assert result.threshold == "tussen 3 en 44 incidenten"
    assert "gemiddeld 11" in result.message_nl


@pytest.mark.parametrize("history", [[1], [], [0, 0, 50]])
def test_volume_without_two_earlier_deliveries_with_rows_is_skipped(history: list[int]) -> None:
    result = _result(run_batch_checks(_delivery(rows=100), history), "B03")
    assert result.success is None
    assert "niet gecontroleerd" in result.message_nl


def test_all_on_one_day_fails_b04() -> None:
    result = _result(run_batch_checks(_delivery(rows=20, days=1), [20, 20]), "B04", "incidentdatum")
    assert result.success is False
    assert result.observed == "1 dag"


def test_one_day_check_skipped_below_ten_rows() -> None:
    results = run_batch_checks(_delivery(rows=9, days=1), [9, 9])
    assert _result(results, "B04", "incidentdatum").success is None
    assert _result(results, "B03").success is True


def test_b04_counts_days_not_timestamps() -> None:
    incidents = _delivery(rows=20, days=1)
    base = pd.Timestamp("2025-03-01 08:00")
    incidents["incidentdatum"] = [base + pd.Timedelta(minutes=i) for i in range(20)]
    assert _result(run_batch_checks(incidents, [20, 20]), "B04", "incidentdatum").success is False


def test_pandas_3_dtypes_are_accepted() -> None:
    incidents = _delivery()
    for column in ("bron_incidentnummer", "kanaal", "context", "letsel", "aangifte"):
        incidents[column] = incidents[column].astype("string[pyarrow]")
    incidents["incidentdatum"] = pd.to_datetime(incidents["incidentdatum"]).astype(str)
    results = run_batch_checks(incidents, GOOD_HISTORY)
    assert [r for r in results if r.success is not True] == []


def test_nil_return_is_all_skipped() -> None:
    results = run_batch_checks(_delivery(rows=0), GOOD_HISTORY)
    assert len(results) == len(BATCH_CHECKS)
    assert all(r.success is None and "nulmelding" in r.message_nl for r in results)


def test_nil_return_does_not_import_great_expectations() -> None:
    script = (
        "import sys, pandas as pd\n"
        "from pipeline.ingest.batch import validate_batch\n"
        "validate_batch(pd.DataFrame({'kanaal': pd.Series([], dtype=object)}), [3, 4])\n"
        "sys.exit('great_expectations' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_concurrent_calls_give_the_same_results_as_sequential_ones() -> None:
    deliveries = [(_delivery(), GOOD_HISTORY), (_delivery(rows=100), [10, 12])]
    expected = [run_batch_checks(frame, history) for frame, history in deliveries]
    got: list[list[DqResult]] = [[] for _ in range(2 * len(deliveries))]

    def work(slot: int) -> None:
        frame, history = deliveries[slot % len(deliveries)]
        got[slot] = run_batch_checks(frame, history)

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(len(got))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == expected * 2


def test_gx_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    run_batch_checks(_delivery(rows=30), GOOD_HISTORY)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_gx_exceptions_are_found_in_both_shapes_gx_reports_them() -> None:
    # GX catches exceptions per expectation, flat or keyed by metric id; success is then unusable.
    flat = {"raised_exception": True, "exception_message": "boom", "exception_traceback": "…"}
    assert _raised(flat) == "boom"
    assert _raised({"metric-id": flat}) == "boom"
    assert _raised({"raised_exception": False, "exception_message": None}) is None


def test_catalogue_file_loads_with_a_threshold_for_every_check() -> None:
    catalogue = load_batch_checks()
    assert catalogue.checks == BATCH_CHECKS
    assert catalogue.min_rows_for_share_checks == 10
    assert catalogue.min_history_deliveries == 2
    assert all(isinstance(c.threshold, float) for c in catalogue.checks)


def _broken_catalogue(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the real catalogue with one change, as a YAML file."""
    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "batch_checks.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["checks"][0].update(expectation="expect_column_to_exist"), "expectation"),
        (lambda d: d["checks"][0].update(drempel=0.5), "drempel"),
        (lambda d: d.update(max_rows=5), "max_rows"),
        (lambda d: d["checks"][2].pop("threshold"), "threshold"),
        (lambda d: d["checks"][5].update(threshold=1.0), "must be a share"),
        (lambda d: d["checks"][10].update(threshold=2.5), "whole number"),
        (lambda d: d["checks"].append(d["checks"][0]), "listed twice: B01 bron_incidentnummer"),
        (lambda d: d["checks"][9].update(column="kanaal"), "needs no column"),
    ],
)
def test_broken_catalogue_fails_on_load_saying_what(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    path = _broken_catalogue(tmp_path, change)
    with pytest.raises(BatchCatalogueError, match="batch checks catalogue") as raised:
        load_batch_checks(path)
    assert expected in str(raised.value)


def test_report_is_labelled_with_the_delivery() -> None:
    label = DeliveryLabel("GM0363", "2025Q1", "incidenten.xlsx")
    outcome = validate_batch(_delivery(), GOOD_HISTORY, label)
    assert outcome.results == run_batch_checks(_delivery(), GOOD_HISTORY)
    assert outcome.report is not None
    meta = outcome.report["meta"]
    assert meta["run_id"]["run_name"] == "GM0363 2025Q1 incidenten.xlsx"
    assert meta["batch_parameters"] == {
        "organisatiecode": "GM0363",
        "periode": "2025Q1",
        "bestand": "incidenten.xlsx",
    }
    judged = {r["expectation_config"]["meta"]["check"] for r in outcome.report["results"]}
    assert judged == set(range(len(BATCH_CHECKS)))  # every check judged (B03 as two bounds)
    assert outcome.report["suite_name"] == meta["expectation_suite"]["name"]
    json.dumps(outcome.report)  # plain JSON, ready to store


def _cases() -> list[tuple[pd.DataFrame, list[int]]]:
    kanaal_half_missing = _delivery()
    kanaal_half_missing["kanaal"] = [None] * 20 + ["fysiek"] * 20
    onbekend = _delivery()
    onbekend["kanaal"] = ["onbekend"] * 30 + ["fysiek"] * 10
    return [
        (_delivery(), GOOD_HISTORY),  # passes everything
        (_delivery(rows=0), GOOD_HISTORY),  # nil return: nothing runs
        (_delivery(rows=100), [10, 12]),  # B03 too many
        (_delivery(rows=3), [50, 60]),  # B03 too few; share checks skipped (3 rows)
        (kanaal_half_missing, []),  # B01 kanaal; no history
        (onbekend, GOOD_HISTORY),  # B02 kanaal
        (_delivery(rows=20, days=1), [20, 20]),  # B04
    ]


def test_deliveries_measured_in_chunks_and_judged_once_give_what_each_alone_gives() -> None:
    """The night measures in its workers, a chunk at a time, and judges all deliveries in one
    GX validation: the same results as each delivery checked alone, and one report that names
    the failing deliveries of every chunk."""
    import pickle

    from pipeline.ingest.batch import judge_batches, measure_batches

    cases = _cases()
    labels = [DeliveryLabel(f"GM{i:04d}", "2025Q1", f"levering {i}.csv") for i in range(len(cases))]
    deliveries = [(f, h, label) for (f, h), label in zip(cases, labels, strict=True)]
    # two workers' chunks, each pickled to the flow as a worker sends it
    measured = [m for chunk in (deliveries[:3], deliveries[3:])
                for m in pickle.loads(pickle.dumps(measure_batches(chunk)))]  # fmt: skip

    judged = judge_batches(measured)

    alone = [run_batch_checks(frame, history) for frame, history in cases]
    assert [outcome.results for outcome in judged] == alone
    reports = [outcome.report for outcome in judged]
    assert reports[0] is not None and all(r is None for r in reports[1:])
    named = {row["levering"] for result in reports[0]["results"]
             for row in result["result"].get("unexpected_index_list") or []}  # fmt: skip
    assert named == {label.run_name for label in labels[2:]}  # from both chunks


def test_checks_that_could_not_be_judged_say_so_and_skipped_ones_stay_skipped() -> None:
    from pipeline.ingest.batch import judge_failed, measure_batches

    cases = [(_delivery(), GOOD_HISTORY, None), (_delivery(rows=3), [], None)]
    good, small = measure_batches(cases)

    outcomes = judge_failed([good, small], "het proces stopte")

    assert all(r.success is None and r.observed == "fout: het proces stopte"
               for r in outcomes[0].results)  # fmt: skip
    expected_small = run_batch_checks(_delivery(rows=3), [])  # nothing of it runs
    assert all(r.success is None for r in expected_small)
    assert outcomes[1].results == expected_small
    assert all(outcome.report is None for outcome in outcomes)


def test_nil_return_has_no_report() -> None:
    assert validate_batch(_delivery(rows=0), GOOD_HISTORY).report is None


def test_many_deliveries_at_once_give_what_each_alone_gives() -> None:
    cases = _cases()
    labels = [DeliveryLabel(f"GM{i:04d}", "2025Q1", f"levering {i}.csv") for i in range(len(cases))]
    together = validate_batches(
        [(f, h, label) for (f, h), label in zip(cases, labels, strict=True)]
    )
    alone = [run_batch_checks(frame, history) for frame, history in cases]
    assert [outcome.results for outcome in together] == alone
    failing = {(r.code, r.column) for results in alone for r in results if r.success is False}
    assert failing == {
        ("B03", None),
        ("B01", "kanaal"),
        ("B02", "kanaal"),
        ("B04", "incidentdatum"),
    }
    # one GX validation, its report carried once (by the first delivery whose checks ran)
    reports = [outcome.report for outcome in together]
    assert reports[0] is not None and all(r is None for r in reports[1:])
    assert reports[0]["meta"]["batch_parameters"]["leveringen"] == "6"  # the nil return has none
    named = {row["levering"] for result in reports[0]["results"]
             for row in result["result"].get("unexpected_index_list") or []}  # fmt: skip
    assert named == {label.run_name for label in labels[2:]}


def test_a_column_of_mostly_distinct_values_is_counted_as_one_of_few() -> None:
    """Incident numbers are judged value by value, codes once per distinct value: the same
    counts. 3,000 rows in two deliveries, counted by hand: per 10 rows one missing, one blank,
    one NaN and one " onbekend "."""
    from pipeline.ingest.batch_measures import check_plan, measures_of

    def column(distinct: bool) -> list[object]:
        kinds = [None, "  ", float("nan"), " onbekend "]
        return [kinds[i % 10] if i % 10 < 4 else (f"N-{i}" if distinct else "fysiek")
                for i in range(3000)]  # fmt: skip

    whole = pd.DataFrame({"bron_incidentnummer": column(True), "kanaal": column(False)})
    frames = [whole.iloc[:1000], whole.iloc[1000:]]
    counted = measures_of(frames, [check_plan(frame, [40, 50]) for frame in frames])
    assert counted["bron_incidentnummer:gevuld"].tolist() == [700, 1400]
    assert counted["bron_incidentnummer:onbekend"].tolist() == [100, 200]
    assert counted["kanaal:gevuld"].tolist() == [700, 1400]
    assert counted["kanaal:onbekend"].tolist() == [100, 200]


def test_measures_count_per_delivery_every_kind_of_missing_value_and_onbekend() -> None:
    """Counted by hand: None, NaN, pd.NA and blank text are not filled; " onbekend " is
    onbekend once stripped; a number is filled; an empty delivery and an absent column count 0;
    days are distinct dates, not timestamps, and an invalid date is no day."""
    from pipeline.ingest.batch_measures import check_plan, measures_of

    first = pd.DataFrame({
        "bron_incidentnummer": ["A", "B", "C", "D", "E"],
        "incidentdatum": [dt.date(2025, 1, 1), dt.datetime(2025, 1, 1, 14, 30), "2025-01-02",
                          "geen datum", None],
        "kanaal": [" onbekend ", "onbekend", "  ", None, "fysiek"],
        "context": [float("nan"), pd.NA, "handhaving", 7, "onbekend"],
        "letsel": ["geen"] * 5,
        "aangifte": ["ja"] * 5,
    })  # fmt: skip
    second = pd.DataFrame({  # no aangifte column
        "bron_incidentnummer": ["X", None],
        "incidentdatum": [dt.date(2025, 3, 1), dt.date(2025, 3, 1)],
        "kanaal": ["fysiek", "onbekend"],
        "context": [None, None],
        "letsel": ["", "licht"],
    })  # fmt: skip
    empty = first.iloc[:0]
    frames = [first, empty, second]
    measures = measures_of(frames, [check_plan(frame, [40, 50]) for frame in frames])
    counted = measures.drop(columns=[c for c in measures.columns if c.startswith("B")])
    assert counted.to_dict("list") == {
        "rijen": [5, 0, 2],
        "aangifte:onbekend": [0, 0, 0], "aangifte:gevuld": [5, 0, 0],
        "bron_incidentnummer:onbekend": [0, 0, 0], "bron_incidentnummer:gevuld": [5, 0, 1],
        "context:onbekend": [1, 0, 0], "context:gevuld": [3, 0, 0],
        "incidentdatum:dagen": [2, 0, 1], "incidentdatum:gevuld": [3, 0, 2],
        "kanaal:onbekend": [2, 0, 1], "kanaal:gevuld": [3, 0, 2],
        "letsel:onbekend": [0, 0, 0], "letsel:gevuld": [5, 0, 1],
    }  # fmt: skip
    assert measures["B03_rijen"].fillna(-1).tolist() == [5.0, -1.0, 2.0]  # none: a nil return
    assert measures["B02_kanaal"].isna().all()  # fewer rows than a share check needs
