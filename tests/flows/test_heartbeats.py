"""The flow's own heartbeats (`flows.heartbeats`), on the session's Prefect server: the events a
lasting server gets, and an end that does not wait for the heartbeat thread."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect import flow, tags
from prefect.context import FlowRunContext
from prefect.settings import (
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    get_current_settings,
    temporary_settings,
)

from flows.heartbeats import (
    HEARTBEAT_EVENT,
    flow_run_heartbeats,
    heartbeats_by_the_flow,
    with_heartbeats,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")
THREAD = "flow-run-heartbeats"


@flow(name="heartbeat-probe", persist_result=False)
@with_heartbeats
def probe() -> dict[str, Any]:
    """What a flow with the flow's own heartbeats sees while it runs."""
    context = FlowRunContext.get()
    assert context is not None and context.flow_run is not None
    return {"flow_run_id": context.flow_run.id, "name": context.flow_run.name,
            "flow_id": context.flow_run.flow_id,
            "engine_beats": get_current_settings().flows.heartbeat_frequency,
            "own_thread": any(t.name == THREAD for t in threading.enumerate())}  # fmt: skip


def heartbeats_of(flow_run_id: UUID, wait: float) -> list[dict[str, Any]]:
    """The heartbeat events the server keeps for a flow run, waited for up to `wait` seconds
    (its event persister writes them a few seconds after they arrive)."""
    from prefect.client.orchestration import get_client
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all()
    body = {"filter": {"event": {"name": [HEARTBEAT_EVENT]},
                       "resource": {"id": [f"prefect.flow-run.{flow_run_id}"]},
                       "occurred": {"since": "2000-01-01T00:00:00Z"}}, "limit": 50}  # fmt: skip
    deadline = time.monotonic() + wait
    with get_client(sync_client=True) as client:
        while True:
            events = client.request("POST", "/events/filter", json=body).json()["events"]
            if events or time.monotonic() > deadline:
                return list(events)
            time.sleep(0.25)


def test_a_flow_run_on_a_lasting_server_beats_by_the_flow_not_by_the_engine() -> None:
    """`monitor run` hands the heartbeats to the flow: the engine's are off in the run (its
    thread would hold up the run's end), and the server gets the engine's event from the flow."""
    before = get_current_settings().flows.heartbeat_frequency
    assert before is not None  # Prefect's default: a lasting server's runs beat

    with heartbeats_by_the_flow(), tags("nacht"):
        seen = probe()

    assert seen["engine_beats"] is None and seen["own_thread"] is True
    assert get_current_settings().flows.heartbeat_frequency == before  # only for that run
    events = heartbeats_of(seen["flow_run_id"], wait=60)
    assert len(events) == 1  # the first at the start, the next only after `before` seconds
    event = events[0]
    assert event["resource"] == {"prefect.resource.id": f"prefect.flow-run.{seen['flow_run_id']}",
                                 "prefect.resource.name": seen["name"],
                                 "prefect.version": event["resource"]["prefect.version"]}  # fmt: skip
    related = {r["prefect.resource.role"]: r for r in event["related"]}
    assert related["flow"]["prefect.resource.id"] == f"prefect.flow.{seen['flow_id']}"
    assert related["flow"]["prefect.resource.name"] == "heartbeat-probe"
    assert related["tag"]["prefect.resource.id"] == "prefect.tag.nacht"


def test_without_heartbeats_in_the_settings_the_flow_sends_none() -> None:
    """The temporary server's runs: no heartbeats from the engine, none from the flow."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}), \
            heartbeats_by_the_flow():  # fmt: skip
        seen = probe()

    assert seen["engine_beats"] is None and seen["own_thread"] is False
    assert heartbeats_of(seen["flow_run_id"], wait=8) == []


def test_a_flow_run_started_otherwise_keeps_the_engines_heartbeats() -> None:
    """`monitor serve`, a worker: Prefect's engine beats, the flow adds none of its own."""
    seen = probe()

    assert seen["engine_beats"] == get_current_settings().flows.heartbeat_frequency is not None
    assert seen["own_thread"] is False


def test_the_heartbeat_thread_stops_at_once_when_the_flow_ends() -> None:
    """Prefect's engine joins a thread that sleeps a second at a time: ending 0.3 s into a
    sleep waited ~0.7 s. The flow's thread waits on an event the end sets."""

    @flow(name="heartbeat-end-probe", persist_result=False)
    def ending() -> tuple[float, bool]:
        with contextlib.ExitStack() as stack:
            thread = stack.enter_context(flow_run_heartbeats(30))
            assert thread is not None and thread.is_alive()
            time.sleep(0.3)  # the first heartbeat is sent; the thread waits for the next
            started = time.monotonic()
        return time.monotonic() - started, thread.is_alive()

    took, alive = ending()

    assert alive is False
    assert took < 0.3


def test_outside_a_flow_run_there_is_no_heartbeat_thread() -> None:
    with flow_run_heartbeats(30) as thread:
        assert thread is None


def test_run_nightly_hands_the_heartbeats_of_its_run_to_the_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`monitor run` on a server named by PREFECT_API_URL (here the session's): the nightly
    flow beats at Prefect's frequency, the engine not at all."""
    from flows import heartbeats
    from flows.nightly import run_nightly
    from pipeline.settings import Settings

    seen: list[tuple[int | None, int | None]] = []
    real = heartbeats.flow_run_heartbeats

    def spied(seconds: int | None) -> Any:
        seen.append((seconds, get_current_settings().flows.heartbeat_frequency))
        return real(seconds)

    monkeypatch.setattr(heartbeats, "flow_run_heartbeats", spied)
    (tmp_path / "inbox").mkdir()
    beats = get_current_settings().flows.heartbeat_frequency

    run_nightly(Settings(inbox_dir=tmp_path / "inbox", warehouse_path=tmp_path / "wh.duckdb",
                         sample_mode=True))  # fmt: skip

    assert seen == [(beats, None)]
