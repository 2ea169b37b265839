"""Every delivery's feedback of a run, written by worker processes from the moment the run's
deliveries are loaded and judged, and put in place once its warehouse version is published (a
killed run leaves none).

The workers write into a folder beside the feedback folder while the run refreshes its marts,
publishes its version and builds its report; they run at a lower priority (`FEEDBACK_NICENESS`),
so the run's own steps, which the night waits for, keep their core, and the workers take what
is left. `StagedFeedback.publish` waits for them and moves every file into its employer's
folder (a rename: the same file system).
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.employers.feedback import DeliveryOutcome, build_feedback
from pipeline.employers.feedback_writer import write_feedback
from pipeline.ingest.process import ProcessedDelivery
from pipeline.ingest.reference import Reference
from pipeline.night.fork_server import fork_context
from pipeline.night.load_result import LoadResult
from pipeline.priority import LOWER_BY

log = logging.getLogger(__name__)
FEEDBACK_CHUNK = 50  # deliveries whose feedback one worker writes per job
FEEDBACK_NICENESS = LOWER_BY  # added to the workers' nice value: the run's own steps come first
STAGING_SUFFIX = ".nieuw"  # `.<feedback folder>-<pid>.nieuw`, beside the feedback folder


@dataclass
class StagedFeedback:
    """The feedback of a run being written (`staged_feedback`); `publish` puts it in place."""

    root: Path
    outcomes: list[tuple[ProcessedDelivery, LoadResult]]
    names: dict[str, str]
    staging: Path | None = None  # None: written at `publish`, in this process
    futures: list[Future[int]] = field(default_factory=list)
    count: int | None = None  # how many deliveries' feedback was written, once published

    def publish(self) -> int:
        """Wait for the workers and move every file they wrote into its employer's folder (or,
        without workers, write the feedback there now); returns how many deliveries have theirs."""
        if self.staging is None:
            self.count = _write_feedback_chunk(self.root, self.outcomes, self.names)
            return self.count
        count = sum(future.result() for future in self.futures)
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in sorted(p for p in self.staging.iterdir() if p.is_dir()):
            target = self.root / folder.name
            if not target.exists():  # an employer's first feedback: its folder at once
                os.replace(folder, target)
                continue
            for path in folder.iterdir():
                os.replace(path, target / path.name)
        self.count = count
        return count


@contextlib.contextmanager
def staged_feedback(
    root: Path,
    outcomes: list[tuple[ProcessedDelivery, LoadResult]],
    reference: Reference,
    workers: int,
) -> Iterator[StagedFeedback]:
    """Start writing every delivery's feedback in `workers` processes beside `root`, now; the
    block publishes it (`StagedFeedback.publish`). Leaving the block without publishing (an
    error, a stopped run) cancels what no worker started and leaves nothing in `root`. One
    worker or a few deliveries: written at `publish`, in this process. A delivery whose feedback
    cannot be written is logged; the others are still written."""
    names = reference.organisation_names
    if workers <= 1 or len(outcomes) < 2 * FEEDBACK_CHUNK:
        yield StagedFeedback(root, outcomes, names)
        return
    _remove_stale_staging(root)
    staging = root.with_name(f".{root.name}-{os.getpid()}{STAGING_SUFFIX}")
    staging.mkdir(parents=True)
    staged = StagedFeedback(root, outcomes, names, staging)
    chunks = [outcomes[i : i + FEEDBACK_CHUNK] for i in range(0, len(outcomes), FEEDBACK_CHUNK)]
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=fork_context(),
                                 initializer=os.nice, initargs=(FEEDBACK_NICENESS,)) as pool:  # fmt: skip
            staged.futures = [pool.submit(_write_feedback_chunk, staging, chunk, names)
                              for chunk in chunks]  # fmt: skip
            try:
                yield staged
            except BaseException:  # the run failed or is stopped: no waiting for it all
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_stale_staging(root: Path) -> None:
    """The staging folders a killed run left beside `root` (one run writes at a time)."""
    if root.parent.is_dir():
        for stale in root.parent.glob(f".{glob.escape(root.name)}-*{STAGING_SUFFIX}"):
            shutil.rmtree(stale, ignore_errors=True)


def write_all_feedback(
    root: Path,
    outcomes: list[tuple[ProcessedDelivery, LoadResult]],
    reference: Reference,
    workers: int,
) -> int:
    """Write every delivery's feedback, in `workers` processes side by side; returns how many
    were written."""
    with staged_feedback(root, outcomes, reference, workers) as staged:
        return staged.publish()


def _write_feedback_chunk(
    root: Path, outcomes: list[tuple[ProcessedDelivery, LoadResult]], names: dict[str, str]
) -> int:
    """Write the feedback of some deliveries; returns how many were written."""
    written = 0
    for processed, result in outcomes:
        try:  # one employer's feedback must not stop the others'
            assert result.quality is not None, "feedback needs the delivery's quality score"
            outcome = DeliveryOutcome(result.delivery_id, result.status,
                                      processed.file.received_at, result.quality)  # fmt: skip
            write_feedback(root, build_feedback(processed, outcome, names))
            written += 1
        except Exception:
            log.exception("terugkoppeling voor %s/%s niet geschreven", processed.file.folder,
                          processed.file.path.name)  # fmt: skip
    return written
