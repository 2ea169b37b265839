"""National code lists of the common model, loaded from `codelists.yaml` (the data)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

CODELISTS_FILE = Path(__file__).with_name("codelists.yaml")

# Which code list each coded field of the Incident uses.
FIELD_CODELIST: dict[str, str] = {
    "beroepsgroep": "beroepsgroep",
    "gedragstypen": "gedragstype",
    "zwaarste_gedragstype": "gedragstype",
    "kanaal": "kanaal",
    "context": "context",
    "wapen": "janee",
    "letsel": "letsel",
    "materiele_schade": "janee",
    "aangifte": "janee",
    "vpt_markering": "janee",
    "nazorg_aangeboden": "janee",
}


class Code(BaseModel):
    """One code of a national code list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    label: str
    description: str
    rank: int | None = None


class CodeLists(BaseModel):
    """All national code lists, by name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    lists: dict[str, tuple[Code, ...]]

    def codes(self, name: str) -> tuple[str, ...]:
        """The codes of one list, in list order."""
        return tuple(c.code for c in self.lists[name])

    def for_field(self, field: str) -> tuple[str, ...]:
        """The codes allowed in a coded Incident field."""
        return self.codes(FIELD_CODELIST[field])

    def severity_rank(self) -> dict[str, int]:
        """Gedragstype code → severity rank (higher is more serious)."""
        return {c.code: int(c.rank or 0) for c in self.lists["gedragstype"]}


@cache
def load_codelists(path: Path = CODELISTS_FILE) -> CodeLists:
    """Read and validate the code lists file."""
    with path.open(encoding="utf-8") as handle:
        return CodeLists.model_validate(yaml.safe_load(handle))
