"""The `monitor` command line. Messages for employers and analysts are Dutch."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from flows.drain import TaskRunsNotRecordedError
from flows.temporary_server import start_before_prefect_loads, start_temporary_server
from pipeline.gc_pause import imports_unscanned
from pipeline.night.fork_server import start_early
from pipeline.warehouse.versions import RunInProgressError, run_in_progress

if TYPE_CHECKING:
    from pipeline.settings import Settings

app = typer.Typer(help="Landelijke monitor agressie en geweld tegen hulpverleners.",
                  no_args_is_help=True, add_completion=False)  # fmt: skip
console = Console() if sys.stdout.isatty() else Console(width=120)  # logs, pipes: wide tables
err = Console(stderr=True)


def _settings(inbox: Path | None = None, warehouse: Path | None = None) -> Settings:
    from pipeline.settings import load_settings

    return load_settings(inbox_dir=inbox, warehouse_path=warehouse)


def _checked(settings: Settings) -> Settings:
    """The settings once the fail-early checks pass; exit 2 with every problem, in Dutch."""
    from pipeline.night.preflight import NotReadyError, check_ready

    try:
        check_ready(settings)
    except NotReadyError as exc:
        err.print("[red]Niet gestart:[/]", highlight=False)
        for problem in exc.problems:
            err.print(f"- {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    return settings


def _refuse_concurrent(warehouse: Path) -> NoReturn:
    """One line, exit 3: another run holds the warehouse's writer lock."""
    err.print(f"Niet gestart: er draait al een nachtelijke run op {warehouse}; probeer het later "
              "opnieuw.", highlight=False, markup=False, soft_wrap=True)  # fmt: skip
    raise typer.Exit(3)


@app.command()
def sample(
    out: Annotated[Path, typer.Option(help="Map voor de voorbeelddata.")] = Path("data/sample"),
    year: Annotated[int | None, typer.Option(
        help="Jaar met de bijzondere gevallen (standaard: het laatste jaar waarvan het vierde "
             "kwartaal al geleverd moest zijn).")] = None,
    van: Annotated[str | None, typer.Option(
        help="Eerste kwartaal, bv. 2023Q1 (standaard: 1 januari drie jaar terug).")] = None,
    tot: Annotated[str | None, typer.Option(
        help="Laatste kwartaal (standaard: het laatste kwartaal waarvan de termijn verstreken is).")] = None,
    seed: Annotated[int, typer.Option(help="Startwaarde van de toevalsgenerator.")] = 2025,
    scale: Annotated[float, typer.Option(help="Schaal van de volumes (1 = landelijk).")] = 1.0,
) -> None:  # fmt: skip
    """Maak de landelijke voorbeeldset: aanleveringen van alle organisaties over meerdere jaren,
    plus de grondwaarheid."""
    from pipeline.sample import SampleError, default_series, generate_sample, periode

    first, last, main_year = default_series(date.today())
    jaar = year or main_year
    van = van or periode(*first)
    tot = tot or periode(*last)
    try:
        with console.status(f"Voorbeeldset {van}–{tot} maken in {out} ..."):
            summary = generate_sample(out, year=jaar, seed=seed, scale=scale, first=van, last=tot)
    except SampleError as error:
        err.print(f"Geen voorbeeldset gemaakt: {error}", highlight=False, markup=False)
        raise typer.Exit(2) from error
    console.print(f"[green]Voorbeeldset gemaakt[/] in {summary.out} ({summary.first}–{summary.last}): "
                  f"{summary.delivery_files} aanleveringen, {summary.truth_incidents} incidenten, "
                  f"{summary.truth_rejects} af te keuren rijen.")  # fmt: skip


@app.command()
def run(
    inbox: Annotated[Path | None, typer.Option(help="Inbox met aanleveringen.")] = None,
    warehouse: Annotated[Path | None, typer.Option(help="Gepubliceerd warehouse-bestand.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Samenvatting als JSON.")] = False,
) -> None:
    """Draai de nachtelijke verwerking nu (Prefect-flow `nightly`)."""
    start_before_prefect_loads()  # its ~3 s start overlaps all that follows; the flow waits for it
    with imports_unscanned():  # what follows imports the pipeline and Prefect (~1.5 s of a core)
        settings = _settings(inbox, warehouse)
        start_early(settings.runner, settings.dask_address)  # the fork server, if it helps
        _checked(settings)
        if run_in_progress(settings.warehouse_path):
            _refuse_concurrent(settings.warehouse_path)
        start_temporary_server()  # as Prefect's settings say: the early one, a new one, or none
        from flows.nightly import run_nightly

    try:
        summary = run_nightly(settings, fork_server_from_here=True)  # nothing runs after it
    except RunInProgressError:  # started between our check and the flow's lock
        _refuse_concurrent(settings.warehouse_path)
    except TaskRunsNotRecordedError as error:
        err.print(f"De run is klaar en gepubliceerd, maar Prefect heeft niet alle taken "
                  f"vastgelegd: {error}", highlight=False, markup=False, soft_wrap=True)  # fmt: skip
        raise typer.Exit(1) from error
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), default=str, indent=2) + "\n")
        return
    from flows.console import print_summary

    print_summary(console, summary)


@app.command()
def status(
    warehouse: Annotated[Path | None, typer.Option(help="Gepubliceerd warehouse-bestand.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False,
    missing: Annotated[
        bool,
        typer.Option(
            "--missing", help="Alleen wie nog moet leveren (ontbreekt of termijn loopt nog)."
        ),
    ] = False,
    period: Annotated[
        str | None, typer.Option("--period", help="Alleen dit kwartaal, bijvoorbeeld 2025Q1.")
    ] = None,
) -> None:
    """Toon het grootboek en de informatiepositie: geleverd, nullevering, gedekt, te laat, ontbreekt."""
    from flows.console import print_missing, print_status, status_data
    from schemas.errors import WarehouseError
    from schemas.incident import Periode

    try:
        periode = Periode.parse(period).code if period else None
    except ValueError as exc:
        err.print(f"[red]Ongeldige periode {period!r}:[/] gebruik jjjjQk, bijvoorbeeld 2025Q1.")
        raise typer.Exit(2) from exc
    try:
        data = status_data(_settings(warehouse=warehouse).warehouse_path, periode)
    except WarehouseError as exc:
        err.print(f"[red]Geen warehouse:[/] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        shown = {"ontbreekt": data["ontbreekt"]} if missing else data
        sys.stdout.write(json.dumps(shown, default=str, indent=2) + "\n")
    elif missing:
        print_missing(console, data, periode)
    else:
        print_status(console, data)


@app.command()
def report(
    out: Annotated[
        Path | None, typer.Option(help="Map voor het rapport (standaard data/reports/rapport).")
    ] = None,
    warehouse: Annotated[Path | None, typer.Option(help="Gepubliceerd warehouse-bestand.")] = None,
) -> None:
    """Maak het landelijke rapport: HTML (offline), Excel en CSV/Parquet, na onthullingscontrole."""
    from pipeline.night.steps import publish_report
    from schemas.errors import PipelineError

    try:
        html = publish_report(_settings(warehouse=warehouse), out)
    except PipelineError as exc:
        err.print(f"[red]Rapport niet gemaakt:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"Rapport geschreven: {html} (met monitor.xlsx, csv/ en parquet/ ernaast)")


@app.command()
def docs(
    out: Annotated[Path, typer.Option(help="Waar het datawoordenboek komt.")] = Path(
        "docs/data_dictionary.md"
    ),
) -> None:
    """Maak het datawoordenboek (Markdown) opnieuw uit de standaard en het warehouse-commentaar."""
    from pipeline.employers.dictionary import write_dictionary

    console.print(f"Datawoordenboek geschreven naar {write_dictionary(out)}")


@app.command()
def serve(
    cron: Annotated[str | None, typer.Option(help="Cron-schema (standaard 0 2 * * *).")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Tijdzone (standaard Europe/Amsterdam).")
    ] = None,
) -> None:
    """Bied de nachtelijke flow aan als Prefect-deployment met een nachtelijk schema."""
    settings = _checked(_settings())  # before anything else: not at 02:00
    from prefect.settings import get_current_settings

    from flows.nightly import serve_nightly

    if not get_current_settings().api.url:
        err.print("[red]monitor serve heeft een blijvende Prefect-server nodig[/] voor het schema: "
                  "start `prefect server start` en zet PREFECT_API_URL (bijv. http://127.0.0.1:4200/api). "
                  "Zonder server: draai `monitor run` vanuit cron of een systemd-timer.")  # fmt: skip
        raise typer.Exit(2)
    serve_nightly(settings, cron or settings.schedule_cron, timezone or settings.schedule_timezone)


@app.command()
def verify(
    sample_dir: Annotated[Path, typer.Option("--sample", help="Map van de voorbeeldset.")] = Path(
        "data/sample"
    ),
    warehouse: Annotated[Path | None, typer.Option(help="Gepubliceerd warehouse-bestand.")] = None,
) -> None:
    """Vergelijk het warehouse met de grondwaarheid van een voorbeeldset."""
    from pipeline.ingest.inputs import pseudonym_key
    from pipeline.sample.verify import compare_with_truth
    from pipeline.settings import load_settings
    from pipeline.warehouse.store import open_published
    from schemas.errors import PipelineError

    # comparing with a generated sample stores nothing: its demo key may be used (sample mode)
    settings = load_settings(inbox_dir=sample_dir / "inbox", warehouse_path=warehouse,
                             sample_mode=True)  # fmt: skip
    try:
        with open_published(settings.warehouse_path) as wh:
            result = compare_with_truth(wh, sample_dir, pseudonym_key(settings))
    except PipelineError as exc:
        err.print(f"[red]Vergelijken lukt niet:[/] {exc}")
        raise typer.Exit(2) from exc
    from pipeline.sample.verify import print_comparison

    print_comparison(console, result)
    if not result.agrees:
        raise typer.Exit(1)


@app.command()
def check(
    file: Annotated[
        Path,
        typer.Argument(help="Het bestand dat u wilt controleren.", exists=True, dir_okay=False),
    ],
    org: Annotated[str, typer.Option("--org", help="Uw organisatiecode (GMnnnn, VRnn of POL).")],
    as_json: Annotated[bool, typer.Option("--json", help="Uitkomst als JSON.")] = False,
    feedback: Annotated[
        Path | None,
        typer.Option(
            "--feedback",
            help="Schrijf de terugkoppeling naar dit .xlsx-bestand "
            "(met een .csv en .html ernaast).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Controleer een aanlevering vooraf, precies zoals de nachtelijke verwerking dat doet (zonder te laden)."""
    from pipeline.night.check import (
        check_feedback,
        check_file,
        check_report,
        read_warehouse,
        replaced_delivery,
    )

    settings = _settings()
    published = read_warehouse(settings.warehouse_path)  # history (B03) and what would be replaced
    processed = check_file(file, org, settings, date.today(), warehouse=published)
    vervangt = replaced_delivery(processed, published)
    report = check_report(processed, vervangt)
    if feedback is not None:
        from pipeline.employers.feedback_writer import write_feedback_files

        written = write_feedback_files(feedback.with_suffix(".xlsx"), check_feedback(
            processed, settings, datetime.now(UTC), vervangt=vervangt))  # fmt: skip
        err.print(f"Terugkoppeling geschreven naar {written} (en .csv, .html)")
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        from flows.console import print_check

        print_check(console, report)
    if not report["readable"]:
        raise typer.Exit(2)


key_app = typer.Typer(help="De pseudonimiseringssleutel (MONITOR_PSEUDONYM_KEY).",
                      no_args_is_help=True)  # fmt: skip
app.add_typer(key_app, name="key")


@key_app.command("new")
def key_new() -> None:
    """Druk een nieuwe, willekeurige sleutel af (64 tekens) voor MONITOR_PSEUDONYM_KEY."""
    from pipeline.ingest.pseudonym import new_key

    sys.stdout.write(new_key() + "\n")
    err.print("Bewaar deze sleutel geheim en blijvend (bijv. in een secret store): met een andere "
              "sleutel krijgen dezelfde medewerkers andere pseudoniemen.")  # fmt: skip


from flows.portal_cli import portal_app  # noqa: E402  (monitor portal serve|token)
from flows.standard_cli import profile_app, schema, template  # noqa: E402

app.add_typer(portal_app, name="portal")
app.command()(schema)
app.command()(template)
app.add_typer(profile_app, name="profile")

if __name__ == "__main__":
    app()
