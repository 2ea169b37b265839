"""The fingerprint that lets a night with nothing new do nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from pipeline.night.unchanged import (
    calendar_state,
    input_fingerprint,
    remember_run,
    unchanged_since_last_run,
)
from pipeline.settings import Settings
from tests.conftest import REFERENCE_DIR

TODAY = dt.date(2026, 2, 10)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    return Settings(reference_dir=reference, warehouse_path=tmp_path / "wh" / "monitor.duckdb")


def test_the_same_inputs_give_the_same_fingerprint(settings: Settings) -> None:
    assert input_fingerprint(settings, TODAY) == input_fingerprint(settings, TODAY)


def test_a_changed_reference_file_changes_the_fingerprint(settings: Settings) -> None:
    before = input_fingerprint(settings, TODAY)
    some_file = sorted(p for p in settings.reference_dir.iterdir() if p.is_file())[0]
    some_file.write_bytes(some_file.read_bytes() + b"\n")

    assert input_fingerprint(settings, TODAY) != before


def test_a_new_reference_file_changes_the_fingerprint(settings: Settings) -> None:
    before = input_fingerprint(settings, TODAY)
    (settings.reference_dir / "fte_2026.csv").write_text("organisatiecode,fte\n", "utf-8")

    assert input_fingerprint(settings, TODAY) != before


def test_a_setting_that_shapes_the_report_changes_the_fingerprint(settings: Settings) -> None:
    other = settings.model_copy(update={"coverage_floor": 0.5})

    assert input_fingerprint(other, TODAY) != input_fingerprint(settings, TODAY)


def test_a_limit_that_does_not_shape_the_outcome_leaves_it(settings: Settings) -> None:
    other = settings.model_copy(update={"delivery_timeout_s": 30.0})

    assert input_fingerprint(other, TODAY) == input_fingerprint(settings, TODAY)


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (dt.date(2026, 2, 10), dt.date(2026, 1, 31)),  # 2025Q4 due 30 Jan: late from the 31st
        (dt.date(2026, 1, 30), dt.date(2026, 1, 1)),  # 2026Q1 began; 2025Q4 still due today
        (dt.date(2026, 4, 1), dt.date(2026, 4, 1)),  # 2026Q1 ended, 2026Q2 began
        (dt.date(2026, 5, 1), dt.date(2026, 5, 1)),  # 2026Q1 due 30 April: late from 1 May
        (dt.date(2026, 12, 31), dt.date(2026, 10, 31)),  # 2026Q3 due 30 October
    ],
)
def test_the_calendar_state_is_the_last_day_the_informatiepositie_changed(
    day: dt.date, state: dt.date
) -> None:
    assert calendar_state(day, 30) == state


def test_days_within_one_calendar_state_share_the_fingerprint(settings: Settings) -> None:
    assert input_fingerprint(settings, dt.date(2026, 2, 10)) == input_fingerprint(
        settings, dt.date(2026, 3, 31)
    )
    assert input_fingerprint(settings, dt.date(2026, 1, 30)) != input_fingerprint(
        settings, dt.date(2026, 1, 31)
    )


def test_the_marker_matches_only_the_same_fingerprint_and_published_run(
    settings: Settings,
) -> None:
    started = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)
    assert not unchanged_since_last_run(settings, "abc", 3, started)  # no marker yet
    remember_run(settings, "abc", 3, started)

    assert unchanged_since_last_run(settings, "abc", 3, started)
    assert unchanged_since_last_run(
        settings, "abc", 3, started.astimezone(dt.timezone(dt.timedelta(hours=1)))
    )
    assert not unchanged_since_last_run(settings, "abd", 3, started)
    assert not unchanged_since_last_run(settings, "abc", 4, started)
    # after a restore the run ids repeat: another run 3 started at another moment
    assert not unchanged_since_last_run(settings, "abc", 3, started + dt.timedelta(days=1))


def test_a_damaged_marker_means_build_again(settings: Settings) -> None:
    started = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)
    remember_run(settings, "abc", 3, started)
    (settings.reports_directory / ".laatste-run.json").write_text("{niet json", "utf-8")

    assert not unchanged_since_last_run(settings, "abc", 3, started)


def test_a_linked_reference_file_counts_by_what_it_points_at(
    settings: Settings, tmp_path: Path
) -> None:
    shared = tmp_path / "gedeeld" / "fte_2026.csv"
    shared.parent.mkdir()
    shared.write_text("organisatiecode,beroepsgroep,fte\n", "utf-8")
    (settings.reference_dir / "fte_2026.csv").symlink_to(shared)
    before = input_fingerprint(settings, TODAY)

    shared.write_text("organisatiecode,beroepsgroep,fte\nGM0014,boa,3.5\n", "utf-8")

    assert input_fingerprint(settings, TODAY) != before
