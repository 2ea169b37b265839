"""`monitor schema`, `monitor template`, `monitor profile suggest`: the standard as files for
employers and maintainers (JSON Schema, the national template, a draft mapping profile)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console() if sys.stdout.isatty() else Console(width=120)
err = Console(stderr=True)


def _write_text(text: str, out: Path | None, done: str) -> None:
    """Print the text, or write it to `out` and say so."""
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"{done} {out}")


def schema(
    out: Annotated[
        Path | None, typer.Option(help="Schrijf naar dit bestand (anders stdout).")
    ] = None,
) -> None:
    """Exporteer de landelijke standaard als JSON Schema, met codelijsten en controles."""
    from schemas.export import export_standard

    text = json.dumps(export_standard(), ensure_ascii=False, indent=2) + "\n"
    _write_text(text, out, "Schema geschreven naar")


def template(
    out: Annotated[Path, typer.Option(help="Waar het sjabloon komt (.xlsx).")] = Path(
        "landelijk_sjabloon.xlsx"
    ),
    beroepsgroep: Annotated[
        str | None,
        typer.Option(help="Alleen de fte-regel van deze beroepsgroep (boa, brandweer, politie)."),
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Vul uw organisatiecode alvast in.")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Vul de periode alvast in, bijv. 2025Q1.")
    ] = None,
) -> None:
    """Schrijf het landelijke aanleversjabloon (xlsx) met keuzelijsten uit de codelijsten."""
    from pipeline.employers.template import TemplateError, write_template

    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_template(out, beroepsgroep=beroepsgroep, organisatiecode=org, periode=period)
    except TemplateError as exc:
        err.print(f"[red]Sjabloon niet gemaakt:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"Landelijk sjabloon geschreven naar {out}")


profile_app = typer.Typer(help="Mappingprofielen voor nieuwe registratiesystemen.",
                          no_args_is_help=True)  # fmt: skip


@profile_app.command("suggest")
def profile_suggest(
    file: Annotated[
        Path, typer.Argument(help="Een aanlevering zonder profiel.", exists=True, dir_okay=False)
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Schrijf het concept naar dit bestand.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Organisatiecode (GMnnnn, VRnn of POL).")
    ] = None,
) -> None:
    """Stel een conceptprofiel (YAML) voor: kolommen → velden met zekerheid, waarden → codes."""
    from connectors.automap import profile_id_for, suggest_profile
    from connectors.recognise import EXTENSION_KINDS, read_unprofiled
    from schemas.errors import DeliveryError

    kind = EXTENSION_KINDS.get(file.suffix.lower())
    if kind is None:
        err.print(f"[red]Bestandstype {file.suffix!r} niet ondersteund[/] (xlsx, csv of jsonl).")
        raise typer.Exit(2)
    try:
        raw, reader = read_unprofiled(file, kind)
    except DeliveryError as exc:
        err.print(f"[red]Bestand niet te lezen:[/] {exc}")
        raise typer.Exit(2) from exc
    suggestion = suggest_profile(raw, file.name, reader, org)
    profile_id = profile_id_for(out.name) if out is not None else profile_id_for(file.name, org)
    text = suggestion.to_yaml(profile_id)
    _write_text(text, out, "Conceptprofiel geschreven naar")
    if out is not None and out.stem != profile_id:
        err.print(f"[yellow]Let op:[/] een profiel heet zoals zijn id: hernoem het bestand "
                  f"naar {profile_id}.yaml voordat u het in connectors/profiles/ zet.")  # fmt: skip
    missing = suggestion.missing_required()
    if missing:
        err.print(f"[yellow]Let op:[/] verplichte velden niet (zeker genoeg) gevonden: "
                  f"{', '.join(missing)}. Vul ze aan in het profiel.")  # fmt: skip
