"""Disclosure control on a real warehouse: time and hidden cells. Prints numbers, asserts nothing.

    .venv/bin/python bench/disclosure.py [--warehouse data/warehouse/monitor.duckdb] [--k 5]

Builds the protected publication from the published warehouse (as the report does) and prints,
per beroepsgroep, the cells in the protection problem, how many are hidden as primary (a count
from 1 to k-1) and as secondary (complements: the price users pay), and the wall time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline.publication.build import MARTS, _grid, category_codes
from pipeline.publication.disclosure import suppress
from pipeline.publication.disclosure_tables import CATEGORY_TABLES, build_problem
from pipeline.warehouse.store import open_published
from schemas.codelists import load_codelists
from schemas.vocabulary import ONBEKEND, PRIMARY, PUBLISHED


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=Path("data/warehouse/monitor.duckdb"))
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    with open_published(args.warehouse) as wh:
        indicators = wh.query("SELECT * FROM mart.indicatoren WHERE niveau IN "
                              "('nationaal', 'veiligheidsregio')")  # fmt: skip
        categories = {t: wh.query(f"SELECT * FROM mart.{m} WHERE niveau = 'nationaal'")
                      for t, m in MARTS.items()}  # fmt: skip
        regions = wh.query("SELECT veiligheidsregiocode FROM ref.veiligheidsregio ORDER BY 1")
    areas = [*regions["veiligheidsregiocode"].astype(str), ONBEKEND]
    codes, severity = category_codes(), load_codelists().severity_rank()
    periods = sorted(indicators["periode"].astype(str).unique())
    print(f"warehouse: {args.warehouse}; periods {periods[0]}–{periods[-1]}; k = {args.k}")
    print(f"{'beroepsgroep':<12} {'cells':>7} {'primary':>8} {'secondary':>10} {'seconds':>8}")
    total_time = 0.0
    for group in sorted(indicators["beroepsgroep"].unique()):
        rows = indicators[indicators["beroepsgroep"] == group]
        grids = {t: _grid(f[f["beroepsgroep"] == group], t, codes[t], periods)
                 for t, f in categories.items() if t in CATEGORY_TABLES}  # fmt: skip
        start = time.perf_counter()
        problem = build_problem(rows, grids, areas, codes, severity)
        statuses = suppress(problem.values, problem.relations, args.k, problem.bounds)
        seconds = time.perf_counter() - start
        total_time += seconds
        primary = sum(s == PRIMARY for s in statuses.values())
        secondary = sum(s not in (PUBLISHED, PRIMARY) for s in statuses.values())
        print(f"{group:<12} {len(statuses):>7} {primary:>8} {secondary:>10} {seconds:>8.1f}")
    print(f"all beroepsgroepen: {total_time:.1f} s")


if __name__ == "__main__":
    main()
