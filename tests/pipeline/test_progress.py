"""Progress of the nightly run: a line every 10% in a log, a live bar on a terminal."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import pytest

from pipeline.night.progress import RunProgress


@dataclass
class _Delivery:  # what RunProgress reads of a ProcessedDelivery
    rows_in: int
    rejected: bool = False


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_a_line_is_logged_every_ten_percent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("test.voortgang")
    with (
        caplog.at_level(logging.INFO, logger="test.voortgang"),
        RunProgress(20, logger, stream=io.StringIO()) as progress,
    ):
        for i in range(20):
            progress.advance(_Delivery(rows_in=5, rejected=i in (3, 11)))  # type: ignore[arg-type]

    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 10
    assert lines[0].startswith("leveringen 2/20 (10%), ")
    assert lines[-1].startswith("leveringen 20/20 (100%), ")
    assert lines[-1].endswith("rijen/s, 2 afgekeurd")
    assert lines[4].endswith(", 1 afgekeurd")  # 10/20: one rejected so far


def test_a_small_run_still_logs_its_end(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.voortgang")
    with (
        caplog.at_level(logging.INFO, logger="test.voortgang"),
        RunProgress(3, logger, stream=io.StringIO()) as progress,
    ):
        for _ in range(3):
            progress.advance(_Delivery(rows_in=1))  # type: ignore[arg-type]

    lines = [r.getMessage() for r in caplog.records]
    assert [line.split(" (")[0] for line in lines] == [
        "leveringen 1/3", "leveringen 2/3", "leveringen 3/3"
    ]  # fmt: skip


def test_on_a_terminal_a_bar_shows_done_rows_per_second_and_rejected(
    caplog: pytest.LogCaptureFixture,
) -> None:
    terminal = _Terminal()
    logger = logging.getLogger("test.voortgang")
    with (
        caplog.at_level(logging.INFO, logger="test.voortgang"),
        RunProgress(4, logger, stream=terminal) as progress,
    ):
        for i in range(4):
            progress.advance(_Delivery(rows_in=10, rejected=i == 0))  # type: ignore[arg-type]

    drawn = terminal.getvalue()
    assert "leveringen" in drawn
    assert "4/4" in drawn
    assert "rijen/s · 1 afgekeurd" in drawn
    assert caplog.records == []  # the bar replaces the log lines


def test_nothing_to_do_draws_no_bar() -> None:
    terminal = _Terminal()
    with RunProgress(0, stream=terminal):
        pass
    assert terminal.getvalue() == ""
