"""bench/portal_load.py, small: concurrent deliveries on loopback lose nothing and stay apart."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.script_module import load_script


def load_bench() -> ModuleType:
    """Import the bench script as a module."""
    return load_script("bench/portal_load.py", "portal_load")


def test_thirty_deliveries_ten_at_a_time_lose_no_file_or_receipt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = load_bench()

    code = bench.main(["--uploads", "30", "--parallel", "10", "--orgs", "3"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("30 leveringen, 10 tegelijk, 3 organisaties: p50 ")
    assert "p95" in out and out.rstrip().endswith("niets kwijt, organisaties gescheiden")


def test_verify_finds_a_file_in_the_wrong_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = load_bench()
    (tmp_path / "inbox" / "GM0363").mkdir(parents=True)
    (tmp_path / "inbox" / "GM0363" / "x.csv").write_bytes(b"van een ander")

    class Listing:
        def json(self) -> dict[str, list[dict[str, str]]]:
            return {"leveringen": []}

    monkeypatch.setattr(bench.httpx, "get", lambda *a, **k: Listing())  # only the folders matter
    problems = bench.verify(tmp_path, "http://127.0.0.1:9", {"GM0363": "t"}, [])

    assert problems == ["GM0363: inbox heeft 1 bestanden, verwacht 0"]
