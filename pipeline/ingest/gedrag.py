"""The most serious gedragstype of each incident: by the code list's severity rank (DESIGN §5,
`zwaarste_gedragstype`), for CBS-style "most serious" counts."""

from __future__ import annotations

import pandas as pd

from schemas.codelists import load_codelists
from schemas.guard import distinct_objects


def most_serious(lists: pd.Series) -> pd.Series:
    """The most serious gedragstype: the code with the highest severity rank in each list.
    Once per list object: rows with the same source text share one (`on_distinct`)."""
    positions, distinct = distinct_objects(lists.to_numpy())
    if not positions:
        return _most_serious(lists)
    top = _most_serious(pd.Series(distinct, dtype=object)).to_numpy()
    return pd.Series(top[positions], index=lists.index, dtype=object)


def _most_serious(lists: pd.Series) -> pd.Series:
    rank = load_codelists().severity_rank()
    exploded = lists.explode().dropna()
    ranked = pd.DataFrame({"code": exploded, "rank": exploded.map(rank)})
    top = (
        ranked.sort_values("rank", ascending=False, kind="stable").groupby(level=0)["code"].first()
    )
    return top.reindex(lists.index).astype(object).where(lambda s: s.notna(), None)
