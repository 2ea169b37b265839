"""The shared words: values and statuses that several stages write or read, each once.

Dutch, because employers and analysts read them: the unknown value of the code lists, yes and
no with the spellings that mean yes, what a delivery's ledger status is called, and the status
of a published cell.
"""

from __future__ import annotations

ONBEKEND = "onbekend"  # the "unknown" code of every code list that has one
JA, NEE = "ja", "nee"
# Spellings that mean yes in a source (a tick-box cell, a nil-return flag), besides "ja" itself.
YES_SPELLINGS = frozenset({"j", "x", "waar", "1", "✓", "✔", "yes", "y", "true"})
NO_SPELLINGS = frozenset({"n", "onwaar", "0", "no", "false"})

# What a delivery's ledger status (schemas.incident.DeliveryStatus) is called for a reader.
STATUS_NL = {"loaded": "geladen", "rejected": "afgekeurd", "superseded": "vervangen",
             "checked": "gecontroleerd (niet aangeleverd)"}  # fmt: skip

# The status of a published cell (disclosure control, DESIGN §8).
PUBLISHED = "gepubliceerd"
PRIMARY = "primair"  # hidden: the count itself is small
SECONDARY = "secundair"  # hidden: it would give away a primary cell
NOT_PUBLISHED = "niet_gepubliceerd"  # by design (a regional rate per quarter), not suppressed
SUPPRESSED = "onderdrukt"  # hidden, in a table derived from a protected one
INCOMPLETE = "onvolledig"  # coverage below the floor
SUPPRESSED_STATUSES = frozenset({"verborgen", PRIMARY, SECONDARY, SUPPRESSED})


def is_yes(text: object) -> bool:
    """True for "ja" and every spelling of yes, whatever the case and surrounding space."""
    value = str(text).strip().lower()
    return value == JA or value in YES_SPELLINGS


def ja_nee(value: bool) -> str:
    """A truth value as the reader reads it: ja or nee."""
    return JA if value else NEE
