"""GX's judgement of the night's batch checks is submitted the moment the last group is back,
and judges while the flow loads the last deliveries (`flows.judging`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.flows.conftest import two_warehouses, warehouse_fingerprint
from tests.flows.test_prefect_runs import _runs


def test_gx_judges_while_the_last_deliveries_load(
    nightly_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a load per delivery, every delivery is loaded as soon as its group is back: the
    last group's deliveries load after the judgement was submitted, and the warehouse is the
    same as with the usual batches (the judgement goes to the deliveries it judged)."""
    from flows import nightly

    per_delivery, batched = two_warehouses(nightly_run["sample"], tmp_path, 6,
                                           ("per-levering", "per-batch"))  # fmt: skip
    monkeypatch.setattr(nightly, "LOAD_BATCH", 1)
    summary = nightly.run_nightly(per_delivery)
    monkeypatch.undo()
    nightly.run_nightly(batched)

    _, tasks, _ = _runs(summary.flow_run_id)
    (judge,) = [t for t in tasks if t.task_key.startswith("judge_batch_checks")]
    loads = [t for t in tasks if t.task_key.startswith("load_deliveries")]
    assert len(loads) == summary.files_new > 10
    after = [t for t in loads if t.expected_start_time > judge.expected_start_time]
    # at least the last group's deliveries; how many of the earlier groups' come after it depends
    # on whether they were back before the flow loaded them (all of them, on a quick machine:
    # groups that came back meanwhile are taken in before the next is handed out, and the
    # judgement is submitted then; `tests/flows/test_group_order.py` holds that order exactly)
    assert after, "every delivery was loaded before GX was asked to judge"
    assert warehouse_fingerprint(per_delivery.warehouse_path) == warehouse_fingerprint(
        batched.warehouse_path
    )
