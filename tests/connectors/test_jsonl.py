"""JSON-lines deliveries: streamed, refused over the row limit before anything is parsed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.jsonl import read_jsonl
from connectors.limits import MAX_ROWS
from schemas.errors import DeliveryError


def test_records_keep_their_line_numbers_and_a_line_separator_inside_a_string(
    tmp_path: Path,
) -> None:
    path = tmp_path / "POL_2025Q1.jsonl"
    records = [{"id": "1", "tekst": "a\u2028b"}, {"id": "2", "gedrag": ["VB", "BD"]}]
    path.write_text("\ufeff" + json.dumps(records[0], ensure_ascii=False) + "\n\n"
                    + json.dumps(records[1]) + "\n", encoding="utf-8")  # fmt: skip

    cells = read_jsonl(path).cells

    assert cells["id"].tolist() == ["1", "2"]
    assert cells["tekst"].tolist() == ["a\u2028b", None]  # str.splitlines would cut the record
    assert cells["gedrag"].tolist() == [None, "VB|BD"]
    assert cells["_rij"].tolist() == [1, 3]


def test_more_records_than_the_limit_are_refused_before_one_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "POL_2025Q1.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("dit is geen json\n")  # parsed first, it would be this S01 instead
        handle.writelines(f'{{"id": "{i}"}}\n' for i in range(MAX_ROWS))

    with pytest.raises(DeliveryError) as refused:
        read_jsonl(path)

    assert refused.value.code == "S01"
    assert "te veel records: 100.001; de grens is 100.000" in refused.value.message


def test_a_file_that_is_not_utf8_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "POL_2025Q1.jsonl"
    path.write_bytes(b'{"id": "1"}\n{"tekst": "caf\xe9"}\n')

    with pytest.raises(DeliveryError) as refused:
        read_jsonl(path)

    assert refused.value.code == "S01"
    assert refused.value.message.startswith("regel 2: teken (byte 0xe9) is geen geldige UTF-8")


@pytest.mark.parametrize(
    "text", ["bedreiging", "  verbaal ", "", "   ", "\u00a0x\u2003", "\t\n", "a|b"]
)
def test_a_text_cell_reads_as_a_spreadsheet_text_cell_reads(text: str) -> None:
    from connectors.base import cell_text
    from connectors.jsonl import json_cell

    assert json_cell(text) == cell_text(text)
    assert json_cell(text) == (text.strip() or None)
