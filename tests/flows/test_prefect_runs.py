"""What the nightly flow leaves in Prefect, read back through the Prefect client: the flow run
and its load tasks with their states, and the run summary as artifacts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.client.schemas.objects import StateType

from connectors import InboxFile
from flows.artifacts import SUMMARY_KEY, TABLE_KEY, run_markdown
from flows.drain import drain_task_runs
from pipeline.night.steps import LoadResult, RunSummary


def _runs(flow_run_id: str | None) -> tuple[Any, list[Any], list[Any]]:
    assert flow_run_id is not None
    run_id = UUID(flow_run_id)
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(run_id)
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
        )
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
    return flow_run, tasks, artifacts


def test_the_flow_run_and_its_load_tasks_completed(nightly_run: dict[str, Any]) -> None:
    summary = nightly_run["first"]

    flow_run, tasks, _ = _runs(summary.flow_run_id)

    assert flow_run.name and flow_run.state.type == StateType.COMPLETED
    settings = nightly_run["settings"]  # stored as given (flows.plain_parameters)
    assert flow_run.parameters == {"inbox": str(settings.inbox_dir),
                                   "warehouse": str(settings.warehouse_path), "sample_mode": True}  # fmt: skip
    loads = sorted((t for t in tasks if t.task_key.startswith("load_deliveries")),
                   key=lambda t: t.expected_start_time)  # fmt: skip
    assert len(loads) > 1  # the sample's 1,469 deliveries are loaded in batches
    assert all(t.state.type == StateType.COMPLETED for t in loads)
    sizes = [int(re.match(r"laden (\d+): ", t.name).group(1)) for t in loads]  # type: ignore[union-attr]
    assert sum(sizes) == summary.files_new
    first, last = summary.deliveries[0].bronbestand, summary.deliveries[-1].bronbestand
    assert first in loads[0].name and last in loads[-1].name  # a person finds a delivery by name


def test_the_batch_checks_of_the_night_are_judged_in_one_task(nightly_run: dict[str, Any]) -> None:
    """The workers only measure the batch checks; GX judges every delivery's in one task."""
    summary = nightly_run["first"]

    _, tasks, _ = _runs(summary.flow_run_id)

    judges = [t for t in tasks if t.task_key.startswith("judge_batch_checks")]
    assert len(judges) == 1 and judges[0].state.type == StateType.COMPLETED
    checked = sum(d.status != "rejected" for d in summary.deliveries)
    assert judges[0].name == f"batchcontroles {checked} leveringen"


def test_a_run_without_new_files_has_no_load_task(nightly_run: dict[str, Any]) -> None:
    second = nightly_run["second"]
    assert second.files_new == 0

    flow_run, tasks, _ = _runs(second.flow_run_id)

    assert flow_run.state.type == StateType.COMPLETED
    assert [t for t in tasks if t.task_key.startswith("load_deliveries")] == []


def test_the_run_summary_is_published_as_artifacts(nightly_run: dict[str, Any]) -> None:
    summary = nightly_run["first"]

    _, _, artifacts = _runs(summary.flow_run_id)

    by_key = {a.key: a for a in artifacts}
    assert set(by_key) >= {TABLE_KEY, SUMMARY_KEY}
    table = by_key[TABLE_KEY]
    assert table.type == "table"
    rows = table.data if isinstance(table.data, list) else json.loads(table.data)
    assert sorted(r["beroepsgroep"] for r in rows) == ["boa", "brandweer", "politie"]
    markdown = by_key[SUMMARY_KEY]
    assert markdown.type == "markdown"
    text = str(markdown.data)
    assert f"run {summary.run_id}" in text
    assert f"nieuw: {summary.files_new} " in text
    assert "(file://" in text and "rapport" in text  # a link to the report


def test_the_summary_lists_rejected_deliveries_with_their_names_made_inert(tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)>[klik](http://evil.example).csv"
    reason = "S04 organisatie 'zie https://phish.example of www.evil.nl, mail a@evil.nl'"
    rejected = LoadResult(hostile, "GM0014", "2025Q1", None, "rejected", 0, 0, 0, 0,
                          reason=reason)  # fmt: skip
    loaded = LoadResult("goed.xlsx", "GM0014", "2025Q2", "gir", "loaded", 3, 3, 0, 0)
    summary = RunSummary(7, "2026-12-04T02:00:00+00:00", files_seen=3, files_new=2,
                         files_skipped=1, deliveries=[loaded, rejected],
                         report=str(tmp_path / "rapport" / "index.html"))  # fmt: skip

    text = run_markdown(summary)

    assert "nieuw: 2 (1 geladen, 1 afgekeurd); al verwerkt: 1" in text
    assert "## Afgekeurde leveringen (1)" in text
    assert "S04 organisatie" in text
    for autolink in ("https://phish", "www.evil", "a@evil", "evil.nl"):
        assert autolink not in text  # broken up by escapes: no renderer makes a link of it
    listed = text.split("## Afgekeurde leveringen (1)")[1].split("## Uitkomsten")[0]
    assert "phish" in listed and "onerror" in listed
    assert re.search(r"(?<!\\)[<>\[\]()]", listed) is None
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in text
    assert f"({(tmp_path / 'rapport' / 'index.html').as_uri()})" in text
    assert "Data Docs" not in text  # no Data Docs built: no link


def test_a_file_name_with_braces_stays_text_in_the_task_run_name(prefect_harness: None) -> None:
    from prefect import flow, task

    from flows.nightly import files_name

    received = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    hostile = InboxFile(Path("GM0014/{inputs}{0}.xlsx"), "GM0014", "a" * 64, received, 1)

    @task
    def echo(inputs: str) -> str:
        return inputs

    @flow
    def one_task() -> str:
        return echo.with_options(task_run_name=files_name("laden", [hostile]))("geheime sleutel")

    state = one_task(return_state=True)

    assert state.is_completed()  # Prefect did not trip over the braces
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    drain_task_runs(flow_run_id, expected_task_runs=1)  # as `run_nightly`: recorded from events
    _, tasks, _ = _runs(str(flow_run_id))
    assert [t.name for t in tasks] == ["laden GM0014/{inputs}{0}.xlsx"]  # not the parameter


def test_the_nightly_run_beats_once_from_the_flow_not_twice(nightly_run: dict[str, Any]) -> None:
    """On a server named by PREFECT_API_URL (here the session's), `run_nightly` hands the
    heartbeats to the flow (`flows.heartbeats`): one at the start of the run (the next would come
    after 180 s), not a second one from the engine."""
    from tests.flows.test_heartbeats import heartbeats_of

    first = nightly_run["first"]
    assert first.flow_run_id is not None

    events = heartbeats_of(UUID(first.flow_run_id), wait=60)

    assert len(events) == 1
    assert events[0]["resource"]["prefect.resource.id"] == f"prefect.flow-run.{first.flow_run_id}"
