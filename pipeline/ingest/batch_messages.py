"""Dutch texts of the batch checks: skip reasons, thresholds, observed values and messages.

Pure functions of a check (from the catalogue in `batch_checks.yaml`) and GX's result dict; the
caller (`pipeline.ingest.batch`) runs the checks and stores the texts in `ops.dq_result`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pipeline.ingest.batch_catalogue import (
    MIN_HISTORY_DELIVERIES,
    MIN_ROWS_FOR_SHARE_CHECKS,
    NOT_IN_SET,
    NOT_NULL,
    ROW_COUNT,
    UNIQUE_COUNT,
    BatchCheck,
    Bounds,
)
from schemas.fields import FieldName


def skip_reason(check: BatchCheck, rows: int, earlier: Sequence[int]) -> str | None:
    """Why a check does not run on this delivery (a Dutch clause), or None when it runs."""
    if rows == 0:
        return "de levering geen incidenten bevat (nulmelding)"
    if check.expectation == ROW_COUNT and len(earlier) < MIN_HISTORY_DELIVERIES:
        return (
            f"er nog minder dan {MIN_HISTORY_DELIVERIES} eerdere leveringen met incidenten van "
            "deze organisatie zijn"
        )
    if check.expectation != ROW_COUNT and rows < MIN_ROWS_FOR_SHARE_CHECKS:
        return f"de levering minder dan {MIN_ROWS_FOR_SHARE_CHECKS} incidenten bevat"
    return None


def skipped_message(check: BatchCheck, reason: str) -> str:
    """The message of a check that did not run, given why (a Dutch clause)."""
    return f"{check.title_nl}: niet gecontroleerd, omdat {reason}."


def error_message(check: BatchCheck) -> str:
    """The message of a check that GX could not evaluate."""
    return (
        f"{check.title_nl}: niet gecontroleerd door een technische fout bij de landelijke "
        "monitor; u hoeft niets te doen."
    )


def threshold_text(check: BatchCheck, bounds: Bounds | None) -> str:
    """The threshold of a check as stored in ops.dq_result."""
    if check.expectation == NOT_NULL:
        return f"minstens {pct(check.threshold)} ingevuld"
    if check.expectation == NOT_IN_SET:
        return f"hoogstens {pct(check.threshold)} onbekend"
    if check.expectation == ROW_COUNT:
        if bounds is None:
            factor = number(check.threshold)
            return f"tussen gemiddelde / {factor} en gemiddelde × {factor} incidenten"
        return f"tussen {bounds[1]} en {bounds[2]} incidenten"
    return f"minstens {int(check.threshold)} verschillende dagen"


def describe(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: Bounds | None
) -> tuple[str, str]:
    """Observed value and Dutch message of one evaluated check."""
    return _DESCRIBE[check.expectation](check, result, success, bounds)


def number(value: float) -> str:
    """A number in Dutch notation with at most one decimal: 11.0 → '11', 2.75 → '2,8'."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}".replace(".", ",")


def pct(share: float) -> str:
    """A share as a Dutch percentage: 0.8 → '80%', 0.025 → '2,5%'; never '100%' below 1."""
    return f"{number(min(share * 100, 99.9) if share < 1 else share * 100)}%"


def _share_of_incidents(share: float) -> str:
    """'alle incidenten' or 'minstens 80% van de incidenten'."""
    return "alle incidenten" if share >= 1 else f"minstens {pct(share)} van de incidenten"


def _describe_not_null(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: object
) -> tuple[str, str]:
    """Observed value and message of a completeness check (B01)."""
    rows, missing = int(result["element_count"]), int(result["unexpected_count"])
    filled = rows - missing
    observed = f"{filled} van {rows} ingevuld ({pct(filled / rows)})"
    if success:
        return (
            observed,
            f"Het veld '{check.column}' is bij {filled} van de {rows} incidenten ingevuld.",
        )
    expected = _share_of_incidents(check.threshold)
    return observed, (
        f"Bij {missing} van de {rows} incidenten ontbreekt het veld '{check.column}', terwijl het "
        f"bij {expected} ingevuld moet zijn; vul het aan in uw registratie of export."
    )


def _describe_not_in_set(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: object
) -> tuple[str, str]:
    """Observed value and message of a share-of-onbekend check (B02)."""
    filled = int(result["element_count"]) - int(result.get("missing_count") or 0)
    onbekend = int(result["unexpected_count"])
    if filled == 0:
        return "geen ingevulde waarden", (
            f"Het veld '{check.column}' is bij geen enkel incident ingevuld, dus het aandeel "
            "'onbekend' is niet te bepalen."
        )
    share = pct(onbekend / filled)
    observed = f"{onbekend} van {filled} ingevulde waarden onbekend ({share})"
    if success:
        return observed, (
            f"Bij {share} van de incidenten met een ingevuld veld '{check.column}' staat "
            "'onbekend'."
        )
    return observed, (
        f"Bij {share} van de incidenten met een ingevuld veld '{check.column}' staat 'onbekend', "
        f"terwijl hoogstens {pct(check.threshold)} verwacht wordt; leg waar mogelijk de "
        "werkelijke waarde vast."
    )


def _describe_row_count(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: Bounds | None
) -> tuple[str, str]:
    """Observed value and message of the volume check (B03)."""
    rows = int(result["observed_value"])
    mean = number(bounds[0]) if bounds is not None else "?"
    if success:
        return f"{rows} incidenten", (
            f"Deze levering bevat {rows} incidenten, in lijn met eerdere leveringen "
            f"(gemiddeld {mean})."
        )
    low, high = (bounds[1], bounds[2]) if bounds is not None else ("?", "?")
    return f"{rows} incidenten", (
        f"Deze levering bevat {rows} incidenten, terwijl eerdere leveringen er gemiddeld {mean} "
        f"bevatten (verwacht tussen {low} en {high}); controleer of de levering volledig is en "
        "geen incidenten dubbel bevat."
    )


def _describe_unique_count(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: object
) -> tuple[str, str]:
    """Observed value and message of the all-on-one-day check (B04)."""
    days = int(result["observed_value"])
    observed = "1 dag" if days == 1 else f"{days} verschillende dagen"
    if success:
        return observed, f"De incidenten in deze levering vallen op {days} verschillende dagen."
    if days == 0:
        return observed, (
            f"Geen enkel incident in deze levering heeft een geldige {FieldName.INCIDENTDATUM}; vul bij elk "
            "incident de datum in waarop het plaatsvond."
        )
    return observed, (
        f"De incidenten in deze levering vallen op slechts {observed}; controleer of bij elk "
        "incident de werkelijke datum is ingevuld en niet bijvoorbeeld de datum van de export."
    )


_Describe = Callable[[BatchCheck, dict[str, Any], bool, Bounds | None], tuple[str, str]]
_DESCRIBE: dict[str, _Describe] = {
    NOT_NULL: _describe_not_null,
    NOT_IN_SET: _describe_not_in_set,
    ROW_COUNT: _describe_row_count,
    UNIQUE_COUNT: _describe_unique_count,
}
