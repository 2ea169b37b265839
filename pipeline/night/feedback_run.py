"""Every delivery's feedback of a run, written by worker processes once the run's warehouse
version is published (a killed run writes none)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.employers.feedback import DeliveryOutcome, build_feedback
from pipeline.employers.feedback_writer import write_feedback
from pipeline.ingest.process import ProcessedDelivery
from pipeline.ingest.reference import Reference
from pipeline.night.isolation import fork_context
from pipeline.night.steps import LoadResult

log = logging.getLogger(__name__)
FEEDBACK_CHUNK = 50  # deliveries whose feedback one worker writes per job


@dataclass
class FeedbackWritten:
    """How many deliveries' feedback was written (known at the end of `feedback_beside`)."""

    count: int = 0


@contextlib.contextmanager
def feedback_beside(
    root: Path,
    outcomes: list[tuple[ProcessedDelivery, LoadResult]],
    reference: Reference,
    workers: int,
) -> Iterator[FeedbackWritten]:
    """Write every delivery's feedback in `workers` processes while the block runs (the night
    builds its report meanwhile), and wait for them at its end. One worker or a few deliveries:
    written here, before the block. One that cannot be written is logged; the others are still
    written."""
    written = FeedbackWritten()
    names = reference.organisation_names
    if workers <= 1 or len(outcomes) < 2 * FEEDBACK_CHUNK:
        written.count = _write_feedback_chunk(root, outcomes, names)
        yield written
        return
    chunks = [outcomes[i : i + FEEDBACK_CHUNK] for i in range(0, len(outcomes), FEEDBACK_CHUNK)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=fork_context()) as pool:
        futures = [pool.submit(_write_feedback_chunk, root, chunk, names) for chunk in chunks]
        try:
            yield written
        except BaseException:  # the block failed or the run is stopped: no waiting for it all
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        written.count = sum(future.result() for future in futures)


def write_all_feedback(
    root: Path,
    outcomes: list[tuple[ProcessedDelivery, LoadResult]],
    reference: Reference,
    workers: int,
) -> int:
    """Write every delivery's feedback, in `workers` processes side by side; returns how many
    were written."""
    with feedback_beside(root, outcomes, reference, workers) as written:
        pass
    return written.count


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
