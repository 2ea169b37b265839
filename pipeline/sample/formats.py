"""The five source formats: file names, incident numbers and national record → source cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

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

Cells = dict[str, Any]

TEMPLATE_COLUMNS = (
    "bron_incidentnummer",
    "beroepsgroep",
    "incidentdatum",
    "incidenttijd",
    "registratiedatum",
    "gemeentecode_locatie",
    "gedragstypen",
    "kanaal",
    "context",
    "wapen",
    "aantal_daders",
    "letsel",
    "verzuim_dagen",
    "materiele_schade",
    "aangifte",
    "vpt_markering",
    "nazorg_aangeboden",
    "medewerker_id",
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
    return sum(map(ord, incident.bron_incidentnummer)) % 2 == 1


def _dmy(day: date | None) -> str:
    """Format a date as `dd-mm-yyyy`; missing is empty."""
    return "" if day is None else day.strftime("%d-%m-%Y")


def _template_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident in the national template (legacy code kept for the own gemeente)."""
    cells: Cells = {name: getattr(incident, name, None) for name in TEMPLATE_COLUMNS}
    cells["beroepsgroep"] = delivery.organisation.beroepsgroep
    cells["gedragstypen"] = ", ".join(incident.gedragstypen)
    if incident.gemeentecode_locatie == delivery.organisation.code:
        cells["gemeentecode_locatie"] = delivery.bron_code
    return cells


def _gir_janee(code: str | None, not_applicable: bool) -> str | None:
    """Spell a tri-state in the GIR; some missing values read `Niet van toepassing`."""
    if code is None:
        return NIET_VAN_TOEPASSING if not_applicable else None
    return code.capitalize()


def _gir_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident in the GIR gemeente export."""
    location = incident.gemeentecode_locatie
    cells: Cells = {
        "Meldingsnummer": incident.bron_incidentnummer,
        "Datum voorval": incident.incidentdatum,
        "Tijdstip": incident.incidenttijd,
        "Datum melding": incident.registratiedatum,
        "Locatie": None if location is None else reference.gemeente(location).naam,
    }
    cells |= {
        col: "X" if code in incident.gedragstypen else None for col, code in GIR_TICKS.items()
    }
    return cells | {
        "Wijze": _label(GIR_WIJZE, incident.kanaal),
        "Werkzaamheid": _capital(incident.context),
        "Wapen gebruikt": _gir_janee(incident.wapen, _odd(incident)),
        "Materiële schade": _gir_janee(incident.materiele_schade, False),
        "Aangifte gedaan": _gir_janee(incident.aangifte, False),
        "VPT": _gir_janee(incident.vpt_markering, incident.aangifte != "ja"),
        "Nazorg": _gir_janee(incident.nazorg_aangeboden, _odd(incident)),
        "Aantal daders": incident.aantal_daders,
        "Letsel": _label(GIR_LETSEL, incident.letsel),
        "Verzuim (dagen)": incident.verzuim_dagen,
        "Personeelsnummer": incident.medewerker_id,
        "Omschrijving": incident.omschrijving,
    }


def _csv_text(mapping: dict[str, str], code: str | None) -> str:
    """Translate a code for the CSV; missing is an empty string."""
    return "" if code is None else mapping[code]


def _csv_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident in the vendor CSV (all text)."""
    location = incident.gemeentecode_locatie
    numbers = (incident.aantal_daders, incident.verzuim_dagen)
    daders, verzuim = ("" if value is None else str(value) for value in numbers)
    return {
        "ID": incident.bron_incidentnummer,
        "Datum": _dmy(incident.incidentdatum),
        "Tijd": incident.incidenttijd or "",
        "Gemeld op": _dmy(incident.registratiedatum),
        "Plaats CBS": "" if location is None else reference.gemeente(location).nummer,
        "Gedrag": ",".join(CSV_GEDRAG[code] for code in incident.gedragstypen),
        "Kanaal": _csv_text(CSV_KANAAL, incident.kanaal),
        "Situatie": _csv_text(CSV_SITUATIE, incident.context),
        "Wapen": _csv_text(CSV_JANEE, incident.wapen),
        "Daders": daders,
        "Letsel": _csv_text(CSV_LETSEL, incident.letsel),
        "Verzuimdagen": verzuim,
        "Schade": _csv_text(CSV_JANEE, incident.materiele_schade),
        "Aangifte": _csv_text(CSV_JANEE, incident.aangifte),
        "VPT": _csv_text(CSV_JANEE, incident.vpt_markering),
        "Nazorg": _csv_text(CSV_JANEE, incident.nazorg_aangeboden),
        "Medewerker": incident.medewerker_id or "",
        "Toelichting": incident.omschrijving,
    }


def _brandweer_inzet(incident: Incident) -> str | None:
    """Spell the context as a brandweer `Inzet`; hulpverlening is `Brand` or `Hulpverlening`."""
    if incident.context == "hulpverlening":
        return "Brand" if _odd(incident) else "Hulpverlening"
    return _label(BRANDWEER_INZET, incident.context)


def _brandweer_cells(incident: Incident, delivery: DeliveryFile, reference: Reference) -> Cells:
    """Spell an incident in the brandweer export."""
    return {
        "Incidentnr": incident.bron_incidentnummer,
        "Datum": incident.incidentdatum,
        "Tijd": incident.incidenttijd,
        "Datum registratie": incident.registratiedatum,
        "Gemeente (CBS-code)": incident.gemeentecode_locatie,
        "Soort agressie": "; ".join(BRANDWEER_GEDRAG[code] for code in incident.gedragstypen),
        "Contactvorm": _capital(incident.kanaal),
        "Inzet": _brandweer_inzet(incident),
        "Wapen": _capital(incident.wapen),
        "Materiële schade": _capital(incident.materiele_schade),
        "Aangifte": _capital(incident.aangifte),
        "VPT-markering": _capital(incident.vpt_markering),
        "Nazorg aangeboden": _capital(incident.nazorg_aangeboden),
        "Aantal daders": incident.aantal_daders,
        "Letsel": _capital(incident.letsel),
        "Verzuim": incident.verzuim_dagen,
        "Medewerker (P-nr)": incident.medewerker_id,
    }


def _politie_feiten(incident: Incident) -> list[str]:
    """Spell the behaviour types as police offence categories."""
    feiten: list[str] = []
    for code in incident.gedragstypen:
        if code != "fysiek_geweld":
            feiten.append(POLITIE_FEIT[code])
        elif incident.context != "aanhouding":
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
    registered = incident.registratiedatum
    return {
        "registratienummer": incident.bron_incidentnummer,
        "pleegdatum": incident.incidentdatum.isoformat(),
        "pleegtijd": incident.incidenttijd,
        "registratiedatum": None if registered is None else registered.isoformat(),
        "gemeente_cbs": incident.gemeentecode_locatie,
        "feitcategorieen": _politie_feiten(incident),
        "modus": incident.kanaal,
        "omstandigheid": incident.context,
        "wapen": _json_janee(incident.wapen),
        "schade": _json_janee(incident.materiele_schade),
        "aangifte": _json_janee(incident.aangifte),
        "vpt": _json_janee(incident.vpt_markering),
        "nazorg": _json_janee(incident.nazorg_aangeboden),
        "aantal_verdachten": incident.aantal_daders,
        "letsel": incident.letsel,
        "verzuimdagen": incident.verzuim_dagen,
        "medewerker_id": incident.medewerker_id,
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
