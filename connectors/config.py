"""Configuration as data: YAML files read into pydantic models, one item per file."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from schemas.errors import ProfileError

Item = TypeVar("Item", bound=BaseModel)


def load_yaml_item(path: Path, model: type[Item], what: str) -> Item:
    """Read and validate one YAML file; the item's `id` must equal the file name."""
    try:
        item = model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ProfileError(f"{what} {path.name}: {exc}") from exc
    item_id = getattr(item, "id", None)
    if item_id != path.stem:
        raise ProfileError(f"{what} {path.name}: id {item_id!r} differs from the file name")
    return item
