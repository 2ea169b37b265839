"""Export the national standard: JSON Schema of the models, the field catalogue, code lists and
the edit catalogue."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from schemas.codelists import load_codelists
from schemas.edits import EDIT_CATALOGUE_VERSION, EDITS
from schemas.fields import CATALOGUE, FieldSpec
from schemas.incident import SCHEMA_VERSION, Delivery, Incident, Organisation
from schemas.profile import MappingProfile


def export_standard() -> dict[str, Any]:
    """One document with everything an employer or vendor needs to build a delivery."""
    codelists = load_codelists()
    return {
        "schema_version": SCHEMA_VERSION,
        "models": {
            "Incident": Incident.model_json_schema(),
            "Delivery": Delivery.model_json_schema(),
            "Organisation": Organisation.model_json_schema(),
            "MappingProfile": MappingProfile.model_json_schema(),
        },
        "velden": [export_field(spec) for spec in CATALOGUE],
        "codelijsten": {
            "versie": codelists.version,
            "lijsten": {
                name: [c.model_dump(exclude_none=True) for c in codes]
                for name, codes in codelists.lists.items()
            },
        },
        "controles": {
            "versie": EDIT_CATALOGUE_VERSION,
            "lijst": [e.model_dump(mode="json") for e in EDITS.values()],
        },
    }


def export_field(spec: FieldSpec) -> dict[str, Any]:
    """One catalogue entry as JSON data: what it holds, where it comes from, how it is checked."""
    data = asdict(spec) | {"mappable": spec.mappable, "stored": spec.stored,
                           "duckdb_type": spec.duckdb_type}  # fmt: skip
    return {key: str(value) if key in ("kind", "origin", "earliest") else value
            for key, value in data.items() if value is not None}  # fmt: skip
