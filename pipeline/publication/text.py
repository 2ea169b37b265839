"""The words and numbers of the national report, in Dutch: labels, number notation, the rules
behind the figures, footnotes per table and the key messages (kernboodschappen). No I/O, no HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

import pandas as pd

from pipeline.employers.quality_rules import DAYS_LATE_FOR_ZERO, KEY_FIELDS, LOCAL_TIME, WEIGHTS
from pipeline.publication.published import (
    CONTEXT,
    NAZORG,
    SUPPRESSED_MARK,
    ZWAARSTE,
    Publication,
    PublishedTable,
)
from schemas.codelists import load_codelists
from schemas.errors import PipelineError
from schemas.fields import FieldName
from schemas.vocabulary import ja_nee

TITLE = "Landelijke monitor agressie en geweld tegen hulpverleners"
# Mart columns named after national fields.
NOT_AVAILABLE_MARK, INCOMPLETE_MARK = ".", "*"
COVERAGE_COLUMNS = frozenset({"fte_pct", "organisaties_pct"})  # coverage itself is never hidden
DIMENSION_NUMBERS = frozenset({"jaar"})  # numeric columns that are dimensions, not figures
TEXT_COLUMNS = frozenset({"beroepsgroep", "veiligheidsregiocode", "veiligheidsregionaam", "naam",
                          "periode", "organisatiecode", "soort", "van", "naar", "gedragstype",
                          ZWAARSTE, CONTEXT})  # fmt: skip
CARD_FIGURES = ("incidenten", "per_1000_fte", "incidenten_per_1000_fte", "aangifte_pct",
                "letsel_pct", "met_letsel")  # fmt: skip
SHARE_COLUMNS = frozenset({"aandeel_foutloos", "aandeel_bekend", "tijdigheid"})  # 0–1, shown as %
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")  # fmt: skip
LABELS = {
    "beroepsgroep": "Beroepsgroep", "veiligheidsregiocode": "Regiocode", "naam": "Naam",
    "veiligheidsregionaam": "Veiligheidsregio", "periode": "Periode", "jaar": "Jaar",
    "gedragstype": "Gedragstype", ZWAARSTE: "Zwaarste gedragstype",
    "incidenten": "Incidenten", "met_aangifte": "Met aangifte", "aangifte_pct": "Met aangifte (%)",
    "vpt_pct": "Aangifte met VPT-markering (%)", "met_letsel": "Met letsel",
    FieldName.VERZUIM_DAGEN.value: "Verzuimdagen", "nazorg_pct": "Nazorg aangeboden (%)",
    "herhaald_slachtoffer": "Herhaald slachtoffer", "incidenten_per_1000_fte": "Per 1.000 fte",
    "fte_pct": "Dekking fte (%)", "organisaties_pct": "Dekking organisaties (%)",
    "volledig": "Volledig", "onder_drempel": "Onder drempel", "organisatiecode": "Organisatie",
    "gemiddelde_score": "Gemiddelde score", "laagste_score": "Laagste score",
    "kwartalen": "Kwartalen", "soort": "Soort breuk", "van": "Van", "naar": "Naar",
    "per_1000_fte": "Per 1.000 fte", "letsel_pct": "Met letsel (%)",
    "herhaald_slachtoffers": "Herhaald slachtoffer", "reeksbreuk": "Reeksbreuk",
    "gebiedcode": "Gebied", "gebiednaam": "Gebiedsnaam", "niveau": "Niveau",
    "periodetype": "Periodetype", "verandering_vorige_periode_pct": "Verandering (%)",
    "aandeel_foutloos": "Rijen zonder fouten (%)", "aandeel_bekend": "Kernvelden bekend (%)",
    "tijdigheid": "Tijdigheid (%)", "cijferstatus": "Voorlopig of definitief",
    CONTEXT: "Context", "aangifte_bekend": "Aangifte bekend",
    "aangifte_met_vpt": "Aangifte met VPT-markering", "vpt_bekend": "VPT-markering bekend",
    "letsel_bekend": "Letsel bekend", NAZORG: "Nazorg aangeboden",
    "nazorg_bekend": "Nazorg bekend",
}  # fmt: skip
CODED_COLUMNS = {"beroepsgroep": "beroepsgroep", "gedragstype": "gedragstype",
                 ZWAARSTE: "gedragstype", CONTEXT: CONTEXT}  # fmt: skip


class ReportError(PipelineError):
    """A publication cannot be rendered or written as a report (bad names, duplicate cells)."""


# ---------------------------------------------------------------- numbers and words (Dutch)


def format_number(value: Any, decimals: int = 0, percent: bool = False) -> str:
    """Dutch notation: 1.234 and 12,5 (and 12,5% when `percent`)."""
    text = f"{float(value):,.{decimals}f}".translate(str.maketrans(",.", ".,"))
    return text + ("%" if percent else "")


def column_label(column: str) -> str:
    """The Dutch column header for a column name."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def code_label(column: str, value: Any) -> str:
    """A national code as its Dutch label (politie → Politie); anything else as text."""
    if isinstance(value, bool):
        return ("volledig" if value else "onvolledig") if column == "volledig" else ja_nee(value)
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return _code_labels(CODED_COLUMNS.get(column, "")).get(str(value), str(value))


@cache
def _code_labels(codelist: str) -> dict[str, str]:
    lists = load_codelists().lists
    return {code.code: code.label for code in lists.get(codelist, ())}


def decimals_for(column: str, values: pd.Series) -> int:
    """Rates and percentages get one decimal; counts none (unless a value is fractional)."""
    if column.endswith("_pct") or "per_" in column or column in SHARE_COLUMNS:
        return 1
    figures = pd.to_numeric(values, errors="coerce").dropna()
    return 0 if bool((figures == figures.round()).all()) else 1


def column_format(column: str, values: pd.Series) -> tuple[int, bool, float]:
    """(decimals, percent sign, scale) to show a column: shares 0–1 become percentages."""
    share = column in SHARE_COLUMNS
    return decimals_for(column, values), share or column.endswith("_pct"), 100.0 if share else 1.0


def share_text(share: float) -> str:
    """A share 0–1 as a Dutch percentage without needless decimals: 0.6 → 60%."""
    percent = round(100 * share, 6)  # 0.07 * 100 is 7.000000000000001
    return format_number(percent, 0 if float(percent).is_integer() else 1, percent=True)


def generated_text(moment: dt.datetime) -> str:
    """29 november 2026, 19:37 (Dutch time)."""
    local = moment.astimezone(LOCAL_TIME) if moment.tzinfo else moment
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def perioden_text(perioden: Sequence[str]) -> str:
    """2025Q1 t/m 2025Q4."""
    return f"{perioden[0]} t/m {perioden[-1]}" if perioden else "geen perioden"


def rules_nl(publication: Publication) -> tuple[tuple[str, str], ...]:
    """The rules behind the figures, (heading, text): the report's and the workbook's Toelichting."""
    k, floor = publication.k, share_text(publication.coverage_floor)
    return (
        ("Kleine aantallen worden niet getoond",
         f"Om te voorkomen dat individuele hulpverleners herkenbaar worden, staat een aantal van "
         f"1 tot en met {k - 1} niet in de tabellen maar als '{SUPPRESSED_MARK}' (primaire "
         f"onderdrukking; de drempel k is {k}). Daarnaast worden zo nodig andere cellen in dezelfde "
         f"rij of kolom verborgen (secundaire onderdrukking), zodat een verborgen aantal niet uit "
         f"een totaal of uit de andere cellen is terug te rekenen. Een percentage of een cijfer "
         f"per 1.000 fte wordt ook verborgen als het een klein aantal zou verraden. Een 0 wordt "
         f"wel getoond. In CSV en Parquet is een verborgen cel leeg met de status 'verborgen'; "
         f"of een cel klein was of ter bescherming van een andere is verborgen, wordt niet "
         f"vermeld, want ook dat zou iets verraden."),
        ("Dekkingsdrempel",
         f"Een cijfer geldt alleen als volledig als de organisaties die hebben geleverd "
         f"(nulleveringen en organisaties waarvoor een ander levert tellen mee) samen ten minste "
         f"{floor} van de fte van de beroepsgroep vertegenwoordigen. Ligt de dekking onder de "
         f"drempel van {floor}, dan staat het cijfer er als 'onvolledig' ({INCOMPLETE_MARK}): het "
         f"is dan een ondergrens en geen landelijk totaal, en niet te vergelijken met andere "
         f"perioden."),
        ("Reeksbreuken",
         "Als een organisatie haar registratie wijzigt (bijvoorbeeld een ander "
         "registratiesysteem, een andere indeling of een gemeentelijke herindeling) zijn de "
         "cijfers voor en na die periode niet zonder meer vergelijkbaar. Het overzicht "
         "Reeksbreuken telt per kwartaal de organisaties met zo'n wijziging; welke organisaties "
         "het zijn, staat in het interne rapport voor de Taskforce."),
        ("Voorlopige en definitieve cijfers",
         "Een cijfer is voorlopig zolang de uiterste leverdatum van zijn kwartaal (bij een jaar: "
         "van het vierde kwartaal) niet voorbij is, of zolang nog niet elke verwachte werkgever "
         "geleverd heeft: een late levering of een correctie kan het dan nog veranderen. Daarna is "
         "het definitief. Elke publicatie wordt bewaard; het rapport noemt wat sinds de vorige "
         "publicatie veranderde en waarom."),
        ("Toedeling aan veiligheidsregio's",
         "Een incident telt mee in de veiligheidsregio van de gemeente waar het plaatsvond, "
         "volgens de huidige gemeentegrenzen (na herindelingen). Is de plaats niet bekend, dan "
         "telt het mee in de regio van de werkgever. Incidenten bij de politie zonder bekende "
         "plaats staan onder 'onbekend', omdat de Nationale Politie niet bij één regio hoort."),
        ("Periode",
         "De periode is het kwartaal van de levering: een incident telt mee in het kwartaal "
         "waarover de werkgever het aanleverde. Een jaarcijfer omvat de kwartalen van dat jaar."),
        ("Tekens",
         f"{SUPPRESSED_MARK} = verborgen (klein aantal of om een klein aantal te beschermen); "
         f"{INCOMPLETE_MARK} = onvolledig, dekking onder de drempel van {floor}; "
         f"{NOT_AVAILABLE_MARK} = niet te berekenen (bijvoorbeeld een percentage van nul)."),
    )  # fmt: skip


def quality_rule() -> tuple[str, str]:
    """How the quality score per delivery is made (for the internal report)."""
    weights = {key: share_text(value) for key, value in WEIGHTS.items()}
    return (
        "Kwaliteitsscore",
         f"Elke levering krijgt een score van 0 tot 100: {weights['aandeel_foutloos']} het "
         f"aandeel rijen zonder fouten, {weights['aandeel_bekend']} het aandeel bekende "
         f"kernvelden ({', '.join(KEY_FIELDS)}) en {weights['tijdigheid']} tijdigheid (volledig "
         f"bij levering op tijd, aflopend tot 0 bij {DAYS_LATE_FOR_ZERO} dagen te laat). Een "
         f"afgekeurde levering scoort 0.",
    )  # fmt: skip


DEFINITIONS = {
    "incidenten": "incidenten: aantal geregistreerde incidenten van agressie en geweld",
    "per_1000_fte": "per 1.000 fte: incidenten per 1.000 fte van de werkgevers die leverden",
    "aangifte_pct": "met aangifte (%): van de incidenten waarvan het bekend is",
    "vpt_pct": "VPT-markering (%): van de aangiftes waarvan de markering bekend is",
    "letsel_pct": "met letsel (%): licht, medisch of ernstig, van de incidenten met bekend letsel",
    "nazorg_pct": "nazorg (%): nazorg aangeboden, van de incidenten waarvan het bekend is",
    "met_aangifte": "met aangifte, aangifte bekend: de aantallen achter het aangiftepercentage "
    "(teller en noemer)",
    "aangifte_met_vpt": "aangifte met VPT-markering, VPT-markering bekend: teller en noemer van "
    "het VPT-percentage",
    "met_letsel": "met letsel, letsel bekend: teller en noemer van het letselpercentage",
    NAZORG: "nazorg aangeboden, nazorg bekend: teller en noemer van het nazorgpercentage",
    "fte_pct": "dekking fte (%): aandeel fte van de verwachte werkgevers dat leverde",
    "organisaties_pct": "dekking organisaties (%): aandeel verwachte werkgevers dat leverde",
    "verandering_vorige_periode_pct": "verandering (%): ten opzichte van de vorige periode",
    "organisaties": "organisaties: aantal organisaties met een reeksbreuk",
}


def table_footnote(table: PublishedTable) -> str:
    """Definitions of the table's figures and the marks used, as one Dutch footnote."""
    found = [DEFINITIONS[c] for c in table.value_columns if c in DEFINITIONS]
    marks = (f"{SUPPRESSED_MARK} = verborgen; {INCOMPLETE_MARK} = onvolledig (dekking onder de "
             f"drempel); {NOT_AVAILABLE_MARK} = niet te berekenen, of niet gepubliceerd (percentages "
             f"per veiligheidsregio alleen per jaar).")  # fmt: skip
    return ("Definities: " + "; ".join(found) + ". " if found else "") + marks
