"""The codes of the numbered edits (DESIGN §6), on their own so that the field catalogue can name
them without importing the registry (`schemas.edits`) that names the fields."""

from __future__ import annotations

from enum import StrEnum


class EditCode(StrEnum):
    """The code of every numbered edit: S structure, E error in a field, W warning."""

    S01 = "S01"
    S02 = "S02"
    S03 = "S03"
    S04 = "S04"
    S05 = "S05"
    E01 = "E01"
    E02 = "E02"
    E03 = "E03"
    E04 = "E04"
    E05 = "E05"
    E06 = "E06"
    W01 = "W01"
    W02 = "W02"
    W03 = "W03"
    W04 = "W04"
    W05 = "W05"
    W06 = "W06"
    W07 = "W07"
    W08 = "W08"
    W09 = "W09"
