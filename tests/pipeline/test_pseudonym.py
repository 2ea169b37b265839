"""Pseudonymisation of employee ids: keyed, deterministic, organisation-scoped, never the raw id."""

from __future__ import annotations

import hashlib
import hmac
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingest.pseudonym import pseudonymise

KEY = b"test-sleutel-van-minstens-32-bytes-lang"
HEX64 = re.compile(r"[0-9a-f]{64}")


def _one(raw: object, organisatiecode: str = "GM0363", key: bytes = KEY) -> str | None:
    result = pseudonymise(pd.Series([raw], dtype=object), organisatiecode, key)
    assert len(result) == 1
    return result.iloc[0]


def test_pseudonym_is_hmac_sha256_of_organisation_and_id() -> None:
    expected = hmac.new(KEY, b"GM0363:P-12345", hashlib.sha256).hexdigest()

    assert _one("P-12345") == expected


def test_pseudonym_is_deterministic() -> None:
    ids = pd.Series(["P1", "P2", "P1"], dtype=object)
    first = pseudonymise(ids, "GM0363", KEY)
    again = pseudonymise(ids, "GM0363", KEY)

    assert first.tolist() == again.tolist()
    assert first.iloc[0] == first.iloc[2] != first.iloc[1]


def test_pseudonym_depends_on_the_key() -> None:
    assert _one("P1", key=KEY) != _one("P1", key=b"andere-sleutel")


def test_pseudonym_is_scoped_to_the_organisation() -> None:
    assert _one("P1", "GM0363") != _one("P1", "GM0014")
    assert _one("P1", "VR13") != _one("P1", "POL")


def test_missing_ids_stay_missing() -> None:
    result = pseudonymise(pd.Series([None, float("nan"), "P1"], dtype=object), "GM0363", KEY)

    assert result.iloc[0] is None
    assert result.iloc[1] is None
    assert result.iloc[2] == _one("P1")


def test_surrounding_whitespace_does_not_change_the_pseudonym() -> None:
    assert _one("  P1 ") == _one("P1")


def test_pseudonymise_keeps_the_index() -> None:
    ids = pd.Series(["P1", None], index=[10, 20], dtype=object)

    assert pseudonymise(ids, "GM0363", KEY).index.tolist() == [10, 20]


def test_an_id_that_looks_like_a_pseudonym_is_still_replaced() -> None:
    raw = "a" * 64
    assert _one(raw) != raw


@given(st.text(min_size=1).filter(str.strip), st.sampled_from(["GM0363", "VR13", "POL"]))
def test_pseudonym_is_64_hex_chars_and_never_the_raw_id(raw: str, organisatiecode: str) -> None:
    pseudonym = _one(raw, organisatiecode)

    assert pseudonym is not None and HEX64.fullmatch(pseudonym)
    assert pseudonym != raw
    assert pseudonym == _one(raw, organisatiecode)


@given(
    st.lists(st.text(min_size=1).map(str.strip).filter(bool), min_size=2, max_size=20, unique=True)
)
def test_different_ids_get_different_pseudonyms(ids: list[str]) -> None:
    result = pseudonymise(pd.Series(ids, dtype=object), "GM0363", KEY)

    assert result.nunique() == len(ids)


def test_each_id_takes_its_own_organisation_when_codes_come_per_row() -> None:
    ids = pd.Series(["P1", " P1", "P2", None, "P1"], index=[10, 11, 12, 13, 14], dtype=object)
    codes = pd.Series(["GM0363", "GM0014", "GM0363", "GM0363", None], index=[14, 13, 12, 11, 10])
    result = pseudonymise(ids, codes, KEY)

    assert result.index.tolist() == [10, 11, 12, 13, 14]
    assert result.tolist() == [None, _one("P1", "GM0363"), _one("P2", "GM0363"), None,
                               _one("P1", "GM0363")]  # fmt: skip


def _hmac(text: str) -> str:
    return hmac.new(KEY, text.encode(), hashlib.sha256).hexdigest()


def test_many_rows_of_many_employers_get_each_their_own_pseudonym() -> None:
    """Ids repeat over thousands of rows (hashed once per distinct pair); the same id at two
    employers, and an id with spaces around it, still come out as the text they stand for."""
    ids = pd.Series(["P1", " P1", "P2", None, "P1"] * 1000, dtype=object)
    codes = pd.Series(["GM0363", "GM0363", "GM0363", "GM0363", "VR13"] * 1000, dtype=object)
    expected = [_hmac("GM0363:P1"), _hmac("GM0363:P1"), _hmac("GM0363:P2"), None,
                _hmac("VR13:P1")] * 1000  # fmt: skip

    assert pseudonymise(ids, codes, KEY).tolist() == expected


def test_numbers_from_a_spreadsheet_keep_the_text_they_are_written_as() -> None:
    """To pandas 1, 1.0 and True are one value; as text they are three ids."""
    ids = pd.Series([1, 1.0, True, "1", 1] * 3, dtype=object)

    assert pseudonymise(ids, "GM0363", KEY).tolist() == [
        _hmac("GM0363:1"), _hmac("GM0363:1.0"), _hmac("GM0363:True"), _hmac("GM0363:1"),
        _hmac("GM0363:1")] * 3  # fmt: skip
