"""API sources: one YAML file per registration system that exposes a REST API."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from connectors.config import load_yaml_item
from schemas.fields import ORGANISATIECODE_PATTERN

SOURCE_DIR = Path(__file__).parent


class SourceConfig(BaseModel):
    """How to pull one organisation's incidents from its registration system's API.

    The API returns the same objects as the lines of the named mapping profile's JSON-lines
    export, so mapping and checks are the profile's; this file only says where and how to pull.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    organisatiecode: Annotated[str, Field(pattern=ORGANISATIECODE_PATTERN)]
    profile: str  # id of an existing mapping profile (connectors/profiles/<id>.yaml)
    base_url: Annotated[str, Field(pattern=r"^https?://")]
    path: Annotated[str, Field(pattern=r"^/")]
    page_size: Annotated[int, Field(ge=1, le=10_000)] = 500
    token_env: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")]
    cursor_field: str = "gewijzigd_op"
    timeout_seconds: Annotated[float, Field(gt=0)] = 30.0
    max_retries: Annotated[int, Field(ge=0, le=10)] = 4
    backoff_seconds: Annotated[float, Field(ge=0)] = 1.0  # first wait; doubles per retry
    max_retry_after_seconds: Annotated[float, Field(ge=0)] = 300.0  # cap on a 429's Retry-After
    max_pages: Annotated[int, Field(ge=1)] = 10_000  # guard against a `next` link that loops

    @property
    def url(self) -> str:
        """The first page's address, without query parameters."""
        return self.base_url.rstrip("/") + self.path


def load_source_config(path: Path) -> SourceConfig:
    """Read and validate one source config; its id must equal its file name."""
    return load_yaml_item(path, SourceConfig, "API source")


@cache
def load_source_configs(directory: Path = SOURCE_DIR) -> tuple[SourceConfig, ...]:
    """Every API source config in a directory, sorted by id."""
    return tuple(load_source_config(p) for p in sorted(directory.glob("*.yaml")))
