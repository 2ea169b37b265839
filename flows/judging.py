"""The night's batch checks judged by GX: every delivery's measures in one validation, in a
worker (which has GX warm), as a Prefect task.

It is submitted the moment the last group's deliveries are back (`in_group_order`'s
`all_back`), before the groups still waiting are handed out to be loaded: all are measured by
then. GX judges while the flow loads them and makes the mart views; the flow waits for the
judgement only after that, starts the feedback workers, which need it, and then loads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner

from flows.unwalked import Unwalked
from pipeline.ingest.batch import BatchOutcome, Measured
from pipeline.ingest.process import ProcessedDelivery, ProcessingInputs
from pipeline.night.groups import judge_group, with_judged_checks
from pipeline.night.isolation import Limits
from pipeline.night.load_result import LoadResult


@task(name="judge-batch-checks", cache_policy=NO_CACHE, persist_result=False, retries=1,
      retry_delay_seconds=10)  # fmt: skip
def judge_batch_checks(measured: Unwalked[list[Measured]], inputs: Unwalked[ProcessingInputs],
                       limits: Limits, isolated: bool, run_key: str) -> list[BatchOutcome]:  # fmt: skip
    """GX's judgement of the night's batch checks: every delivery's measures in one validation."""
    return judge_group(measured.value, inputs.value, limits, isolated, run_key)


@dataclass(frozen=True)
class Judging:
    """A judgement under way (none when no delivery was measured), of `count` deliveries."""

    future: PrefectFuture[list[BatchOutcome]] | None
    count: int


def submit_judging(
    runner: TaskRunner[Any], deliveries: Iterable[ProcessedDelivery], parameters: dict[str, Any]
) -> Judging:
    """Submit GX's judgement of the measured ones among `deliveries`: every delivery of the
    night, in the order they are (and will be) loaded."""
    measured = [processed.measured for processed in deliveries if processed.measured is not None]
    if not measured:
        return Judging(None, 0)
    task_ = judge_batch_checks.with_options(
        task_run_name=f"batchcontroles {len(measured)} leveringen"
    )
    return Judging(runner.submit(task_, {**parameters, "measured": Unwalked(measured)}),
                   len(measured))  # fmt: skip


def take_judged(
    judging: Judging | None, outcomes: list[tuple[ProcessedDelivery, LoadResult]]
) -> tuple[int, pd.DataFrame | None]:
    """Wait for the judgement, once every delivery is loaded: the outcomes get it for their
    feedback. Returns the task runs (0 or 1) and the judged checks for `ops.dq_result`, every
    row with its delivery's id (None when nothing was judged): the caller loads them once the
    feedback, which needs only the outcomes, has started."""
    if judging is None or judging.future is None:
        return 0, None
    judged = judging.future.result()
    pending = [i for i, (processed, _) in enumerate(outcomes) if processed.measured is not None]
    assert len(pending) == judging.count, "the judged deliveries are the ones loaded"
    deliveries, dq = with_judged_checks([outcomes[i][0] for i in pending], judged)
    ids = [outcomes[i][1].delivery_id for i in pending]
    assert None not in ids, "every measured delivery was loaded with an id"
    for i, processed in zip(pending, deliveries, strict=True):
        outcomes[i] = (processed, outcomes[i][1])
    sizes = [len(p.dq) for p in deliveries]
    return 1, dq.assign(delivery_id=np.repeat(np.array(ids, dtype=np.int64), sizes))
