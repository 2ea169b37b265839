"""The mart SQL files: one view each, named as its file, reading only lower-numbered views, and
saying in its first lines what it reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.warehouse.store import MARTS_DIR, mart_files

FILES = mart_files()
NUMBER = {path.stem.split("_", 1)[1]: int(path.stem[:2]) for path in FILES}


def statements(path: Path) -> str:
    """The SQL of a file without its comments and without its COMMENT ON statements."""
    text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
    return "\n".join(s for s in text.split(";") if not s.strip().startswith("COMMENT ON"))


def reads_line(path: Path) -> str:
    """The file's first comment block: `-- mart.<view>. Reads: …`."""
    return path.read_text(encoding="utf-8").split("\n\n", 1)[0]


def test_the_files_are_numbered_one_to_n_and_all_run() -> None:
    assert sorted(NUMBER.values()) == list(range(1, len(FILES) + 1))
    assert {p.name for p in FILES} == {p.name for p in MARTS_DIR.glob("*.sql")}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_file_creates_its_own_view_and_comments_it(path: Path) -> None:
    view = path.stem.split("_", 1)[1]
    created = re.findall(r"CREATE OR REPLACE VIEW (\w+\.\w+)", statements(path))
    assert created == [f"mart.{view}"]
    assert f"COMMENT ON VIEW mart.{view} IS" in path.read_text(encoding="utf-8")
    assert reads_line(path).startswith(f"-- mart.{view}. Reads: ")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_view_reads_only_lower_numbered_views_and_says_which(path: Path) -> None:
    view = path.stem.split("_", 1)[1]
    read = set(re.findall(r"\bmart\.(\w+)", statements(path))) - {view}
    assert all(NUMBER[name] < NUMBER[view] for name in read), read
    declared = set(re.findall(r"\bmart\.(\w+)", reads_line(path))) - {view}
    assert declared == read
    relations = set(re.findall(r"\b((?:ops|core|ref)\.\w+)", statements(path)))
    assert relations == set(re.findall(r"\b((?:ops|core|ref)\.\w+)", reads_line(path)))


def test_the_indicators_are_built_from_named_steps() -> None:
    (indicatoren,) = [p for p in FILES if p.stem.endswith("_indicatoren")]
    read = set(re.findall(r"\bmart\.(\w+)", statements(indicatoren)))
    assert {"indicator_telling", "dekking_gebied", "reeksbreuk_gebied"} <= read
    assert len(statements(indicatoren).splitlines()) < 150
