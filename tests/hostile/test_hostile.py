"""Hostile files end in a clear S edit, in bounded time and memory (issue 9, point 2).

Each case runs `monitor check` in a child process and reads its own peak RSS; the limits are
generous (the target is 60 s and 1 GB) so the test does not flake on a busy machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.generators import HOSTILE_CASES, oversized_unknown
from tests.hostile.measure import measure_check

MAX_SECONDS = 60
MAX_PEAK_MB = 1024

# What the S01 message must say for each case: the limit that refused it.
EXPECTED_REASON = {
    "dimensie-bom": "te veel",
    "cel-onder-de-rijen": "te veel rijen",
    "voorvoegsel-en-eigen-pad": "te veel",
    "posities-zonder-nummer": "te veel cellen",
    "ods-herhaald": "te veel",
    "zip-bom-opgevuld": "te veel cellen",
    "gedeelde-tekst-kopieen": "te veel tekst",
    "diepe-json": "te diep genest",
    "miljoen-kolommen": "te veel kolommen",
    "html-spans": "colspan=1000",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_CASES))
def test_hostile_file_is_an_s_edit_in_bounded_time_and_memory(case: str, tmp_path: Path) -> None:
    make: Callable[[Path], Path] = HOSTILE_CASES[case]
    measured = measure_check(make(tmp_path))
    assert measured.exit == 2, measured.report
    codes = [e["code"] for e in measured.report["edits"]]
    assert codes == ["S01"], measured.report["edits"]
    message = measured.report["edits"][0]["message"]
    assert EXPECTED_REASON[case] in message and "de grens is" in message, message
    assert measured.seconds < MAX_SECONDS, f"{case}: {measured.seconds:.1f} s"
    assert measured.peak_mb < MAX_PEAK_MB, f"{case}: {measured.peak_mb:.0f} MB"


def test_size_limit_holds_for_a_file_no_profile_knows(tmp_path: Path) -> None:
    path = oversized_unknown(tmp_path, size=3 * 2**20)
    measured = measure_check(path, env={"MONITOR_MAX_FILE_BYTES": str(2**20)})
    assert measured.exit == 2, measured.report
    message = measured.report["edits"][0]["message"]
    assert message.startswith("S01") and "te groot" in message and "1.048.576" in message, message


def test_the_measure_counts_the_child_only(tmp_path: Path) -> None:
    """A test process grown large (here 600 MB) does not lend its size to the child it measures:
    Linux carries a parent's RSS high-water mark into the child's getrusage through fork and exec
    (every hostile case once measured the test process's 1,045 MB)."""
    ballast = bytearray(600 * 2**20)
    ballast[:: 2**12] = b"\x01" * len(range(0, len(ballast), 2**12))  # touch every page
    path = tmp_path / "GM0014_2025Q1.csv"
    path.write_text("Incidentnummer;Datum;Soort agressie\nA-1;10-01-2025;verbaal\n", "utf-8")
    measured = measure_check(path)
    del ballast
    assert 50 < measured.peak_mb < 450, measured.peak_mb
