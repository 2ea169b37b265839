"""Mapping profiles: one YAML file per source kind, validated when it loads."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from connectors.config import load_yaml_item
from schemas.errors import ProfileError
from schemas.profile import MappingProfile

PROFILE_DIR = Path(__file__).parent


def load_profile(path: Path) -> MappingProfile:
    """Read and validate one profile; its id must equal its file name."""
    return load_yaml_item(path, MappingProfile, "profile")


@cache
def load_profiles(directory: Path = PROFILE_DIR) -> tuple[MappingProfile, ...]:
    """Every profile in a directory, sorted by id."""
    return tuple(load_profile(p) for p in sorted(directory.glob("*.yaml")))


def match_profile(file_name: str, profiles: tuple[MappingProfile, ...]) -> MappingProfile | None:
    """The one profile whose file pattern matches the file name (None when none does)."""
    hits = [p for p in profiles if re.match(p.file_pattern, file_name, flags=re.IGNORECASE)]
    if len(hits) > 1:
        raise ProfileError(f"{file_name}: several profiles match: {[p.id for p in hits]}")
    return hits[0] if hits else None
