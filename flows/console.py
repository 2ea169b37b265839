"""Console output of the CLI: run summary and ledger status, in Dutch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from pipeline.night.steps import RunSummary
from pipeline.warehouse.store import open_published
from schemas.vocabulary import STATUS_NL


def rows_table(title: str, rows: list[dict[str, Any]]) -> Table:
    """A rich table of plain rows."""
    table = Table(title=title, title_justify="left")
    for column in rows[0] if rows else []:
        table.add_column(
            str(column), justify="right" if isinstance(rows[0][column], int | float) else "left"
        )
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    return table


def print_summary(console: Console, summary: RunSummary) -> None:
    """The nightly run in a few lines and tables."""
    by_status: dict[str, int] = {}
    for d in summary.deliveries:
        by_status[d.status] = by_status.get(d.status, 0) + 1
    parts = ", ".join(f"{n} {STATUS_NL.get(s, s)}" for s, n in sorted(by_status.items()))
    console.print(f"[bold]Nachtelijke verwerking[/] run {summary.run_id}: {summary.files_seen} bestanden "
                  f"in de inbox, {summary.files_new} nieuw ({parts or 'geen'}), "
                  f"{summary.files_skipped} al verwerkt.")  # fmt: skip
    headers = {
        "rijen_ontvangen": "ontvangen",
        "rijen_geladen": "geladen",
        "rijen_afgekeurd": "afgekeurd",
    }
    rows = [{headers.get(k, k): v for k, v in row.items()} for row in summary.per_beroepsgroep]
    console.print(rows_table("Per beroepsgroep (geldige leveringen, rijen)", rows))
    for d in summary.deliveries:
        if d.status == "rejected":
            console.print(f"[yellow]Levering afgekeurd:[/] {d.bronbestand}: {d.reason}")
    for pull in summary.api_pulls:
        console.print(f"API-bron {pull.source_id}: {pull.status}, {pull.rows_loaded} geladen, "
                      f"{pull.rows_rejected} afgekeurd{f' ({pull.reason})' if pull.reason else ''}")  # fmt: skip
    console.print(f"Warehouse: {summary.warehouse}")
    console.print(f"Terugkoppeling aan werkgevers: {summary.feedback_dir}")
    console.print(f"Rapport (landelijk beeld, beveiligd tegen onthulling): {summary.report}")
    if summary.datadocs:
        console.print(f"Kwaliteitscontroles (Great Expectations Data Docs): {summary.datadocs}")


def status_data(warehouse_path: Path, periode: str | None = None) -> dict[str, Any]:
    """Ledger, informatiepositie and quality from the published warehouse (read-only)."""
    where, params = ("AND periode = ?", [periode]) if periode else ("", [])
    with open_published(warehouse_path) as wh:
        ledger = wh.query(
            "SELECT status, count(*) AS leveringen, CAST(sum(rows_in) AS BIGINT) AS ontvangen, "
            "CAST(sum(rows_loaded) AS BIGINT) AS geladen, CAST(sum(rows_rejected) AS BIGINT) AS afgekeurd, "
            "count(*) FILTER (geen_incidenten) AS nulleveringen FROM ops.delivery GROUP BY status ORDER BY status"
        )
        coverage = wh.query(
            f"SELECT * FROM mart.dekking WHERE true {where} ORDER BY beroepsgroep, periode", params
        )
        missing = wh.query(
            "SELECT organisatiecode, naam, beroepsgroep, periode, status, uiterste_leverdatum, "
            "afgekeurde_leveringen FROM mart.levering WHERE status IN ('ontbreekt', 'nog_niet_ontvangen') "
            f"{where} ORDER BY periode, organisatiecode",
            params,
        )
        calendar = wh.query(
            "SELECT status, count(*) AS organisaties FROM mart.levering "
            f"WHERE true {where} GROUP BY status",
            params,
        )
        late = wh.query(
            "SELECT organisatiecode, naam, periode, uiterste_leverdatum, ontvangen_op, dagen_te_laat "
            f"FROM mart.levering WHERE te_laat {where} ORDER BY periode, organisatiecode",
            params,
        )
        covered = wh.query(
            "SELECT organisatiecode, naam, periode, gedekt_door FROM mart.levering "
            f"WHERE status = 'gedekt' {where} ORDER BY periode, organisatiecode",
            params,
        )
        quality = wh.query(
            "SELECT organisatiecode, naam, beroepsgroep, jaar, kwartalen, gemiddelde_score, laagste_score "
            "FROM mart.kwaliteit_organisatie_jaar ORDER BY gemiddelde_score, organisatiecode LIMIT 10"
        )
        runs = wh.query("SELECT * FROM ops.run ORDER BY run_id DESC LIMIT 1")
    return {"grootboek": clean(ledger), "dekking": clean(coverage), "ontbreekt": clean(missing),
            "nog_niet_verwacht": int(calendar.loc[calendar["status"] == "nog_niet_verwacht",
                                                  "organisaties"].sum()),
            "verwacht": int(calendar["organisaties"].sum()),
            "te_laat": clean(late), "gedekt": clean(covered), "laagste_kwaliteit": clean(quality),
            "laatste_run": clean(runs)}  # fmt: skip


def clean(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain values: missing as None, dates as dd-mm-jjjj."""
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%d-%m-%Y")
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def print_status(console: Console, data: dict[str, Any]) -> None:
    """The ledger, coverage, late and missing deliveries and quality as tables."""
    for row in data["grootboek"]:
        row["status"] = STATUS_NL.get(str(row["status"]), row["status"])
    console.print(rows_table("Grootboek (ops.delivery)", data["grootboek"]))
    short = {"organisaties_verwacht": "verwacht", "organisaties_geleverd": "geleverd",
             "organisaties_nullevering": "nul", "organisaties_gedekt": "gedekt",
             "organisaties_te_laat": "te laat", "organisaties_ontbreekt": "ontbreekt",
             "organisaties_nog_niet_ontvangen": "nog niet", "organisaties_pct": "% org.",
             "organisaties_nog_niet_verwacht": "kwartaal loopt",
             "fte_verwacht": "fte verwacht", "fte_gedekt": "fte gedekt", "fte_pct": "% fte"}  # fmt: skip
    coverage = [{short.get(k, k): v for k, v in row.items()} for row in data["dekking"]]
    console.print(rows_table("Informatiepositie per beroepsgroep en kwartaal", coverage))
    if data["gedekt"]:
        console.print(rows_table("Gedekt door een andere organisatie", data["gedekt"]))
    if data["te_laat"]:
        console.print(rows_table("Te laat geleverd", data["te_laat"]))
    if data["laagste_kwaliteit"]:
        console.print(rows_table("Laagste kwaliteitsscores (per jaar)", data["laagste_kwaliteit"]))
    print_missing(console, data)


def print_missing(console: Console, data: dict[str, Any], periode: str | None = None) -> None:
    """Who still has to deliver, per period; says so when the period is not (yet) expected."""
    missing = data["ontbreekt"]
    if not missing and periode and not data["verwacht"]:
        console.print(f"[yellow]Voor {periode} wordt (nog) niemand verwacht:[/] het kwartaal valt "
                      "buiten de verwachte perioden (MONITOR_START_PERIODE tot vandaag).")  # fmt: skip
        return
    if not missing and data["nog_niet_verwacht"]:
        console.print(f"Het kwartaal loopt nog: {data['nog_niet_verwacht']} organisaties hoeven "
                      "pas na afloop te leveren.")  # fmt: skip
        return
    if not missing:
        console.print("[green]Alle verwachte organisaties hebben geleverd.[/]")
        return
    console.print(f"Nog niet geleverd: {len(missing)} organisatie-kwartalen")
    console.print(rows_table("Nog te leveren", missing))


def print_check(console: Console, report: dict[str, Any]) -> None:
    """The self-check of one file, in Dutch."""
    if not report["readable"]:
        console.print(f"[red]Het bestand {report['file']} kan niet worden verwerkt.[/]")
    else:
        console.print(f"{report['file']} ({report['profile']}, {report['organisatiecode']}, {report['periode']}): "
                      f"{report['rows_in']} rijen, {report['rows_loaded']} goed, "
                      f"{report['rows_rejected']} afgekeurd, {report['rows_warned']} met een waarschuwing.")  # fmt: skip
    for note in report.get("meldingen", []):
        console.print(f"[yellow]{note}[/]")
    rows = [
        {"rij": e["row"], "code": e["code"], "veld": e["field"], "melding": e["message"]}
        for e in report["edits"]
    ]
    if rows:
        console.print(rows_table("Meldingen", rows))
