"""Deliveries of one profile harmonised and validated together (issue 11, DESIGN §10).

`process_files` reads each file on its own and maps the deliveries of one profile and header in
one vectorised pass. What comes out must be what processing the files one by one gives, in
the same order, with the same history (B03); a delivery that breaks a pass, or a worker that
dies during a chunk of files, must fail only that delivery.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import pipeline.ingest.process as process
from connectors import discover_inbox
from pipeline.ingest.process import (
    Opened,
    ProcessedDelivery,
    ProcessingInputs,
    open_delivery,
    process_file,
    process_files,
    record_history,
)
from pipeline.night.groups import process_group
from pipeline.night.isolation import DeliveryPool, Limits
from pipeline.sample import generate_sample
from tests.conftest import REFERENCE_DIR
from tests.pipeline.test_isolation import kill_when_busy, vendor_csv

TODAY = dt.date(2026, 1, 20)


@pytest.fixture(scope="module")
def sample_inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ProcessingInputs]:
    """A small national sample (with its defects) and the inputs to process it."""
    from pipeline.ingest.inputs import prepare_inputs
    from pipeline.settings import Settings

    out = tmp_path_factory.mktemp("together")
    generate_sample(out, 2025, seed=11, scale=0.05, reference_dir=REFERENCE_DIR)
    settings = Settings(inbox_dir=out / "inbox", warehouse_path=out / "w.duckdb",
                        sample_mode=True, fte_dir=out / "reference")  # fmt: skip
    return out / "inbox", prepare_inputs(settings, TODAY, {})


def chosen_files(inbox: Path) -> list:
    """The files of the organisations with the sample's defects (rejected rows and files, a
    superseded delivery), of two organisations per kind of warning, of the first organisation
    of each profile and of every fortieth other one: under two hundred files (each is also
    processed alone, with its own GX validation, which is what takes the time)."""
    truth = inbox.parent / "truth"
    deliveries = pd.read_csv(truth / "deliveries.csv")
    warned = pd.read_csv(truth / "warnings.csv")
    defects = deliveries[(deliveries["rows_rejected"] > 0) | (deliveries["status"] != "loaded")]
    folders = {*defects["organisatiecode_bron"]}
    folders |= {
        o for codes in warned.groupby("code")["organisatiecode"].unique() for o in codes[:2]
    }
    folders |= set(sorted(deliveries["organisatiecode_bron"].unique())[::40])
    folders |= set(deliveries.groupby("profiel")["organisatiecode_bron"].first())
    return [f for f in discover_inbox(inbox) if f.folder.upper() in folders]


def one_by_one(files: list, inputs: ProcessingInputs) -> list[ProcessedDelivery]:
    """Each file alone, the history growing as a sequential night's would."""
    history: dict[str, list[int]] = {}
    results = []
    for file in files:
        result = process_file(file, inputs.with_history(history))
        record_history(history, result)
        results.append(result)
    return results


def same(a: ProcessedDelivery, b: ProcessedDelivery) -> None:
    """Two outcomes of one delivery are the same: rows, edits, checks, counts and failure."""
    assert a.file == b.file
    for frame in ("incidents", "edits", "dq"):
        pd.testing.assert_frame_equal(getattr(a, frame), getattr(b, frame), check_dtype=False)
    counts = ("rows_in", "rows_loaded", "rows_rejected", "rows_warned")
    assert [getattr(a, c) for c in counts] == [getattr(b, c) for c in counts]
    assert (a.failure and str(a.failure)) == (b.failure and str(b.failure))
    assert (a.meta is None) == (b.meta is None)
    if a.meta is not None and b.meta is not None:
        assert a.meta == b.meta  # the FTE rows too


def test_together_gives_what_one_by_one_gives(
    sample_inputs: tuple[Path, ProcessingInputs],
) -> None:
    inbox, inputs = sample_inputs
    files = chosen_files(inbox)
    opened = [o for o in (open_delivery(f, inputs) for f in files) if isinstance(o, Opened)]
    batches = {o.batch_key for o in opened}
    assert len(batches) * 5 < len(opened), "the sample should make real batches"
    together = process_files(files, inputs)
    alone = one_by_one(files, inputs)
    assert [d.file for d in together] == files
    for a, b in zip(together, alone, strict=True):
        same(a, b)
    # the sample's defects are in it: rejected rows, warnings, a rejected file, and B03 ran
    assert sum(d.rows_rejected for d in together) > 0
    assert sum(d.rows_warned for d in together) > 0
    assert any(d.rejected for d in together)
    b03 = pd.concat([d.dq for d in together if len(d.dq)])
    assert b03.loc[b03["code"] == "B03", "success"].notna().any()
    # every profile's incidents in one column order: the flow loads a batch as one frame, and
    # concatenating frames of different orders aligned their columns (five times as long)
    assert len({o.profile.id for o in opened}) > 3
    orders = {tuple(d.incidents.columns) for d in together if len(d.incidents)}
    assert len(orders) == 1
    # and the columns of one type side by side: in name order the typed columns cut the text
    # columns into runs that concatenating sliced out of every frame (~5 times as long)
    for delivery in (d for d in together if len(d.incidents)):
        types = [str(t) for t in delivery.incidents.dtypes]
        runs = [t for i, t in enumerate(types) if i == 0 or t != types[i - 1]]
        assert len(runs) == len(set(types)), (delivery.file.path.name, types)
        assert "object" in types and len(set(types)) > 2  # typed columns among the text ones


def test_a_delivery_that_breaks_the_pass_fails_alone(
    tmp_path: Path, processing_inputs: ProcessingInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    for org in ("GM0344", "GM0014", "GM0363"):
        vendor_csv(tmp_path, org, 1, 4)
    breaking = tmp_path / "GM0014" / "incidenten_GM0014_2025Q1.csv"
    breaking.write_text(breaking.read_text(encoding="cp1252").replace("M-1;", "BREEK;"),
                        encoding="cp1252")  # fmt: skip
    files = discover_inbox(tmp_path)
    inputs = replace(processing_inputs, today=TODAY)
    expected = {f.path.name: process_file(f, inputs) for f in files if f.path != breaking}
    real = process.apply_profile

    def fragile(raw, *args, **kwargs):  # type: ignore[no-untyped-def]
        """A mapping bug that only this delivery's data sets off."""
        if raw.cells.isin(["BREEK"]).any().any():
            raise ValueError("geheim-id BREEK")
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(process, "apply_profile", fragile)
    results = {d.file.path.name: d for d in process_files(files, inputs)}
    broken = results.pop(breaking.name)
    assert broken.rejected and broken.failure is not None
    assert broken.failure.code == "S01" and "vastlopen" in broken.failure.message
    assert "BREEK" not in broken.failure.message  # the cause goes to the log, not the feedback
    assert results.keys() == expected.keys()
    for name, result in results.items():
        same(result, expected[name])


def test_a_worker_killed_during_a_chunk_leaves_every_delivery_processed(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    vendor_csv(tmp_path, "GM0344", 1, 20_000)
    for org in ("GM0014", "GM0363"):
        vendor_csv(tmp_path, org, 1, 3)
    files = discover_inbox(tmp_path)
    inputs = replace(processing_inputs, today=TODAY)
    with DeliveryPool(inputs, Limits(workers=1)) as pool:
        killer = threading.Thread(target=kill_when_busy, args=(pool,), daemon=True)
        killer.start()
        assert pool.process_together(files, {}) is None  # the chunk is lost ...
        killer.join()
        again = list(pool.process(files, {}))  # ... and a fresh worker does them one by one
    assert not any(d.rejected for d in again)
    for result, file in zip(again, files, strict=True):
        same(result, process_file(file, inputs))


def test_a_chunk_over_the_time_limit_fails_only_the_slow_delivery(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    vendor_csv(tmp_path, "GM0344", 1, 100_000)  # 0.4-0.75 s of work here: 2-4x the limit
    for org in ("GM0014", "GM0363"):
        vendor_csv(tmp_path, org, 1, 3)
    files = discover_inbox(tmp_path)
    inputs = replace(processing_inputs, today=TODAY)
    started = time.monotonic()
    results = {d.file.folder: d for d in process_group(files, inputs, Limits(timeout_s=0.2))}
    assert time.monotonic() - started < 60
    assert results["GM0344"].rejected
    assert results["GM0344"].failure is not None
    assert "langer dan 0.2 seconden" in results["GM0344"].failure.message
    for org in ("GM0014", "GM0363"):
        assert not results[org].rejected and results[org].rows_loaded == 3


def test_inputs_with_another_history_keep_what_was_prepared(
    sample_inputs: tuple[Path, ProcessingInputs],
) -> None:
    _, inputs = sample_inputs
    prepared = inputs.fte_by_year
    other = inputs.with_history({"GM0344": [12]})
    assert other.history == {"GM0344": [12]} and inputs.history == {}
    assert other.fte_by_year is prepared  # not rebuilt for every chunk (~0.15 s each)


def test_inputs_prepare_once_for_every_history(
    sample_inputs: tuple[Path, ProcessingInputs],
) -> None:
    """A worker is given unprepared inputs and makes a copy with its history for every chunk:
    the copies share what is prepared from the inputs instead of each building its own."""
    _, prepared_elsewhere = sample_inputs
    inputs = replace(prepared_elsewhere)  # as unpickled in a worker: nothing prepared
    assert "fte_by_year" not in inputs.__dict__
    first, second = inputs.with_history({}), inputs.with_history({"GM0344": [12]})
    assert first.fte_by_year is second.fte_by_year
    assert len(first.fte_by_year) > 0


def test_fte_by_year_keeps_every_row_per_organisation_and_year_in_order(
    processing_inputs: ProcessingInputs,
) -> None:
    from pipeline.warehouse.ledger import FteRow

    fte = pd.DataFrame({
        "organisatiecode": pd.array(["GM0014", "VR01", "GM0014", "GM0014", None, "VR01"],
                                    dtype="string"),
        "beroepsgroep": ["boa", "brandweer", "boa", "handhaving", "boa", "brandweer"],
        "jaar": [2025, 2025, 2024, 2025, 2025, 2024],
        "fte": [12.5, 300.0, 11.0, 2.25, 9.0, 290.5],
    })  # fmt: skip
    inputs = replace(processing_inputs, fte=fte)  # nothing prepared yet

    assert inputs.fte_by_year == {
        ("GM0014", 2025): (FteRow("boa", 12.5, "referentie"), FteRow("handhaving", 2.25, "referentie")),
        ("VR01", 2025): (FteRow("brandweer", 300.0, "referentie"),),
        ("GM0014", 2024): (FteRow("boa", 11.0, "referentie"),),
        ("VR01", 2024): (FteRow("brandweer", 290.5, "referentie"),),
    }  # the row without an organisatiecode is no one's  # fmt: skip
    assert list(inputs.fte_by_year) == [("GM0014", 2025), ("VR01", 2025), ("GM0014", 2024),
                                        ("VR01", 2024)]  # fmt: skip
    assert replace(processing_inputs, fte=fte.iloc[:0]).fte_by_year == {}


def test_the_garbage_collector_waits_during_a_pass(
    tmp_path: Path, processing_inputs: ProcessingInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No cyclic collections while a pass runs (they rescanned its rows over and over,
    `pipeline.gc_pause`); on again after it, also when it fails; left off when found off."""
    vendor_csv(tmp_path, "GM0344", 1, 4)
    files = discover_inbox(tmp_path)
    inputs = replace(processing_inputs, today=TODAY)
    seen: list[bool] = []
    real = process.apply_profile

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    forgotten: list[bool] = []
    monkeypatch.setattr(process, "apply_profile", watched)
    monkeypatch.setattr(process, "forget_known_cells", lambda: forgotten.append(True))
    assert gc.isenabled()
    assert not process_files(files, inputs)[0].rejected
    assert seen == [False] and gc.isenabled()
    assert forgotten == [True]  # the cell values the readers remembered do not outlive the pass

    def exhausted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError  # goes up: the worker's supervisor retries its files one by one

    monkeypatch.setattr(process, "apply_profile", exhausted)
    with pytest.raises(MemoryError):
        process_files(files, inputs)
    assert gc.isenabled()

    monkeypatch.setattr(process, "apply_profile", watched)
    gc.disable()
    try:
        process_files(files, inputs)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False]


def test_every_incident_of_a_pass_carries_its_own_deliverys_provenance(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    """Period, file and sheet are set for a whole pass at once: each row gets its own
    delivery's, as plain text columns (they cross to the flow)."""
    vendor_csv(tmp_path, "GM0344", 1, 3)
    vendor_csv(tmp_path, "GM0014", 2, 2)
    vendor_csv(tmp_path, "GM0363", 3, 4)
    files = discover_inbox(tmp_path)
    opened = [open_delivery(f, processing_inputs) for f in files]
    assert len({o.batch_key for o in opened if isinstance(o, Opened)}) == 1  # one pass

    results = process_files(files, processing_inputs)

    seen = {(d.file.path.name, len(d.incidents)): d.incidents for d in results}
    assert set(seen) == {("incidenten_GM0344_2025Q1.csv", 3), ("incidenten_GM0014_2025Q2.csv", 2),
                         ("incidenten_GM0363_2025Q3.csv", 4)}  # fmt: skip
    for (name, _), incidents in seen.items():
        quarter = name[-6:-4]
        assert incidents["bronbestand"].tolist() == [name] * len(incidents)
        assert incidents["periode"].tolist() == [f"2025{quarter}"] * len(incidents)
        assert incidents["tabblad"].isna().all()  # a CSV file has no sheets
        assert incidents["rij"].tolist() == list(range(2, 2 + len(incidents)))
        for column in ("bronbestand", "periode"):
            assert incidents[column].dtype == object
