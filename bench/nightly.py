"""Benchmark of the nightly pipeline on the national sample: prints numbers, asserts nothing.

    .venv/bin/python bench/nightly.py [--scale 1.0] [--flow | --flow-only] [--sample DIR]

Without --flow it runs the plain pipeline functions (what each Prefect task calls) and reports
time per stage; with --flow it also runs `monitor run` as a child process (the real Prefect flow
on the temporary server) and prints its time and the peak memory of its whole process tree
(bench/tree.py), apart from this process, which generated the sample.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tree import monitor_env, monitor_run, prefect_database, project_bytecode  # bench/tree.py

import pipeline.ingest.process as process
from pipeline.ingest.inputs import prepare_inputs, write_reference_tables
from pipeline.night.feedback_run import write_all_feedback
from pipeline.night.steps import load_processed, new_files, publish_data_docs, publish_report
from pipeline.sample import generate_sample
from pipeline.settings import Settings
from pipeline.warehouse.store import build_next_version


def timed_stages() -> dict[str, float]:
    """Wrap the stages of process_file so each one's time is summed."""
    totals: dict[str, float] = defaultdict(float)
    for name in ("read_delivery", "resolve_meta", "apply_profile", "validate_deliveries"):
        original = getattr(process, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_name] += time.perf_counter() - start

        setattr(process, name, wrapper)
    return totals


def run_plain(settings: Settings) -> None:
    """Every delivery through process_file and load_processed, as the flow does, without Prefect."""
    stages = timed_stages()
    started = time.perf_counter()
    load_seconds = process_seconds = feedback_seconds = 0.0
    reports = []
    with build_next_version(settings.warehouse_path) as wh:
        inputs = prepare_inputs(settings, dt.date.today(), wh.row_count_history())
        write_reference_tables(wh, inputs, settings.coverage_floor, settings.start_periode)
        run_id = wh.start_run(dt.datetime.now(dt.UTC))
        files, _ = new_files(settings.inbox_dir, wh.known_files())
        rows = 0
        for file in files:
            t0 = time.perf_counter()
            result = process.process_file(file, inputs)
            t1 = time.perf_counter()
            loaded = load_processed(wh, result, run_id)
            t2 = time.perf_counter()
            write_all_feedback(settings.feedback_directory, [(result, loaded)], inputs.reference, 1)
            feedback_seconds += time.perf_counter() - t2
            process_seconds += t1 - t0
            load_seconds += t2 - t1
            rows += result.rows_in
            if result.gx_report is not None:
                reports.append(result.gx_report)
        wh.refresh_marts()
    total = time.perf_counter() - started
    t0 = time.perf_counter()
    publish_data_docs(settings, reports)
    t1 = time.perf_counter()
    publish_report(settings)
    t2 = time.perf_counter()
    n = max(1, len(files))
    print(f"plain pipeline: {len(files)} deliveries, {rows} rows in {total:.1f} s "
          f"= {rows / total:,.0f} rows/s, {1000 * total / n:.1f} ms per delivery")  # fmt: skip
    print(
        f"  process {1000 * process_seconds / n:.1f} ms/delivery, load {1000 * load_seconds / n:.1f} ms/delivery"
    )
    print(f"  feedback (xlsx + csv + html) {1000 * feedback_seconds / n:.1f} ms/delivery")
    print(f"  after the load: Data Docs ({len(reports)} reports, newest {settings.datadocs_keep} kept) "
          f"{t1 - t0:.1f} s, report with disclosure control {t2 - t1:.1f} s")  # fmt: skip
    for name, seconds in stages.items():
        print(f"    {name}: {1000 * seconds / n:.1f} ms/delivery")
    print(
        f"    batch checks (GX) and the rest: {1000 * (process_seconds - sum(stages.values())) / n:.1f} ms/delivery"
    )


def run_flow(inbox: Path, work: Path) -> None:
    """`monitor run` (the real Prefect flow on the temporary server) from an empty warehouse, as
    a child process, and again with nothing new; time and peak memory of its process tree."""
    env = monitor_env(work)
    prefect_database(env)
    project_bytecode()
    warehouse = work / "warehouse" / "monitor.duckdb"
    print(f"monitor run (empty warehouse): {monitor_run(inbox, warehouse, env).shown()}")
    print(f"monitor run again (nothing new): {monitor_run(inbox, warehouse, env).shown()}")


def main() -> None:
    """Generate a sample, then time the pipeline over it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--flow", action="store_true", help="also time the Prefect flow")
    parser.add_argument(
        "--flow-only",
        action="store_true",
        help="only the Prefect flow (the plain pipeline goes file by file)",
    )
    parser.add_argument("--sample", type=Path, help="a sample generated before (kept)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="monitor-bench-"))
    try:
        sample = args.sample or root / "sample"
        if args.sample is None:
            started = time.perf_counter()
            summary = generate_sample(sample, year=2025, seed=2025, scale=args.scale)
            print(f"sample: {summary.delivery_files} files, {summary.truth_incidents} incidents "
                  f"(scale {args.scale}) in {time.perf_counter() - started:.1f} s")  # fmt: skip
        inbox = sample / "inbox"
        plain = root / "plain" / "monitor.duckdb"
        if not args.flow_only:
            run_plain(Settings(inbox_dir=inbox, warehouse_path=plain, sample_mode=True))
        if args.flow or args.flow_only:
            run_flow(inbox, root / "flow")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if not args.flow_only:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"peak RSS of this process (sample generation and the plain pipeline): {own} MB")


if __name__ == "__main__":
    main()
