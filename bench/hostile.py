"""Time and peak memory of `monitor check` on each hostile file, and on a valid 200 MB CSV.

    .venv/bin/python bench/hostile.py [--csv-mb 200] [--skip-csv]

Each file is generated in a temporary folder (the generators of tests/hostile) and checked in
a fresh child process that reports its own peak RSS (getrusage), so the numbers are the file's,
not this script's. Target (issue 9): every hostile file an S edit within 60 s and under 1 GB;
the valid 200 MB CSV (about 1.3 million rows) processed or refused by a stated limit, never
above 2 GB. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile.generators import HOSTILE_CASES
from tests.hostile.measure import Measured, measure_check

CSV_HEADER = ("ID;Datum;Tijd;Gemeld op;Plaats CBS;Gedrag;Kanaal;Situatie;Wapen;Daders;Letsel;"
              "Verzuimdagen;Schade;Aangifte;VPT;Nazorg;Medewerker;Toelichting")  # fmt: skip


def valid_csv(folder: Path, megabytes: int) -> Path:
    """A valid vendor CSV of about `megabytes` MB (10^6 bytes; about 150 bytes a row)."""
    path = folder / "incidenten_GM0344_2025Q1.csv"
    block = "".join(f"V{i};{1 + i % 28:02d}-01-2025;10:15;{1 + i % 28:02d}-02-2025;0344;VB,BD;F;"
                    f"HH;N;1;0;0;N;J;J;J;M-{i % 500};werd uitgescholden bij controle\r\n"
                    for i in range(10_000))  # fmt: skip
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(CSV_HEADER + "\r\n")
        while out.tell() < megabytes * 10**6:
            out.write(block)
    return path


def line(case: str, path: Path, measured: Measured) -> str:
    edits = measured.report.get("edits") or [{}]
    first = str(edits[0].get("message", ""))[:110]
    size = path.stat().st_size / 10**6
    return (f"{case:<18} {size:8.1f} MB  exit {measured.exit}  {measured.seconds:6.1f} s  "
            f"peak {measured.peak_mb:6.0f} MB  {first}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=int, default=200)
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument("--only-csv", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case, make in [] if args.only_csv else sorted(HOSTILE_CASES.items()):
            path = make(folder)
            print(line(case, path, measure_check(path, timeout=600)), flush=True)
            path.unlink()
        if not args.skip_csv:
            path = valid_csv(folder, args.csv_mb)
            measured = measure_check(path, org="GM0344", timeout=1800)
            print(line(f"geldig csv {args.csv_mb} MB", path, measured), flush=True)


if __name__ == "__main__":
    main()
