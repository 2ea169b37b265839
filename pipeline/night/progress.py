"""Progress of the nightly run: a live bar on a terminal, a log line every 10% elsewhere.

Shows deliveries done of the total, rows per second and how many deliveries were rejected so
far, so a data engineer watching the night (or reading its log) knows it is moving.
"""

from __future__ import annotations

import logging
import sys
import time
from logging import Logger, LoggerAdapter
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from pipeline.ingest.process import ProcessedDelivery

log = logging.getLogger("pipeline.voortgang")
STEP_PERCENT = 10  # without a terminal: one log line per this many percent


class RunProgress:
    """Counts processed deliveries; draws a bar on a terminal, logs every 10% otherwise."""

    def __init__(self, total: int, logger: Logger | LoggerAdapter[Any] | None = None,
                 stream: IO[str] | None = None) -> None:  # fmt: skip
        self._log = logger or log
        self.total, self.done, self.rows, self.rejected = total, 0, 0, 0
        self._started = time.monotonic()
        self._logged_step = 0
        stream = stream if stream is not None else sys.stderr
        self._bar: Progress | None = None
        if total and stream.isatty():
            self._bar = Progress(
                TextColumn("leveringen"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} rijen/s · {task.fields[rejected]} afgekeurd"),
                TimeRemainingColumn(), console=Console(file=stream), transient=False,
            )  # fmt: skip
            self._task = self._bar.add_task("verwerken", total=total, rate="0", rejected=0)
            self._bar.start()

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def rows_per_second(self) -> float:
        """Rows received per second since the start."""
        return self.rows / max(time.monotonic() - self._started, 1e-9)

    def advance(self, processed: ProcessedDelivery) -> None:
        """One more delivery processed (loaded or rejected)."""
        self.done += 1
        self.rows += processed.rows_in
        self.rejected += int(processed.rejected)
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, rejected=self.rejected,
                             rate=f"{self.rows_per_second:,.0f}".replace(",", "."))  # fmt: skip
            return
        step = self.done * 100 // (self.total * STEP_PERCENT) if self.total else 0
        if step > self._logged_step or self.done == self.total:
            self._logged_step = step
            self._log.info("%s", self.line())

    def line(self) -> str:
        """The progress as one Dutch line."""
        percent = self.done * 100 // self.total if self.total else 100
        rate = f"{self.rows_per_second:,.0f}".replace(",", ".")
        return (f"leveringen {self.done}/{self.total} ({percent}%), {rate} rijen/s, "
                f"{self.rejected} afgekeurd")  # fmt: skip

    def close(self) -> None:
        """Stop drawing the bar (it stays on screen at its last state)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
