"""What isolation costs: processing every sample delivery in-process vs in the worker pool.

    .venv/bin/python bench/isolation.py [--scale 1.0] [--workers 2]

Generates the national sample, then processes every delivery (read, harmonise, validate, batch
checks; no load) once with `process_file` in this process, as before issue 9, and once through
`DeliveryPool` (worker processes with time and memory limits, results back in file order).
Prints seconds and deliveries/s for both. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors import discover_inbox
from pipeline.ingest.inputs import prepare_inputs
from pipeline.ingest.process import process_file
from pipeline.night.isolation import DeliveryPool, Limits
from pipeline.sample import generate_sample
from pipeline.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="monitor-isolation-"))
    try:
        generate_sample(root / "sample", year=2025, seed=2025, scale=args.scale)
        settings = Settings(inbox_dir=root / "sample" / "inbox", warehouse_path=root / "wh.duckdb")
        inputs = prepare_inputs(settings, dt.date.today(), {})
        files = discover_inbox(settings.inbox_dir)
        started = time.perf_counter()
        plain = [process_file(f, inputs) for f in files]
        seconds = time.perf_counter() - started
        print(f"in-process: {len(files)} deliveries in {seconds:.1f} s "
              f"({len(files) / seconds:.1f} per s)")  # fmt: skip
        started = time.perf_counter()
        with DeliveryPool(inputs, Limits(workers=args.workers)) as pool:
            ready = time.perf_counter() - started
            pooled = list(pool.process(files, {}))
        seconds = time.perf_counter() - started
        print(f"worker pool ({args.workers} workers): {len(files)} deliveries in {seconds:.1f} s "
              f"({len(files) / seconds:.1f} per s; workers ready after {ready:.1f} s)")  # fmt: skip
        same = sum(a.rows_loaded == b.rows_loaded for a, b in zip(plain, pooled, strict=True))
        print(f"same rows loaded for {same} of {len(files)} deliveries")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
