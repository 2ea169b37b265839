"""Prefect's flow-run heartbeats for `monitor run` on a lasting server, from a thread that stops
the moment the flow ends.

Prefect's engine emits a `prefect.flow-run.heartbeat` event for a running flow run every
PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds (180 unless set), from a thread of its own: a lasting
server can find runs that crashed by the heartbeats that stopped (docs/operations.md). That
thread sleeps a second at a time, and the engine waits for it once the flow has returned: up to a
second at the end of every run in which the run does nothing else (measured on the one-year
national sample and a lasting server, five nights each way, alternating: 7.5 s with the engine's
heartbeats, 6.5 s without; with the flow's own as without, 6.8 s and 6.8 s).

So `monitor run` turns the engine's heartbeats off for its flow run (`heartbeats_by_the_flow`)
and the flow emits the same events itself (`with_heartbeats`): the first when the flow starts,
then one every PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds, from a thread that the flow's end wakes
and joins at once. Prefect's temporary server gets none (it stops with the run:
`flows.temporary_server`); a flow run that Prefect's runner starts (`monitor serve`, a worker)
keeps the engine's own.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)
HEARTBEAT_EVENT = "prefect.flow-run.heartbeat"
JOIN_SECONDS = 10  # a heartbeat still being handed to Prefect when the flow ends; no hang beyond

# the heartbeat frequency (seconds) of a flow run whose heartbeats the flow emits itself; None:
# the engine's own, or none (as Prefect's settings say)
_by_the_flow: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "monitor_heartbeat_seconds", default=None
)


@contextlib.contextmanager
def heartbeats_by_the_flow() -> Iterator[None]:
    """For a flow run started in the block: the engine's heartbeats off, and the flow's own
    (`with_heartbeats`) at the frequency Prefect's settings name now (none when they name
    none, as for the temporary server)."""
    from prefect.settings import (
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        get_current_settings,
        temporary_settings,
    )

    token = _by_the_flow.set(get_current_settings().flows.heartbeat_frequency)
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
    finally:
        _by_the_flow.reset(token)


def with_heartbeats(fn: Callable[P, R]) -> Callable[P, R]:
    """A flow function that emits its flow run's heartbeats while it runs, when
    `heartbeats_by_the_flow` handed them to the flow (else it is `fn` as it is)."""

    @functools.wraps(fn)
    def beating(*args: P.args, **kwargs: P.kwargs) -> R:
        with flow_run_heartbeats(handed_to_the_flow()):
            return fn(*args, **kwargs)

    return beating


def handed_to_the_flow() -> int | None:
    """The heartbeat frequency `heartbeats_by_the_flow` handed to the flow run, if any. (A
    function, not the context variable itself, in the flow's wrapper: Prefect's process pool
    pickles the flow function by value, with what it refers to, and a context variable does not
    pickle.)"""
    return _by_the_flow.get()


@contextlib.contextmanager
def flow_run_heartbeats(seconds: int | None) -> Iterator[threading.Thread | None]:
    """Inside a flow run: the heartbeat events Prefect's engine emits (the same event, resource
    and related resources), the first at once and then every `seconds`, from a thread the end of
    the block stops and joins at once (yielded; None without `seconds` or a flow run)."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    if seconds is None or context is None or context.flow_run is None:
        yield None
        return
    resource, related = heartbeat_resources(context)
    stop = threading.Event()

    def beat() -> None:
        from prefect.events import emit_event

        while True:
            try:
                emit_event(event=HEARTBEAT_EVENT, resource=resource, related=related)
            except Exception:  # as the engine: a missed heartbeat does not stop the flow
                log.debug("hartslag van de flow-run niet verstuurd", exc_info=True)
            if stop.wait(seconds):
                return

    # the flow's context (its settings name the API: a thread starts with an empty one)
    thread = threading.Thread(target=contextvars.copy_context().run, args=(beat,),
                              name="flow-run-heartbeats", daemon=True)  # fmt: skip
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=JOIN_SECONDS)


def heartbeat_resources(context: Any) -> tuple[dict[str, str], list[Any]]:
    """The resource and related resources of a flow run's heartbeat, as Prefect's engine names
    them: the flow run, its flow, its deployment (if any) and its tags."""
    from prefect import __version__
    from prefect.events.related import RelatedResource, tags_as_related_resources

    run = context.flow_run
    resource = {"prefect.resource.id": f"prefect.flow-run.{run.id}",
                "prefect.resource.name": run.name or "", "prefect.version": __version__}  # fmt: skip
    related: list[Any] = []
    if run.flow_id:
        related.append(RelatedResource.model_validate(
            {"prefect.resource.id": f"prefect.flow.{run.flow_id}", "prefect.resource.role": "flow",
             "prefect.resource.name": context.flow.name if context.flow else ""}))  # fmt: skip
    if run.deployment_id:
        related.append(RelatedResource.model_validate(
            {"prefect.resource.id": f"prefect.deployment.{run.deployment_id}",
             "prefect.resource.role": "deployment"}))  # fmt: skip
    return resource, related + tags_as_related_resources(set(run.tags or []))
