"""The analysts' data dictionary: the committed file is current, and everything is described."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.employers.dictionary import (
    DICTIONARY_PATH,
    NO_COMMENT,
    SCHEMAS,
    build_dictionary,
    empty_warehouse,
    warehouse_columns,
    warehouse_objects,
)
from pipeline.warehouse.store import Warehouse
from schemas.codelists import load_codelists
from schemas.edits import EDITS


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A fresh warehouse as `monitor docs` builds it: schema, reference tables, marts."""
    with empty_warehouse(tmp_path_factory.mktemp("dictionary")) as wh:
        yield wh


@pytest.fixture(scope="module")
def dictionary(warehouse: Warehouse) -> str:
    return build_dictionary(warehouse)


def test_committed_dictionary_is_current(dictionary: str) -> None:
    committed = DICTIONARY_PATH.read_text(encoding="utf-8") if DICTIONARY_PATH.exists() else ""
    if committed != dictionary:
        diff = difflib.unified_diff(committed.splitlines(), dictionary.splitlines(),
                                    "docs/data_dictionary.md (committed)", "generated", lineterm="")  # fmt: skip
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"docs/data_dictionary.md is stale: run `monitor docs` and commit it\n{shown}")


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_every_table_view_and_column_has_a_comment(warehouse: Warehouse, schema: str) -> None:
    objects = warehouse_objects(warehouse)
    objects = objects[objects["schema_name"] == schema]
    columns = warehouse_columns(warehouse)
    columns = columns[columns["schema_name"] == schema]
    assert len(objects) > 0 and len(columns) > 0
    bare_objects = sorted(
        f"{schema}.{o.name}" for o in objects.itertuples() if not _filled(o.comment)
    )
    bare_columns = sorted(f"{schema}.{c.table_name}.{c.column_name}"
                          for c in columns.itertuples() if not _filled(c.comment))  # fmt: skip
    assert bare_objects == [], "tables/views without COMMENT ON (pipeline/warehouse/sql/*.sql)"
    assert bare_columns == [], "columns without COMMENT ON COLUMN (pipeline/warehouse/sql/*.sql)"


def test_every_table_and_view_has_its_own_section(warehouse: Warehouse, dictionary: str) -> None:
    objects = warehouse_objects(warehouse)
    assert set(objects["schema_name"]) == set(SCHEMAS)
    for o in objects.itertuples():
        assert f"#### `{o.schema_name}.{o.name}` ({o.kind})" in dictionary


def test_the_standard_is_in_it(dictionary: str) -> None:
    for name, codes in load_codelists().lists.items():
        section = dictionary.split(f"#### {name}\n", 1)[1].split("\n#", 1)[0]
        assert [c.code for c in codes] == re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE)
    for code, edit in EDITS.items():
        assert f"| `{code}` |" in dictionary and edit.title_nl in dictionary
    assert "| `B03` | (hele levering) |" in dictionary


def test_every_markdown_table_row_has_as_many_cells_as_its_header(dictionary: str) -> None:
    cells = None
    for number, line in enumerate(dictionary.splitlines(), start=1):
        if not line.startswith("|"):
            cells = None
            continue
        count = len(re.findall(r"(?<!\\)\|", line)) - 1
        cells = count if cells is None else cells
        assert count == cells, f"line {number} has {count} cells, its table {cells}: {line[:80]}"


def test_output_is_deterministic_and_relative(dictionary: str, tmp_path: Path) -> None:
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", dictionary), "no timestamps"
    assert str(tmp_path.parent.parent) not in dictionary and "/tmp" not in dictionary
    assert dictionary.endswith("\n") and not dictionary.endswith("\n\n")


def _filled(comment: object) -> bool:
    return isinstance(comment, str) and bool(comment.strip()) and comment != NO_COMMENT
