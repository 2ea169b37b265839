"""The shared words are one set: a nil-return flag and a tick-box cell mean yes alike."""

from __future__ import annotations

import pytest

from schemas.vocabulary import is_yes, ja_nee


@pytest.mark.parametrize("text", ["ja", "JA", " Ja ", "j", "x", "X", "waar", "1", "✓", "✔",
                                  "yes", "Y", "true", "TRUE"])  # fmt: skip
def test_every_spelling_of_yes_is_yes(text: str) -> None:
    assert is_yes(text)


@pytest.mark.parametrize("text", ["nee", "n", "0", "false", "", "onbekend", "jaa", "nvt", None])
def test_anything_else_is_not_yes(text: object) -> None:
    assert not is_yes(text)


def test_truth_values_read_as_ja_or_nee() -> None:
    assert (ja_nee(True), ja_nee(False)) == ("ja", "nee")
