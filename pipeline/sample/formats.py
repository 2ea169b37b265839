"""The five source formats: file names, incident numbers and national record → source cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline.employers.template import Aanlevering
from pipeline.sample.model import (
    BRANDWEER,
    GIR,
    POLITIE,
    TEMPLATE,
    VENDOR_CSV,
    DeliveryFile,
    Incident,
)
from pipeline.sample.population import Reference
from schemas.fields import FieldName as F

Cells = dict[str, Any]

TEMPLATE_COLUMNS = (  # the national template's columns are the fields
    F.BRON_INCIDENTNUMMER,
    F.BEROEPSGROEP,
    F.INCIDENTDATUM,
    F.INCIDENTTIJD,
    F.REGISTRATIEDATUM,
    F.GEMEENTECODE_LOCATIE,
    F.GEDRAGSTYPEN,
    F.KANAAL,
    F.CONTEXT,
    F.WAPEN,
    F.AANTAL_DADERS,
    F.LETSEL,
    F.VERZUIM_DAGEN,
    F.MATERIELE_SCHADE,
    F.AANGIFTE,
    F.VPT_MARKERING,
    F.NAZORG_AANGEBODEN,
    F.MEDEWERKER_ID,
)
GIR_TICKS = {
    "Verbaal": "verbaal",
    "Bedreiging": "bedreiging",
    "Intimidatie": "intimidatie",
    "Seksuele intimidatie": "seksuele_intimidatie",
    "Discriminatie": "discriminatie",
    "Fysiek geweld": "fysiek_geweld",
    "Vernieling": "vernieling",
    "Doxing": "doxing",
    "Overig": "overig",
}
GIR_COLUMNS = (
    *("Meldingsnummer", "Datum voorval", "Tijdstip", "Datum melding", "Locatie"),
    *GIR_TICKS,
    *("Wijze", "Werkzaamheid", "Wapen gebruikt", "Materiële schade", "Aangifte gedaan"),
    *("VPT", "Nazorg", "Aantal daders", "Letsel", "Verzuim (dagen)", "Personeelsnummer"),
    "Omschrijving",
)
GIR_WIJZE = {
    "fysiek": "Persoonlijk contact",
    "telefonisch": "Telefoon",
    "schriftelijk": "Brief/e-mail",
    "online": "Social media",
    "onbekend": "Onbekend",
}
GIR_LETSEL = {
    "geen": "Geen letsel",
    "licht": "Licht letsel",
    "medisch": "Medische behandeling",
    "ernstig": "Ernstig letsel",
    "onbekend": "Onbekend",
}
NIET_VAN_TOEPASSING = "Niet van toepassing"
CSV_COLUMNS = (
    *("ID", "Datum", "Tijd", "Gemeld op", "Plaats CBS", "Gedrag", "Kanaal", "Situatie"),
    *("Wapen", "Daders", "Letsel", "Verzuimdagen", "Schade", "Aangifte", "VPT", "Nazorg"),
    *("Medewerker", "Toelichting"),
)
CSV_GEDRAG = {
    "verbaal": "VB",
    "bedreiging": "BD",
    "intimidatie": "IN",
    "seksuele_intimidatie": "SI",
    "discriminatie": "DI",
    "fysiek_geweld": "FG",
    "vernieling": "VN",
    "doxing": "DX",
    "overig": "OV",
}
CSV_KANAAL = {
    "fysiek": "F",
    "telefonisch": "T",
    "schriftelijk": "S",
    "online": "O",
    "onbekend": "?",
}
CSV_SITUATIE = {
    "handhaving": "HH",
    "aanhouding": "AH",
    "hulpverlening": "HV",
    "evenement": "EV",
    "verkeer": "VK",
    "overig": "OV",
    "onbekend": "ONB",
}
CSV_JANEE = {"ja": "J", "nee": "N", "onbekend": "O"}
CSV_LETSEL = {"geen": "0", "licht": "1", "medisch": "2", "ernstig": "3", "onbekend": "9"}
BRANDWEER_COLUMNS = (
    *("Incidentnr", "Datum", "Tijd", "Datum registratie", "Gemeente (CBS-code)"),
    *("Soort agressie", "Contactvorm", "Inzet", "Wapen", "Materiële schade", "Aangifte"),
    *("VPT-markering", "Nazorg aangeboden", "Aantal daders", "Letsel", "Verzuim"),
    "Medewerker (P-nr)",
)
BRANDWEER_GEDRAG = {
    "verbaal": "Verbale agressie",
    "bedreiging": "Bedreiging",
    "intimidatie": "Intimidatie",
    "seksuele_intimidatie": "Seksuele intimidatie",
    "discriminatie": "Discriminatie",
    "fysiek_geweld": "Fysiek geweld",
    "vernieling": "Vernieling",
    "doxing": "Doxing",
    "overig": "Anders",
}
BRANDWEER_INZET = {
    "evenement": "Evenement",
    "verkeer": "Verkeersongeval",
    "overig": "Overig",
    "onbekend": "Onbekend",
}
POLITIE_COLUMNS = (
    *("registratienummer", "pleegdatum", "pleegtijd", "registratiedatum", "gemeente_cbs"),
    *("feitcategorieen", "modus", "omstandigheid", "wapen", "schade", "aangifte", "vpt"),
    *("nazorg", "aantal_verdachten", "letsel", "verzuimdagen", "medewerker_id"),
    "mo_omschrijving",
)
POLITIE_FEIT = {
    "verbaal": "belediging",
    "bedreiging": "bedreiging",
    "intimidatie": "belaging",
    "discriminatie": "discriminatie",
    "vernieling": "vernieling",
    "seksuele_intimidatie": "seksuele_intimidatie",
    "doxing": "doxing",
    "overig": "overig",
}


@dataclass(frozen=True)
class SourceFormat:
    """How one profile names its files, numbers its incidents and spells its cells."""

    profiel: str
    extension: str
    first_row: int
    id_column: str
    columns: tuple[str, ...]
    base_name: Callable[[str, int, int], str]
    number: Callable[[str, int, int], str]
    to_cells: Callable[[Incident, DeliveryFile, Reference], Cells]

    def file_name(self, org: str, year: int, quarter: int, suffix: str = "") -> str:
        """Return the delivery's file name, with an optional suffix such as `_correctie`."""
        return f"{self.base_name(org, year, quarter)}{suffix}.{self.extension}"


def _label(mapping: dict[str, str], code: str | None) -> str | None:
    """Translate a national code with a source mapping; missing stays missing."""
    return None if code is None else mapping[code]


def _capital(code: str | None) -> str | None:
    """Return the code with a capital first letter (`ja` → `Ja`)."""
    return None if code is None else code.capitalize()


def _odd(incident: Incident) -> bool:
    """Return a stable coin flip per incident, so source spellings vary deterministically."""
    return sum(map(ord, incident.number)) % 2 == 1


def _dmy(day: date | None) -> str:
    """Format a date as `dd-mm-yyyy`; missing is empty."""
    return "" if day is None else day.strftime("%d-%m-%Y")


def _template_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident in the national template (legacy code kept for the own gemeente)."""
    cells: Cells = {name: incident.values.get(name) for name in TEMPLATE_COLUMNS}
    cells[F.BEROEPSGROEP] = delivery.organisation.beroep
    cells[F.GEDRAGSTYPEN] = ", ".join(incident[F.GEDRAGSTYPEN])
    if incident[F.GEMEENTECODE_LOCATIE] == delivery.organisation.code:
        cells[F.GEMEENTECODE_LOCATIE] = delivery.bron_code
    return cells


def template_aanlevering(delivery: DeliveryFile) -> Aanlevering:
    """Return what the template's Aanlevering sheet declares for the delivery (the source code
    as the organisation wrote it)."""
    org = delivery.organisation
    return Aanlevering(
        organisatiecode=delivery.bron_code,
        periode=delivery.periode,
        beroepsgroep=org.beroep,
        fte=org.fte,
        geen_incidenten=delivery.geen_incidenten,
    )


def _gir_janee(code: str | None, not_applicable: bool) -> str | None:
    """Spell a tri-state in the GIR; some missing values read `Niet van toepassing`."""
    if code is None:
        return NIET_VAN_TOEPASSING if not_applicable else None
    return code.capitalize()


def _gir_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident in the GIR gemeente export."""
    location = incident[F.GEMEENTECODE_LOCATIE]
    cells: Cells = {
        "Meldingsnummer": incident.number,
        "Datum voorval": incident[F.INCIDENTDATUM],
        "Tijdstip": incident[F.INCIDENTTIJD],
        "Datum melding": incident[F.REGISTRATIEDATUM],
        "Locatie": None if location is None else reference.gemeente(location).naam,
    }
    cells |= {
        col: "X" if code in incident[F.GEDRAGSTYPEN] else None for col, code in GIR_TICKS.items()
    }
    return cells | {
        "Wijze": _label(GIR_WIJZE, incident[F.KANAAL]),
        "Werkzaamheid": _capital(incident[F.CONTEXT]),
        "Wapen gebruikt": _gir_janee(incident[F.WAPEN], _odd(incident)),
        "Materiële schade": _gir_janee(incident[F.MATERIELE_SCHADE], False),
        "Aangifte gedaan": _gir_janee(incident[F.AANGIFTE], False),
        "VPT": _gir_janee(incident[F.VPT_MARKERING], incident[F.AANGIFTE] != "ja"),
        "Nazorg": _gir_janee(incident[F.NAZORG_AANGEBODEN], _odd(incident)),
        "Aantal daders": incident[F.AANTAL_DADERS],
        "Letsel": _label(GIR_LETSEL, incident[F.LETSEL]),
        "Verzuim (dagen)": incident[F.VERZUIM_DAGEN],
        "Personeelsnummer": incident[F.MEDEWERKER_ID],
        "Omschrijving": incident.omschrijving,
    }


def _csv_text(mapping: dict[str, str], code: str | None) -> str:
    """Translate a code for the CSV; missing is an empty string."""
    return "" if code is None else mapping[code]


def _csv_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident in the vendor CSV (all text)."""
    location = incident[F.GEMEENTECODE_LOCATIE]
    numbers = (incident[F.AANTAL_DADERS], incident[F.VERZUIM_DAGEN])
    daders, verzuim = ("" if value is None else str(value) for value in numbers)
    return {
        "ID": incident.number,
        "Datum": _dmy(incident[F.INCIDENTDATUM]),
        "Tijd": incident[F.INCIDENTTIJD] or "",
        "Gemeld op": _dmy(incident[F.REGISTRATIEDATUM]),
        "Plaats CBS": "" if location is None else reference.gemeente(location).nummer,
        "Gedrag": ",".join(CSV_GEDRAG[code] for code in incident[F.GEDRAGSTYPEN]),
        "Kanaal": _csv_text(CSV_KANAAL, incident[F.KANAAL]),
        "Situatie": _csv_text(CSV_SITUATIE, incident[F.CONTEXT]),
        "Wapen": _csv_text(CSV_JANEE, incident[F.WAPEN]),
        "Daders": daders,
        "Letsel": _csv_text(CSV_LETSEL, incident[F.LETSEL]),
        "Verzuimdagen": verzuim,
        "Schade": _csv_text(CSV_JANEE, incident[F.MATERIELE_SCHADE]),
        "Aangifte": _csv_text(CSV_JANEE, incident[F.AANGIFTE]),
        "VPT": _csv_text(CSV_JANEE, incident[F.VPT_MARKERING]),
        "Nazorg": _csv_text(CSV_JANEE, incident[F.NAZORG_AANGEBODEN]),
        "Medewerker": incident[F.MEDEWERKER_ID] or "",
        "Toelichting": incident.omschrijving,
    }


def _brandweer_inzet(incident: Incident) -> str | None:
    """Spell the context as a brandweer `Inzet`; hulpverlening is `Brand` or `Hulpverlening`."""
    if incident[F.CONTEXT] == "hulpverlening":
        return "Brand" if _odd(incident) else "Hulpverlening"
    return _label(BRANDWEER_INZET, incident[F.CONTEXT])


def _brandweer_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident in the brandweer export."""
    return {
        "Incidentnr": incident.number,
        "Datum": incident[F.INCIDENTDATUM],
        "Tijd": incident[F.INCIDENTTIJD],
        "Datum registratie": incident[F.REGISTRATIEDATUM],
        "Gemeente (CBS-code)": incident[F.GEMEENTECODE_LOCATIE],
        "Soort agressie": "; ".join(BRANDWEER_GEDRAG[code] for code in incident[F.GEDRAGSTYPEN]),
        "Contactvorm": _capital(incident[F.KANAAL]),
        "Inzet": _brandweer_inzet(incident),
        "Wapen": _capital(incident[F.WAPEN]),
        "Materiële schade": _capital(incident[F.MATERIELE_SCHADE]),
        "Aangifte": _capital(incident[F.AANGIFTE]),
        "VPT-markering": _capital(incident[F.VPT_MARKERING]),
        "Nazorg aangeboden": _capital(incident[F.NAZORG_AANGEBODEN]),
        "Aantal daders": incident[F.AANTAL_DADERS],
        "Letsel": _capital(incident[F.LETSEL]),
        "Verzuim": incident[F.VERZUIM_DAGEN],
        "Medewerker (P-nr)": incident[F.MEDEWERKER_ID],
    }


def _politie_feiten(incident: Incident) -> list[str]:
    """Spell the behaviour types as police offence categories."""
    feiten: list[str] = []
    for code in incident[F.GEDRAGSTYPEN]:
        if code != "fysiek_geweld":
            feiten.append(POLITIE_FEIT[code])
        elif incident[F.CONTEXT] != "aanhouding":
            feiten.append("mishandeling")
        else:
            feiten += (
                ["wederspannigheid", "mishandeling"] if _odd(incident) else ["wederspannigheid"]
            )
    return feiten


def _json_janee(code: str | None) -> bool | str | None:
    """Spell a tri-state for JSON: true/false/null or `onbekend`."""
    return {"ja": True, "nee": False, None: None}.get(code, code)


def _politie_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident as a police JSON object."""
    registered = incident[F.REGISTRATIEDATUM]
    return {
        "registratienummer": incident.number,
        "pleegdatum": incident[F.INCIDENTDATUM].isoformat(),
        "pleegtijd": incident[F.INCIDENTTIJD],
        "registratiedatum": None if registered is None else registered.isoformat(),
        "gemeente_cbs": incident[F.GEMEENTECODE_LOCATIE],
        "feitcategorieen": _politie_feiten(incident),
        "modus": incident[F.KANAAL],
        "omstandigheid": incident[F.CONTEXT],
        "wapen": _json_janee(incident[F.WAPEN]),
        "schade": _json_janee(incident[F.MATERIELE_SCHADE]),
        "aangifte": _json_janee(incident[F.AANGIFTE]),
        "vpt": _json_janee(incident[F.VPT_MARKERING]),
        "nazorg": _json_janee(incident[F.NAZORG_AANGEBODEN]),
        "aantal_verdachten": incident[F.AANTAL_DADERS],
        "letsel": incident[F.LETSEL],
        "verzuimdagen": incident[F.VERZUIM_DAGEN],
        "medewerker_id": incident[F.MEDEWERKER_ID],
        "mo_omschrijving": incident.omschrijving,
    }


FORMATS = {
    TEMPLATE: SourceFormat(
        TEMPLATE, "xlsx", 2, "bron_incidentnummer", TEMPLATE_COLUMNS,
        lambda org, year, q: f"{org}_{year}Q{q}",
        lambda org, year, n: f"{org}-{year}-{n:05d}",
        _template_cells,
    ),
    GIR: SourceFormat(
        GIR, "xlsx", 6, "Meldingsnummer", GIR_COLUMNS,
        lambda org, year, q: f"GIR_{org}_{year}-K{q}",
        lambda org, year, n: f"M{year}{n:05d}",
        _gir_cells,
    ),
    VENDOR_CSV: SourceFormat(
        VENDOR_CSV, "csv", 2, "ID", CSV_COLUMNS,
        lambda org, year, q: f"incidenten_{org}_{year}Q{q}",
        lambda org, year, n: f"INC-{year}-{n:06d}",
        _csv_cells,
    ),
    BRANDWEER: SourceFormat(
        BRANDWEER, "xlsx", 2, "Incidentnr", BRANDWEER_COLUMNS,
        lambda org, year, q: f"Brandweer_{org}_{year}_Q{q}",
        lambda org, year, n: f"BRW{org[2:]}-{year}-{n:05d}",
        _brandweer_cells,
    ),
    POLITIE: SourceFormat(
        POLITIE, "jsonl", 1, "registratienummer", POLITIE_COLUMNS,
        lambda org, year, q: f"{org}_{year}Q{q}",
        lambda org, year, n: f"PL{year}-{n:06d}",
        _politie_cells,
    ),
}  # fmt: skip
