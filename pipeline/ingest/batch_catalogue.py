"""The catalogue of batch checks (B edits) as data: `batch_checks.yaml`, validated on load.

Kept apart from `pipeline/ingest/batch.py` (which runs the checks with Great Expectations) so the
dictionary, the feedback texts and anything else that only describes the checks never import
the runner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas.errors import ConfigurationError

CATALOGUE_PATH = Path(__file__).with_name("batch_checks.yaml")
NOT_NULL = "expect_column_values_to_not_be_null"
NOT_IN_SET = "expect_column_values_to_not_be_in_set"
ROW_COUNT = "expect_table_row_count_to_be_between"
UNIQUE_COUNT = "expect_column_unique_value_count_to_be_between"
Expectation = Literal[
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_not_be_in_set",
    "expect_table_row_count_to_be_between",
    "expect_column_unique_value_count_to_be_between",
]
Bounds = tuple[float, int, int]  # B03: mean of earlier deliveries, min rows, max rows
# What a threshold must be, by expectation type (see the comments in batch_checks.yaml).
_THRESHOLD_RULE: dict[str, tuple[Callable[[float], bool], str]] = {
    NOT_NULL: (lambda t: 0 < t <= 1, "a share above 0 and at most 1"),
    NOT_IN_SET: (lambda t: 0 <= t < 1, "a share from 0 up to (not including) 1"),
    ROW_COUNT: (lambda t: t > 1, "a factor above 1"),
    UNIQUE_COUNT: (lambda t: t >= 1 and float(t).is_integer(), "a whole number of at least 1"),
}


class BatchCatalogueError(ConfigurationError):
    """The catalogue of batch checks (batch_checks.yaml) cannot be read or is invalid."""


class BatchCheck(BaseModel):
    """One batch check of the catalogue: a GX expectation type applied to one column (or table).

    `threshold` means, per expectation type: NOT_NULL the minimum filled share, NOT_IN_SET the
    maximum share of "onbekend" among filled values, ROW_COUNT the factor around the historical
    mean ([mean / f, mean × f]), UNIQUE_COUNT the minimum number of distinct values.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^B\d{2}$")
    title_nl: str = Field(min_length=1)
    description_nl: str = Field(min_length=1)
    expectation: Expectation
    column: str | None
    threshold: float

    @model_validator(mode="after")
    def _fits_its_expectation(self) -> BatchCheck:
        """A column unless it is a table check; a threshold in the range its type allows."""
        if (self.column is None) != (self.expectation == ROW_COUNT):
            needs = "no column (null)" if self.expectation == ROW_COUNT else "a column"
            raise ValueError(f"{self.code} {self.expectation} needs {needs}")
        fits, meaning = _THRESHOLD_RULE[self.expectation]
        if not fits(self.threshold):
            raise ValueError(
                f"{self.code} {self.column or 'tabel'}: threshold {self.threshold} must be "
                f"{meaning} for {self.expectation}"
            )
        return self

    def result(self, success: bool | None, observed: str, threshold: str, message: str) -> DqResult:
        """The outcome of this check on one delivery."""
        return DqResult(
            self.code, self.column, self.expectation, success, observed, threshold, message
        )


class BatchCatalogue(BaseModel):
    """The catalogue of batch checks with the rules for when they run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    min_rows_for_share_checks: int = Field(ge=1)
    min_history_deliveries: int = Field(ge=1)
    checks: tuple[BatchCheck, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_and_one_volume_check(self) -> BatchCatalogue:
        """Each (code, column) once; exactly one volume check (B03 reads its factor)."""
        keys = [(c.code, c.column) for c in self.checks]
        doubles = sorted(
            {f"{code} {column}" for code, column in keys if keys.count((code, column)) > 1}
        )
        if doubles:
            raise ValueError(f"checks listed twice: {', '.join(doubles)}")
        if sum(c.expectation == ROW_COUNT for c in self.checks) != 1:
            raise ValueError(f"exactly one check must use {ROW_COUNT}")
        return self


def load_batch_checks(path: Path = CATALOGUE_PATH) -> BatchCatalogue:
    """Read and validate the catalogue of batch checks; BatchCatalogueError says what is wrong."""
    try:
        return BatchCatalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise BatchCatalogueError(f"batch checks catalogue {path}: {exc}") from exc


CATALOGUE = load_batch_checks()
BATCH_CHECKS: tuple[BatchCheck, ...] = CATALOGUE.checks
BATCH_CHECKS_VERSION = CATALOGUE.version
MIN_HISTORY_DELIVERIES = CATALOGUE.min_history_deliveries
MIN_ROWS_FOR_SHARE_CHECKS = CATALOGUE.min_rows_for_share_checks


@dataclass(frozen=True)
class DqResult:
    """The outcome of one batch check on one delivery; `success` None means skipped."""

    code: str
    column: str | None
    expectation: str
    success: bool | None
    observed: str
    threshold: str
    message_nl: str
