"""The night side by side with its floor and with dlt, on the same inbox, in one process tree.

    .venv/bin/python bench/national.py [--sample DIR] [--scale 1.0] [--series] [--skip-dlt]

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
   each into an empty warehouse of its own.

Prints the times and the ratios (run / floor, run / dlt). Asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tree import (  # bench/tree.py
    lasting_prefect_server,
    monitor_env,
    monitor_run,
    prefect_database,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, help="an existing sample (default: generate one)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--series", action="store_true", help="the default multi-year sample")
    parser.add_argument("--skip-dlt", action="store_true")
    parser.add_argument("--server", choices=["both", "temporary", "lasting"], default="both",
                        help="Prefect's server for `monitor run` (default: a run with each)")  # fmt: skip
    args = parser.parse_args()
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
        floor_s, cells = floor(inbox, work / "floor.duckdb")
        print(f"floor (raw read + one DuckDB insert): {floor_s:7.1f} s  ({cells:,} cells)")
        dlt_s = None if args.skip_dlt else with_dlt(inbox, work / "dlt.duckdb")
        shown = "skipped (--skip-dlt)" if args.skip_dlt else _shown(dlt_s)
        print(f"dlt (same raw cells into DuckDB):      {shown}")
        env = monitor_env(work)
        prefect_database(env)
        if args.server in ("both", "temporary"):
            measured = monitor_run(inbox, work / "temporary" / "monitor.duckdb", env)
            _print_run("Prefect's temporary server", measured.seconds, floor_s, dlt_s)
            print(f"    {measured.shown()}")
        if args.server in ("both", "lasting"):
            with lasting_prefect_server(env) as lasting:  # its first night, then its second
                for night in ("first", "second"):
                    warehouse = work / f"lasting-{night}" / "monitor.duckdb"
                    measured = monitor_run(inbox, warehouse, lasting)
                    _print_run(f"a lasting Prefect server ({night} night since its start)",
                               measured.seconds, floor_s, dlt_s)  # fmt: skip
                    print(f"    {measured.shown()} (the server's own memory not counted)")


def _print_run(server: str, run_s: float, floor_s: float, dlt_s: float | None) -> None:
    """One `monitor run` and its ratios."""
    print(f"monitor run (empty warehouse), with {server}: {run_s:7.1f} s")
    print(f"    monitor run / floor: {run_s / floor_s:5.1f}×")
    if dlt_s:
        print(f"    monitor run / dlt:   {run_s / dlt_s:5.1f}×")


def _shown(seconds: float | None) -> str:
    """Seconds, or why there is no number."""
    return "not installed (pip install -e '.[bench]')" if seconds is None else f"{seconds:7.1f} s"


if __name__ == "__main__":
    main()
