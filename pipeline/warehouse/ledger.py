"""The ledger of deliveries (`ops.delivery`): what one delivery contributes, and how a batch of
deliveries supersedes earlier ones. Pure Python; `pipeline.warehouse.store` writes it to DuckDB.

A newer delivery (received later) for the same organisation and period supersedes the loaded
one, in the warehouse or earlier in the same batch; an older one arrives superseded. The plan
gives each delivery its status on arrival and its final status in the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from schemas.codelists import load_codelists

Current = dict[tuple[str | None, str | None], tuple[int, dt.datetime]]  # loaded per org-period


@dataclass(frozen=True)
class LedgerEntry:
    """One delivery as it goes into `ops.delivery`."""

    organisatiecode: str | None
    organisatiecode_bron: str
    periode: str | None
    profile_id: str | None
    profile_version: int | None
    bronbestand: str
    sha256: str
    size_bytes: int
    received_at: dt.datetime
    geen_incidenten: bool
    rows_in: int
    rows_loaded: int
    rows_rejected: int
    rows_warned: int
    rejected: bool
    codelijst_versie: int = field(default_factory=lambda: load_codelists().version)
    voorlopig: bool = False  # the running quarter: figures are provisional


REPLACE_PERIOD = "vervang_periode"  # a file: the organisation's whole period, superseding
UPSERT_INCIDENTS = "werk_incidenten_bij"  # an API pull: changed incidents, by incident number


class FteRow(NamedTuple):
    """One beroepsgroep's FTE as a delivery carries it (declared in it, or from the reference):
    a plain tuple, not a frame of its own — a delivery's few rows cost ~5 µs to build and pickle
    instead of ~0.4 ms, and a load builds one frame of every delivery's rows (`with_ids`)."""

    beroepsgroep: str
    fte: float
    bron: str


@dataclass(frozen=True)
class DeliveryLoad:
    """One delivery as it goes into the warehouse: its ledger entry, its frames and what it
    does to what is there (its disposition)."""

    entry: LedgerEntry
    incidents: pd.DataFrame
    edits: pd.DataFrame
    dq: pd.DataFrame
    fte: pd.DataFrame | tuple[FteRow, ...]
    quality: pd.DataFrame | dict[str, object] | None = None  # its row of ops.delivery_kwaliteit
    disposition: str = REPLACE_PERIOD
    cursor: tuple[str, str | None] | None = None  # an API source and how far this pull reached


@dataclass
class Plan:
    """What loading a batch does to the ledger: statuses on arrival and supersessions."""

    arrival: list[str] = field(default_factory=list)  # per delivery of the batch
    final: dict[int, str] = field(default_factory=dict)  # batch deliveries superseded at once
    superseded_by: dict[int, int] = field(default_factory=dict)
    withdrawn: dict[int, int] = field(default_factory=dict)  # warehouse delivery -> its successor


LEDGER_ENTRY_FIELDS = (
    "organisatiecode", "organisatiecode_bron", "periode", "profile_id", "profile_version",
    "bronbestand", "sha256", "size_bytes", "received_at", "geen_incidenten", "rows_in",
    "rows_loaded", "rows_rejected", "rows_warned", "codelijst_versie", "voorlopig",
)  # fmt: skip


def with_ids(
    frames: Sequence[pd.DataFrame | dict[str, object] | tuple[FteRow, ...] | None],
    ids: Sequence[int],
) -> pd.DataFrame:
    """The non-empty frames as one, each row with the delivery id of its frame (a dict is one
    row, a tuple of named tuples a delivery's rows: a batch of them becomes one frame at once)."""
    if frames and all(isinstance(f, dict) for f in frames):
        rows = pd.DataFrame([f for f in frames if isinstance(f, dict)])
        return rows.assign(delivery_id=np.asarray(ids, dtype="int64"))
    if frames and all(isinstance(f, tuple) for f in frames):
        return _rows_with_ids([f for f in frames if isinstance(f, tuple)], ids)
    frames = [_as_frame(f) for f in frames]
    kept = [(f, d) for f, d in zip(frames, ids, strict=True) if f is not None and len(f)]
    if not kept:
        return pd.DataFrame()
    out = pd.concat([f for f, _ in kept], ignore_index=True)  # one concat, then the ids at once
    out["delivery_id"] = np.repeat(np.array([d for _, d in kept], dtype="int64"),
                                   [len(f) for f, _ in kept])  # fmt: skip
    return out


def _rows_with_ids(deliveries: Sequence[tuple[FteRow, ...]], ids: Sequence[int]) -> pd.DataFrame:
    """Every delivery's rows as one frame, each with its delivery's id."""
    rows = [row for delivery in deliveries for row in delivery]
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame(rows, columns=list(type(rows[0])._fields))
    sizes = [len(delivery) for delivery in deliveries]
    out["delivery_id"] = np.repeat(np.asarray(ids, dtype="int64"), sizes)
    return out


def _as_frame(
    rows: pd.DataFrame | dict[str, object] | tuple[FteRow, ...] | None,
) -> pd.DataFrame | None:
    """One delivery's rows as a frame (a batch that mixes frames, dicts and tuples)."""
    if isinstance(rows, dict):
        return pd.DataFrame([rows])
    if isinstance(rows, tuple):
        return pd.DataFrame(list(rows), columns=list(FteRow._fields))
    return rows


def plan_supersession(entries: Sequence[LedgerEntry], ids: Sequence[int], current: Current,
                      upserts: Sequence[bool] | None = None) -> Plan:  # fmt: skip
    """Statuses for a batch loaded in order, given the loaded delivery per organisation and
    period in the warehouse (`current`, changed in place). A delivery that upserts incidents
    (`upserts`, an API pull) supersedes nothing and is never superseded."""
    in_warehouse = {delivery_id for delivery_id, _ in current.values()}
    plan = Plan()
    for i, (entry, delivery_id) in enumerate(zip(entries, ids, strict=True)):
        key = (entry.organisatiecode, entry.periode)
        now = current.get(key) if None not in key else None
        if entry.rejected:
            plan.arrival.append("rejected")
        elif upserts is not None and upserts[i]:
            plan.arrival.append("loaded")
        elif now is not None and now[1] > entry.received_at:
            plan.arrival.append("superseded")
            plan.final[delivery_id] = "superseded"
            plan.superseded_by[delivery_id] = now[0]
        else:
            plan.arrival.append("loaded")
            if now is not None and now[0] in in_warehouse:
                plan.withdrawn[now[0]] = delivery_id
            elif now is not None:
                plan.final[now[0]] = "superseded"
                plan.superseded_by[now[0]] = delivery_id
            if None not in key:
                current[key] = (delivery_id, entry.received_at)
    return plan


def ledger_rows(entries: Sequence[LedgerEntry], ids: Sequence[int], plan: Plan,
                run_id: int) -> pd.DataFrame:  # fmt: skip
    """The ledger rows of a batch with their final status (the warehouse adds loaded_at)."""
    return pd.DataFrame([
        {**{k: getattr(entry, k) for k in LEDGER_ENTRY_FIELDS}, "delivery_id": d,
         "run_id": run_id, "status": plan.final.get(d, plan.arrival[i]),
         "superseded_by": plan.superseded_by.get(d)}
        for i, (entry, d) in enumerate(zip(entries, ids, strict=True))
    ]).astype({"superseded_by": "Int64", "profile_version": "Int64"})  # fmt: skip
