"""The local task runners give the same warehouse: the default (Prefect tasks on threads, each
handing its groups to an isolated worker process) and Prefect's own process pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import pipeline.night.groups
from flows.artifacts import SUMMARY_KEY, TABLE_KEY
from pipeline.settings import Settings
from tests.flows.conftest import two_warehouses, warehouse_fingerprint
from tests.flows.test_prefect_runs import _runs


def test_prefect_process_pool_gives_the_same_warehouse_as_the_default(
    nightly_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.nightly import run_nightly

    default, pool = two_warehouses(nightly_run["sample"], tmp_path, 12, ("standaard", "pool"))
    default_summary = run_nightly(default)
    # the default's delivery workers ran in this process and are stopped: they hold the key
    assert pipeline.night.groups._pools == {}
    monkeypatch.setenv("MONITOR_RUNNER", "prefect-processes")
    pool_summary = run_nightly(pool)
    assert pool_summary.files_new == default_summary.files_new > 20
    assert warehouse_fingerprint(pool.warehouse_path) == warehouse_fingerprint(
        default.warehouse_path
    )


@pytest.mark.filterwarnings("error::RuntimeWarning")  # "coroutine ... was never awaited"
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_run_nightly_inside_a_running_event_loop_runs_whole(tmp_path: Path) -> None:
    """The cause found: once a browser test ran, pytest-playwright's sync API keeps an event
    loop running in the main thread for the rest of the session, and Prefect took every call
    after it for async (a coroutine as the summary, artifacts and the drain skipped)."""
    import asyncio
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    from flows.nightly import RunSummary, run_nightly

    (tmp_path / "inbox").mkdir()
    settings = Settings(inbox_dir=tmp_path / "inbox", warehouse_path=tmp_path / "w" / "m.duckdb",
                        sample_mode=True)  # fmt: skip

    async def synchronous_call_inside_a_loop() -> RunSummary:
        return run_nightly(settings)  # as Playwright's sync API leaves the main thread

    def with_a_running_loop() -> RunSummary:  # in a thread of its own: in the full suite the
        return asyncio.run(synchronous_call_inside_a_loop())  # main thread has one already

    with ThreadPoolExecutor(max_workers=1) as thread:
        summary = thread.submit(contextvars.copy_context().run, with_a_running_loop).result()
    assert isinstance(summary, RunSummary) and summary.files_new == 0
    _, _, artifacts = _runs(summary.flow_run_id)
    assert {a.key for a in artifacts} == {TABLE_KEY, SUMMARY_KEY}


def test_run_nightly_returns_its_summary_even_where_prefect_sees_an_async_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen once in the full suite: Prefect believed it ran in an async context (a leftover run
    context or event loop) and `state.result()` gave a coroutine instead of the summary."""
    import prefect._internal.compatibility.async_dispatch as dispatch

    from flows.nightly import RunSummary, run_nightly

    (tmp_path / "inbox").mkdir()
    settings = Settings(inbox_dir=tmp_path / "inbox", warehouse_path=tmp_path / "w" / "m.duckdb",
                        sample_mode=True)  # fmt: skip
    monkeypatch.setattr(dispatch, "is_in_async_context", lambda: True)
    summary = run_nightly(settings)
    assert isinstance(summary, RunSummary) and summary.files_new == 0
    monkeypatch.undo()
    _, _, artifacts = _runs(summary.flow_run_id)  # and the artifacts were created, not dropped
    assert {a.key for a in artifacts} == {TABLE_KEY, SUMMARY_KEY}


def test_the_report_is_built_without_collections_and_they_resume_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The night's end holds every delivery's outcome for the feedback: collections while the
    report is built rescanned them all (~0.5 s). Paused there, on again once the run is done."""
    import gc

    import flows.nightly
    from flows.nightly import run_nightly

    seen: list[bool] = []
    publish = flows.nightly.publish_report

    def noting(settings: Settings) -> Path:
        seen.append(gc.isenabled())
        return publish(settings)

    monkeypatch.setattr(flows.nightly, "publish_report", noting)
    (tmp_path / "inbox").mkdir()
    settings = Settings(inbox_dir=tmp_path / "inbox", warehouse_path=tmp_path / "w" / "m.duckdb",
                        sample_mode=True)  # fmt: skip
    assert gc.isenabled()
    summary = run_nightly(settings)
    assert seen == [False]
    assert gc.isenabled()
    assert summary.report is not None and Path(summary.report).exists()
