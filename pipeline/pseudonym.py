"""Pseudonymisation of employee ids at ingest (DESIGN §9): keyed HMAC-SHA256, never the raw id."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd


def pseudonymise(ids: pd.Series, organisatiecode: str, key: bytes) -> pd.Series:
    """HMAC-SHA256 over `<organisatiecode>:<id>`; missing stays missing."""

    def one(raw: object) -> str | None:
        if raw is None or (isinstance(raw, float) and pd.isna(raw)):
            return None
        message = f"{organisatiecode}:{str(raw).strip()}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    result = ids.map(one).astype(object)
    return result.where(result.notna(), None)
