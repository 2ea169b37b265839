"""The night side by side with its floor and with dlt, on the same inbox, in one process tree.

    .venv/bin/python bench/national.py [--sample DIR] [--scale 1.0] [--series] [--skip-dlt]
                                       [--server both|temporary|lasting] [--repeat N]

Without --sample it generates the one-year national sample the speed target of issue 11 names
(main year 2025, 2025Q1–2025Q4, 1,469 files); --series generates the default multi-year sample
(`monitor sample` without options) instead.

1. floor: read every delivery file's raw cells (calamine for workbooks, the csv module, json)
   and insert them all into DuckDB in one Arrow insert;
2. dlt: load the same raw cells into DuckDB with dlt (`pip install -e '.[bench]'`);
3. `monitor run` on an empty warehouse (the Prefect flow, feedback, marts, report, Data Docs),
   as a child process, the way an operator starts it, with the peak memory of its process tree
   (bench/tree.py); Prefect's own database is created first (untimed, its time printed), as on
   a machine where Prefect already runs. With each kind of Prefect server (`--server both`,
   the default): once with Prefect's temporary server, which the run starts itself (no
   PREFECT_API_URL: `make run`), then twice against a lasting Prefect server started before
   them (PREFECT_API_URL, as in production: docs/operations.md; its first and second night),
   each into an empty warehouse of its own (with --repeat N: N and 2N runs).

Each `monitor run` is compared with a floor measured just before it (in a fresh process each
time, as the first, printed before dlt, was; the delivery files read once before that, untimed,
so that every floor reads them from memory as the runs do): the speed of these machines drifts
by a fifth from one minute to the next, and identical runs measured 10.9–15.5 s within one hour
(README, "Performance"). A floor measured just after each run is printed beside it, and the
ratio against it second: a floor of ~1.3 s catches a moment, a night of ~10 s an average, and a
floor measured at a fast moment makes a night in a slow one look worse (and one at a slow moment
better); the two floors around a night show how much the machine moved meanwhile. The ratio
against the floor just before stays the one the target is read from. With --repeat N every
measurement is made N times, floor and run alternating, and the medians are printed with the
spread of the ratio.

Before the runs it waits until creating a file in its work folder is cheap again (at most
`--settle-ms`, 0.08 ms, in two probes 30 s apart; 10 minutes at most; printed): a bench that ran
minutes before deleted its work folder, thousands of files a night, and for minutes after every
file the nights create costs several times as much, the floor not (`tree.settled_file_creation`).
Before each run it probes again, and waits again when a file costs more (something else deleted
thousands of files meanwhile: the runs themselves delete a few dozen).

Prints the times and the ratios (run / floor, run / dlt). Asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tree import (  # bench/tree.py
    SETTLED_MS,
    Measured,
    Settling,
    file_creation_ms,
    lasting_prefect_server,
    monitor_env,
    monitor_run,
    prefect_database,
    project_bytecode,
    settled_file_creation,
)

ROOT = Path(__file__).resolve().parents[1]
Cells = list[str | None]


def raw_rows(path: Path) -> Iterator[tuple[str, int, Cells]]:
    """(sheet, row number, cells as text) for every row of one delivery file, with no mapping."""
    data = path.read_bytes()
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for number, row in enumerate(rows, start=1):
                yield name, number, [None if v == "" else str(v) for v in row]
    elif data.lstrip()[:1] == b"{":
        for number, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
            if line.strip():
                record = json.loads(line)
                yield "", number, [None if v is None else str(v) for v in record.values()]
    elif data.lstrip()[:1] == b"<":  # an HTML table saved as .xls
        from connectors.html_table import read_html_tables

        for name, rows in read_html_tables(data).items():
            for number, row in enumerate(rows, start=1):
                yield name, number, list(row)
    else:
        text = _decode(data)
        first = text[: text.find("\n")]
        delimiter = max(";,\t|", key=first.count)
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            yield "", number, row  # type: ignore[misc]


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252, as the sample's CSV files are written."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def delivery_files(inbox: Path) -> list[Path]:
    """Every file in `inbox/<organisatiecode>/`."""
    return sorted(p for p in inbox.glob("*/*") if p.is_file())


def floor(inbox: Path, out: Path) -> tuple[float, int]:
    """Raw read of every file plus one DuckDB insert from Arrow; seconds and cells read."""
    import duckdb
    import pyarrow as pa

    started = time.perf_counter()
    files, sheets, numbers, cells = [], [], [], []
    for path in delivery_files(inbox):
        for sheet, number, row in raw_rows(path):
            files.append(path.name)
            sheets.append(sheet)
            numbers.append(number)
            cells.append(row)
    table = pa.table({"bestand": files, "tabblad": sheets, "rij": numbers,
                      "cellen": pa.array(cells, pa.list_(pa.string()))})  # fmt: skip
    with duckdb.connect(str(out)) as con:
        con.register("raw", table)
        con.execute("CREATE TABLE raw_cells AS SELECT * FROM raw")
    return time.perf_counter() - started, sum(len(c) for c in cells)


def with_dlt(inbox: Path, out: Path) -> float | None:
    """The same raw cells loaded with dlt into DuckDB; None when dlt is not installed."""
    try:
        import dlt
    except ImportError:
        return None

    def tables() -> Iterator[object]:
        import pyarrow as pa

        for path in delivery_files(inbox):  # one Arrow table per file: dlt's fast path
            rows = list(raw_rows(path))
            width = max((len(r) for _, _, r in rows), default=0)
            columns: dict[str, list[object]] = {
                "bestand": [path.name] * len(rows), "tabblad": [s for s, _, _ in rows],
                "rij": [n for _, n, _ in rows]}  # fmt: skip
            for i in range(width):
                columns[f"c{i}"] = [r[i] if i < len(r) else None for _, _, r in rows]
            yield pa.table({k: pa.array(v, pa.string() if k.startswith("c") else None)
                            for k, v in columns.items()})  # fmt: skip

    os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")
    started = time.perf_counter()
    pipeline = dlt.pipeline(pipeline_name="bench_raw", destination=dlt.destinations.duckdb(str(out)),
                            dataset_name="raw", pipelines_dir=str(out.parent / "dlt"))  # fmt: skip
    pipeline.run(dlt.resource(tables(), name="raw_cells", write_disposition="replace"))
    return time.perf_counter() - started


@dataclass
class Pairs:
    """The floors and runs of one kind of `monitor run`, each run with the floor measured just
    before it."""

    label: str
    floors: list[float] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)
    floors_after: list[float] = field(default_factory=list)  # measured just after each run

    def add(self, floor_s: float, run_s: float, after_s: float) -> None:
        self.floors.append(floor_s)
        self.runs.append(run_s)
        self.floors_after.append(after_s)

    def summary(self, dlt_s: float | None) -> str:
        """The medians and the spread of the ratio (more than one pair)."""
        ratios = [run / floor for run, floor in zip(self.runs, self.floors, strict=True)]
        line = (f"{self.label}, {len(self.runs)} runs: median {statistics.median(self.runs):.1f} s "
                f"(floor {statistics.median(self.floors):.1f} s); run / floor median "
                f"{statistics.median(ratios):.1f}×, {min(ratios):.1f}–{max(ratios):.1f}×")  # fmt: skip
        after = [run / floor for run, floor in zip(self.runs, self.floors_after, strict=True)]
        line += (f" (against the floor just after it: median {statistics.median(after):.1f}×, "
                 f"{min(after):.1f}–{max(after):.1f}×)")  # fmt: skip
        if dlt_s:
            line += f"; run / dlt median {statistics.median(self.runs) / dlt_s:.1f}×"
        return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, help="an existing sample (default: generate one)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--series", action="store_true", help="the default multi-year sample")
    parser.add_argument("--skip-dlt", action="store_true")
    parser.add_argument("--server", choices=["both", "temporary", "lasting"], default="both",
                        help="Prefect's server for `monitor run` (default: a run with each)")  # fmt: skip
    parser.add_argument("--settle-ms", type=float, default=SETTLED_MS,
                        help="before the runs, wait until creating a file costs at most this "
                             "(ms; 0: do not wait): a bench's clean-up slows the next")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure every floor and run this many times (medians printed)")  # fmt: skip
    parser.add_argument(
        "--floor-only", nargs=2, type=Path, metavar=("INBOX", "OUT"), help=argparse.SUPPRESS
    )  # the floor in a fresh process: see floor_alone
    args = parser.parse_args()
    if args.floor_only:
        print(json.dumps(floor(*args.floor_only)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-national-") as tmp:
        work = Path(tmp)
        sample = args.sample
        if sample is None:
            sample = work / "sample"
            one_year = (
                [] if args.series else ["--year", "2025", "--van", "2025Q1", "--tot", "2025Q4"]
            )
            subprocess.run([str(Path(sys.executable).with_name("monitor")), "sample", "--out",
                            str(sample), "--scale", str(args.scale), *one_year], check=True)  # fmt: skip
        inbox = sample / "inbox"
        print(f"inbox: {len(delivery_files(inbox))} bestanden ({inbox})")
        read_ahead(inbox)
        floor_s, cells = floor_alone(inbox, work)
        print(f"floor (raw read + one DuckDB insert): {floor_s:7.1f} s  ({cells:,} cells)")
        dlt_s = None if args.skip_dlt else with_dlt(inbox, work / "dlt.duckdb")
        shown = "skipped (--skip-dlt)" if args.skip_dlt else _shown(dlt_s)
        print(f"dlt (same raw cells into DuckDB):      {shown}")
        env = monitor_env(work)
        prefect_database(env)
        project_bytecode()
        if args.settle_ms:
            print(settled_file_creation(work, threshold_ms=args.settle_ms).shown())
        settle = functools.partial(_calm, work, args.settle_ms)
        measured_all: list[Pairs] = []
        if args.server in ("both", "temporary"):
            pairs = Pairs("Prefect's temporary server")
            for number in range(args.repeat):
                measured = _night(pairs, inbox, work, work / f"temporary-{number}", env, settle,
                                  dlt_s, "Prefect's temporary server")  # fmt: skip
                print(f"    {measured.shown()}")
            measured_all.append(pairs)
        if args.server in ("both", "lasting"):
            pairs = Pairs("a lasting Prefect server")
            with lasting_prefect_server(env) as lasting:  # its first night, its second, ...
                for night in range(1, 2 * args.repeat + 1):
                    measured = _night(pairs, inbox, work, work / f"lasting-{night}", lasting,
                                      settle, dlt_s,
                                      f"a lasting Prefect server (night {night} since its start)")  # fmt: skip
                    print(f"    {measured.shown()} (the server's own memory and CPU not counted)")
            measured_all.append(pairs)
        if args.repeat > 1:
            for pairs in measured_all:
                print(pairs.summary(dlt_s))


def _night(pairs: Pairs, inbox: Path, work: Path, root: Path, env: dict[str, str],
           settle: Callable[[], Settling], dlt_s: float | None, server: str) -> Measured:  # fmt: skip
    """One `monitor run` on an installation of its own under `root`, between a floor measured
    just before it and one just after, on a file system `settle` found calm; added to `pairs`
    and printed with its ratios."""
    print(settle().shown())
    floor_s, _ = floor_alone(inbox, work)
    warehouse = fresh_installation(root)
    measured = monitor_run(inbox, warehouse, env)
    after_s, _ = floor_alone(inbox, work)
    pairs.add(floor_s, measured.seconds, after_s)
    _print_run(server, measured.seconds, floor_s, after_s, dlt_s)
    return measured


def _calm(work: Path, threshold_ms: float) -> Settling:
    """What creating a file in `work` costs now; when more than `threshold_ms` (and that is not
    0), once it costs no more again in two probes in a row (`settled_file_creation`). A cheap
    first probe is taken as calm: the file system was calm before the runs, and the runs
    delete a few dozen files; a deletion of thousands in the ~20 s before it would not show
    yet."""
    if not threshold_ms:
        return Settling(file_creation_ms(work), 0.0, 0.0)
    return settled_file_creation(work, threshold_ms=threshold_ms, first_is_enough=True)


def fresh_installation(root: Path) -> Path:
    """The warehouse of a run on an empty installation of its own under `root`: the feedback
    and reports beside it are the run's own too (`Settings.feedback_directory`). Runs that
    shared them found the runs before theirs: the report compared with the last publication,
    and the feedback replaced the earlier runs' ~4,400 files, deleting their inodes — on ext4
    without a journal every file created in the minutes after then passes over them
    (`tree.file_creation_ms`: 0.2 ms a file before the first of six nights on one lasting
    server, 1.05 ms before the sixth)."""
    return root / "warehouse" / "monitor.duckdb"


def read_ahead(inbox: Path) -> None:
    """Read every delivery file once, untimed: the first floor then reads them from memory, as
    every later floor and every run does. After a pause this machine may have dropped them
    (DAMON: README, "Numbers"), and a floor that reads them from disk takes longer (with the page
    cache dropped 1.74–1.78 s against 1.28–1.39 s right after), which would flatter a run
    compared with it."""
    for path in delivery_files(inbox):
        path.read_bytes()


def floor_alone(inbox: Path, work: Path) -> tuple[float, int]:
    """The floor measured in a fresh process, so that every measurement of it starts alike (a
    second one in this process would find calamine, DuckDB and Arrow loaded and warm)."""
    out = Path(tempfile.mkdtemp(dir=work)) / "floor.duckdb"
    done = subprocess.run([sys.executable, __file__, "--floor-only", str(inbox), str(out)],
                          check=True, capture_output=True, text=True)  # fmt: skip
    seconds, cells = json.loads(done.stdout)
    return float(seconds), int(cells)


def _print_run(server: str, run_s: float, floor_s: float, after_s: float,
               dlt_s: float | None) -> None:  # fmt: skip
    """One `monitor run` and its ratios (the one against the floor just before it first)."""
    print(f"monitor run (empty warehouse), with {server}: {run_s:7.1f} s")
    print(
        f"    monitor run / floor: {run_s / floor_s:5.1f}×  (the floor just before: {floor_s:.1f} s)"
    )
    print(f"    against the floor just after it ({after_s:.1f} s): {run_s / after_s:.1f}×")
    if dlt_s:
        print(f"    monitor run / dlt:   {run_s / dlt_s:5.1f}×")


def _shown(seconds: float | None) -> str:
    """Seconds, or why there is no number."""
    return "not installed (pip install -e '.[bench]')" if seconds is None else f"{seconds:7.1f} s"


if __name__ == "__main__":
    main()
