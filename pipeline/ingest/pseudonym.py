"""Pseudonymisation of employee ids at ingest (DESIGN §9): keyed HMAC-SHA256, never the raw id."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import numpy as np
import pandas as pd

from schemas.errors import ConfigurationError

MIN_KEY_BYTES = 32  # an HMAC key shorter than this can be guessed; refused (DESIGN §11)
NEW_KEY_BYTES = 48  # `monitor key new`: 48 random bytes, 64 characters of URL-safe base64


def new_key() -> str:
    """A fresh random pseudonym key for MONITOR_PSEUDONYM_KEY (64 URL-safe characters)."""
    return secrets.token_urlsafe(NEW_KEY_BYTES)


def checked_key(key: str | None, *, sample_mode: bool, demo_key: str) -> bytes:
    """The HMAC key as bytes, or a Dutch ConfigurationError saying why it is refused.

    No key: only in sample mode, where the public demo key is used. The demo key itself is
    refused outside sample mode; any other key must be at least MIN_KEY_BYTES bytes.
    """
    if key is None or not key.strip():
        if sample_mode:
            return demo_key.encode()
        raise ConfigurationError(
            "MONITOR_PSEUDONYM_KEY is niet gezet (of leeg); zonder sleutel worden geen "
            "medewerker-id's opgeslagen. Maak er een met `monitor key new`."
        )
    if key == demo_key and not sample_mode:
        raise ConfigurationError(
            "MONITOR_PSEUDONYM_KEY is de openbare demosleutel; die mag alleen in de "
            "voorbeeldmodus (MONITOR_SAMPLE_MODE=true). Maak een eigen sleutel met `monitor key new`."
        )
    raw = key.encode()
    if len(raw) < MIN_KEY_BYTES:
        raise ConfigurationError(
            f"MONITOR_PSEUDONYM_KEY is te kort ({len(raw)} bytes; minstens {MIN_KEY_BYTES}): "
            "een korte sleutel is te raden. Maak er een met `monitor key new`."
        )
    return raw


def pseudonymise(ids: pd.Series, organisatiecode: str | pd.Series, key: bytes) -> pd.Series:
    """HMAC-SHA256 over `<organisatiecode>:<id>`; missing stays missing. `organisatiecode` is
    one code for all ids, or each id's own (a pass over the deliveries of many employers: one
    HMAC per distinct organisation and id, no pandas work per organisation)."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)  # the key's pads, computed once
    if isinstance(organisatiecode, str):
        organisatiecode = pd.Series(organisatiecode, index=ids.index, dtype=object)
    elif not organisatiecode.index.equals(ids.index):
        organisatiecode = organisatiecode.reindex(ids.index)  # by label, as pandas aligns
    present = (ids.notna() & organisatiecode.notna()).to_numpy()
    codes, raws = (s.to_numpy(dtype=object)[present] for s in (organisatiecode, ids))
    pairs, distinct = _distinct_pairs(codes, raws)
    table: dict[str, str] = {}  # distinct pairs may still share a text: " 7" and "7"
    digests = []
    for code, raw in distinct:
        text = f"{code}:{str(raw).strip()}"
        if text not in table:
            digest = keyed.copy()
            digest.update(text.encode())
            table[text] = digest.hexdigest()
        digests.append(table[text])
    result = np.full(len(ids), None, dtype=object)
    result[present] = np.array(digests, dtype=object)[pairs] if digests else []
    return pd.Series(result, index=ids.index, dtype=object)


def _distinct_pairs(
    codes: np.ndarray, raws: np.ndarray
) -> tuple[np.ndarray, list[tuple[object, object]]]:
    """(each row's position among the distinct (organisatiecode, id) pairs, those pairs): an
    employee appears many times. Only texts are taken as equal by value; an id of another type
    (a number from a spreadsheet: 1 and 1.0 are equal to pandas, not as text) keeps its own row."""
    code_positions, code_values = pd.factorize(codes)
    raw_positions, raw_values = pd.factorize(raws)
    if not all(isinstance(v, str) for v in (*code_values, *raw_values)):
        return np.arange(len(raws)), list(zip(codes, raws, strict=True))
    pair_positions, pair_values = pd.factorize(code_positions * len(raw_values) + raw_positions)
    return pair_positions, [(code_values[p // len(raw_values)], raw_values[p % len(raw_values)])
                            for p in pair_values.tolist()]  # fmt: skip
