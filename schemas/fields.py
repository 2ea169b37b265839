"""The national field catalogue (DESIGN §4): every field of the common model, once.

Everything else that names a national field — the pydantic model, the DDL of `core.incident`,
the warehouse's column lists, the template, the data dictionary, the JSON Schema, the mapping
profiles and the sample generator — takes the name from here.
"""

from __future__ import annotations

from enum import StrEnum


class FieldName(StrEnum):
    """The name of every national field (and `medewerker_id`, the source's employee id that
    ingest turns into `medewerker_pseudoniem`)."""

    ORGANISATIECODE = "organisatiecode"
    BEROEPSGROEP = "beroepsgroep"
    BRON_INCIDENTNUMMER = "bron_incidentnummer"
    INCIDENTDATUM = "incidentdatum"
    INCIDENTTIJD = "incidenttijd"
    REGISTRATIEDATUM = "registratiedatum"
    GEMEENTECODE_LOCATIE = "gemeentecode_locatie"
    GEDRAGSTYPEN = "gedragstypen"
    ZWAARSTE_GEDRAGSTYPE = "zwaarste_gedragstype"
    KANAAL = "kanaal"
    CONTEXT = "context"
    WAPEN = "wapen"
    AANTAL_DADERS = "aantal_daders"
    LETSEL = "letsel"
    VERZUIM_DAGEN = "verzuim_dagen"
    MATERIELE_SCHADE = "materiele_schade"
    AANGIFTE = "aangifte"
    VPT_MARKERING = "vpt_markering"
    NAZORG_AANGEBODEN = "nazorg_aangeboden"
    MEDEWERKER_PSEUDONIEM = "medewerker_pseudoniem"
    MEDEWERKER_ID = "medewerker_id"
