"""Published versions: each nightly build is kept (hard-linked) and only the newest N remain."""

from __future__ import annotations

from pathlib import Path

from pipeline.warehouse.store import build_next_version, open_published
from pipeline.warehouse.versions import kept_versions


def publish(published: Path, value: int, keep: int) -> None:
    with build_next_version(published, keep_versions=keep) as wh:
        wh.con.execute("CREATE OR REPLACE TABLE ops.teller AS SELECT ? AS waarde", [value])


def value_in(path: Path) -> int:
    with open_published(path) as wh:
        return int(wh.query("SELECT waarde FROM ops.teller").iloc[0, 0])


def test_the_newest_versions_are_kept_and_older_ones_dropped(tmp_path: Path) -> None:
    published = tmp_path / "warehouse" / "monitor.duckdb"
    for value in range(1, 5):
        publish(published, value, keep=2)

    versions = kept_versions(published)
    assert [value_in(v) for v in versions] == [3, 4]
    assert value_in(published) == 4
    assert versions[-1].stat().st_ino == published.stat().st_ino  # a link, not a copy


def test_a_kept_version_does_not_change_when_the_next_run_loads(tmp_path: Path) -> None:
    published = tmp_path / "monitor.duckdb"
    publish(published, 1, keep=3)
    first = kept_versions(published)[0]
    publish(published, 2, keep=3)
    assert value_in(first) == 1 and value_in(published) == 2


def test_without_keep_no_versions_are_made(tmp_path: Path) -> None:
    published = tmp_path / "monitor.duckdb"
    publish(published, 1, keep=0)
    assert kept_versions(published) == []
