"""A GX validation builds each expectation's configuration once (pipeline/ingest/gx_configuration.py),
and reports exactly what GX reports without that."""

from __future__ import annotations

import contextlib
import json
import re
import threading
from typing import Any

import pytest

from pipeline.ingest import batch
from pipeline.ingest.batch import DeliveryLabel, validate_batches
from pipeline.ingest.gx_configuration import read_once
from tests.pipeline.test_batch import _cases

_MOMENTS = re.compile(r'"(ge_load_time|run_time|validation_time)": "[^"]*"')


def _checked() -> tuple[list[Any], str]:
    """Every case of tests/pipeline/test_batch.py checked at once: results, and the report
    without the moments it was made."""
    cases = _cases()
    labels = [DeliveryLabel(f"GM{i:04d}", "2025Q1", f"levering {i}.csv") for i in range(len(cases))]
    outcomes = validate_batches(
        [(f, h, label) for (f, h), label in zip(cases, labels, strict=True)]
    )
    report = json.dumps(outcomes[0].report, sort_keys=True, default=str)
    return [outcome.results for outcome in outcomes], _MOMENTS.sub("", report)


def test_a_validation_reports_what_gx_reports_without_configurations_read_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    once = _checked()
    monkeypatch.setattr(batch, "read_once", contextlib.nullcontext)
    plain = _checked()
    assert once == plain
    assert '"success": false' in once[1] and '"success": true' in once[1]  # both kinds judged


def _expectation() -> Any:
    from pipeline.gx_import import import_great_expectations

    return import_great_expectations().expectations.ExpectColumnValuesToBeBetween(
        column="B01", min_value=0.0, max_value=1.0
    )


def test_within_the_block_one_configuration_per_expectation_and_gx_own_outside_it() -> None:
    expectation = _expectation()
    assert expectation.configuration is not expectation.configuration  # GX builds one per read
    seen_elsewhere: list[bool] = []
    with read_once():
        first = expectation.configuration
        assert expectation.configuration is first
        other = threading.Thread(
            target=lambda: seen_elsewhere.append(expectation.configuration is first)
        )
        other.start()
        other.join()
    assert seen_elsewhere == [False]  # another thread reads GX's own property
    assert expectation.configuration is not first  # and so does this one after the block
    assert expectation.configuration == first  # the same configuration, built anew
