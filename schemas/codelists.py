"""National code lists of the common model, loaded from `codelists.yaml` (the data)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr

from schemas.fields import field_codelists

CODELISTS_FILE = Path(__file__).with_name("codelists.yaml")

# Which code list each coded field of the Incident uses (from the field catalogue).
FIELD_CODELIST: dict[str, str] = field_codelists()


class Code(BaseModel):
    """One code of a national code list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    label: str
    description: str
    rank: int | None = None
    synonyms: tuple[str, ...] = ()


class CodeLists(BaseModel):
    """All national code lists, by name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    empty: tuple[str, ...] = ()
    beroepsgroep_by_org: dict[str, str] = {}
    lists: dict[str, tuple[Code, ...]]
    _tables: dict[str, dict[str, str | None]] = PrivateAttr(default_factory=dict)
    _meanings: dict[str, dict[str, str]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        """Two codes of one list may not share a folded name: a value must have one meaning."""
        for name in self.lists:
            seen: dict[str, str] = {}
            for code in self.lists[name]:
                for text in (code.code, code.label, *code.synonyms):
                    key = fold(text)
                    if seen.setdefault(key, code.code) != code.code:
                        raise ValueError(f"{name}: {text!r} names both {seen[key]} and {code.code}")
            self._tables[name] = {fold(e): None for e in self.empty} | seen

    def codes(self, name: str) -> tuple[str, ...]:
        """The codes of one list, in list order."""
        return tuple(c.code for c in self.lists[name])

    def for_field(self, field: str) -> tuple[str, ...]:
        """The codes allowed in a coded Incident field."""
        return self.codes(FIELD_CODELIST[field])

    def default_beroepsgroep(self, organisatiecode: str) -> str | None:
        """The beroepsgroep an organisation employs, by its code's prefix (None: not known)."""
        org = organisatiecode.upper()
        return next((b for p, b in self.beroepsgroep_by_org.items() if org.startswith(p)), None)

    def meaning(self, name: str, header: object) -> str | None:
        """The code a column header means (a tick-box column like `Fysieke agressie (lichamelijk)`
        or `Online/doxing`): punctuation, parentheses and generic words like agressie ignored."""
        if name not in self._meanings:  # built once per list (setdefault would build it each call)
            self._meanings[name] = _meanings(self.lookup(name))
        table = self._meanings[name]
        text = str(header)
        for candidate in (text, re.sub(r"\([^)]*\)", " ", text), re.sub(r"[()]", " ", text)):
            code = table.get(fold(candidate)) or table.get(_specific(candidate))
            if code:
                return code
        return None

    def list_for(self, codes: tuple[str, ...]) -> str | None:
        """The name of the list with exactly these codes (None when there is none)."""
        return next((n for n in self.lists if self.codes(n) == codes), None)

    def lookup(self, name: str) -> dict[str, str | None]:
        """Folded text → code for one list: codes, labels, synonyms; `empty` values → None."""
        return self._tables[name]

    def suggest(self, name: str, value: object, limit: int = 2) -> tuple[str, ...]:
        """The codes whose code, label or synonym is closest to a value (a hint, never a mapping)."""
        table = {k: v for k, v in self.lookup(name).items() if v is not None}
        close = difflib.get_close_matches(fold(value), list(table), n=8, cutoff=0.6)
        return tuple(dict.fromkeys(str(table[c]) for c in close))[:limit]

    def severity_rank(self) -> dict[str, int]:
        """Gedragstype code → severity rank (higher is more serious)."""
        return {c.code: int(c.rank or 0) for c in self.lists["gedragstype"]}


@cache
def load_codelists(path: Path = CODELISTS_FILE) -> CodeLists:
    """Read and validate the code lists file."""
    with path.open(encoding="utf-8") as handle:
        return CodeLists.model_validate(yaml.safe_load(handle))


def fold(text: object) -> str:
    """Text as code lists compare it: no accents, lower case, punctuation as spaces, one space."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w✓✔]+|_", " ", plain).split())


# Words a registration system puts around a category name in a column header.
GENERIC_WORDS = frozenset({"agressie", "incident", "incidenten", "soort", "type", "categorie",
                           "gedrag", "vorm", "ja", "nee", "j", "n"})  # fmt: skip


def _specific(text: object) -> str:
    """Folded text without GENERIC_WORDS."""
    return " ".join(w for w in fold(text).split() if w not in GENERIC_WORDS)


def _meanings(lookup: dict[str, str | None]) -> dict[str, str]:
    """Folded and generic-free names → code (names that mean nothing left out)."""
    table = {k: v for k, v in lookup.items() if v is not None}
    table |= {
        _specific(k): v for k, v in table.items() if _specific(k) and _specific(k) not in table
    }
    return table
