"""Fail early, fail clearly (issue 9 point 9): `monitor run` and `monitor serve` check first."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import TEST_KEY

runner = CliRunner()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A good key, no sample mode, an empty inbox; returns the inbox."""
    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", TEST_KEY.decode())
    monkeypatch.delenv("MONITOR_SAMPLE_MODE", raising=False)
    monkeypatch.delenv("MONITOR_FTE_DIR", raising=False)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["run", *args])
    return result.exit_code, result.output


def test_a_mistyped_inbox_fails_clearly_before_anything_is_made(env: Path, tmp_path: Path) -> None:
    """It used to print "0 bestanden" and exit 0."""
    warehouse = tmp_path / "wh" / "monitor.duckdb"

    code, output = run("--inbox", str(tmp_path / "inbx"), "--warehouse", str(warehouse))

    assert code == 2, output
    assert f"inbox {tmp_path / 'inbx'} bestaat niet" in output
    assert "Traceback" not in output
    assert not warehouse.parent.exists()


def test_an_inbox_that_is_a_file_is_refused(env: Path, tmp_path: Path) -> None:
    (tmp_path / "inbox.txt").write_text("x", encoding="utf-8")

    code, output = run("--inbox", str(tmp_path / "inbox.txt"))

    assert code == 2 and "is geen map" in output


def test_without_a_key_run_stops_at_once_in_dutch(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONITOR_PSEUDONYM_KEY")

    code, output = run("--inbox", str(env), "--warehouse", str(tmp_path / "wh" / "m.duckdb"))

    assert code == 2
    assert "MONITOR_PSEUDONYM_KEY is niet gezet" in output


def test_a_warehouse_folder_that_cannot_be_made_is_refused(env: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "bestand"
    blocker.write_text("", encoding="utf-8")

    code, output = run("--inbox", str(env), "--warehouse", str(blocker / "wh" / "m.duckdb"))

    assert code == 2
    assert f"{blocker} is geen map" in output


def test_a_broken_fte_file_stops_the_run_before_any_load(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fte = tmp_path / "fte"
    fte.mkdir()
    (fte / "fte_2025.csv").write_text(
        "organisatiecode,beroepsgroep,fte\nGM0363,boa,1\nGM0014,boa,12,5\n", encoding="utf-8"
    )
    monkeypatch.setenv("MONITOR_FTE_DIR", str(fte))
    warehouse = tmp_path / "wh" / "monitor.duckdb"

    code, output = run("--inbox", str(env), "--warehouse", str(warehouse))

    assert code == 2
    assert "fte_2025.csv, regel 3: 4 velden, verwacht 3" in output
    assert not warehouse.exists()


def test_every_problem_is_named_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", "kort")
    monkeypatch.setenv("MONITOR_REFERENCE_DIR", str(tmp_path / "geen-referentie"))

    code, output = run("--inbox", str(tmp_path / "geen"))

    assert code == 2
    problems = [line for line in output.splitlines() if line.startswith("- ")]
    assert len(problems) == 3, output
    assert "te kort" in output and "bestaat niet" in output and "gemeenten.csv" in output


def test_serve_checks_key_and_inbox_before_it_needs_a_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONITOR_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("MONITOR_INBOX_DIR", str(tmp_path / "geen"))

    result = runner.invoke(app, ["serve"])

    assert result.exit_code == 2
    assert "MONITOR_PSEUDONYM_KEY" in result.output and "bestaat niet" in result.output
    assert "Prefect-server" not in result.output


def test_a_concurrent_run_is_refused_in_one_line(env: Path, tmp_path: Path) -> None:
    """It used to be refused with a 300-line traceback."""
    warehouse = tmp_path / "wh" / "monitor.duckdb"
    warehouse.parent.mkdir()
    with warehouse.with_name("monitor.duckdb.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the other run
        code, output = run("--inbox", str(env), "--warehouse", str(warehouse))

    assert code == 3
    assert output.strip().splitlines() == [
        f"Niet gestart: er draait al een nachtelijke run op {warehouse}; probeer het later opnieuw."
    ]


def test_an_empty_inbox_on_a_new_warehouse_is_a_normal_night(
    env: Path, tmp_path: Path, prefect_harness: None
) -> None:
    """The first run on an empty inbox used to crash with KeyError 'niveau' in publish.py."""
    warehouse = tmp_path / "wh" / "monitor.duckdb"

    code, output = run("--inbox", str(env), "--warehouse", str(warehouse), "--json")

    assert code == 0, output
    assert '"files_new": 0' in output
    assert warehouse.is_file()
    assert (tmp_path / "reports" / "rapport" / "index.html").is_file()


def test_a_run_that_dies_before_publishing_writes_no_feedback_and_the_next_writes_it_once(
    tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.nightly import run_nightly
    from pipeline.settings import Settings
    from pipeline.warehouse.store import Warehouse
    from tests.conftest import PROFILE_FIXTURES, load_spec, write_source

    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", TEST_KEY.decode())
    inbox = tmp_path / "inbox"
    for folder in sorted(PROFILE_FIXTURES.iterdir()):
        write_source(load_spec(folder / "source.yaml"), inbox)
    settings = Settings(inbox_dir=inbox, warehouse_path=tmp_path / "wh" / "monitor.duckdb")

    def killed(self: Warehouse) -> None:
        raise KeyboardInterrupt("killed while building the marts")

    with monkeypatch.context() as patch:
        patch.setattr(Warehouse, "refresh_marts", killed)
        with pytest.raises(BaseException, match="killed"):
            run_nightly(settings)
    assert not settings.feedback_directory.exists() or not any(
        settings.feedback_directory.rglob("*.xlsx")
    )

    summary = run_nightly(settings)

    written = sorted(p.name for p in settings.feedback_directory.rglob("*.xlsx"))
    assert summary.files_new == 5
    assert len(written) == 5, written
