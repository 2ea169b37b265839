"""`monitor portal serve|token`: the employers' portal from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

portal_app = typer.Typer(help="Het portaal voor werkgevers: aanleveren, controleren, volgen.",
                         no_args_is_help=True)  # fmt: skip
err = Console(stderr=True)


@portal_app.command("serve")
def portal_serve(
    host: Annotated[str, typer.Option(help="Adres om op te luisteren.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Poort.")] = 8080,
) -> None:
    """Start het portaal (FastAPI op uvicorn); zet er een reverse proxy met TLS voor."""
    from pipeline.settings import load_settings
    from portal.app import serve

    serve(load_settings(), host, port)


@portal_app.command("token")
def portal_token(
    org: Annotated[
        str | None, typer.Option("--org", help="Organisatiecode: GMnnnn, VRnn of POL.")
    ] = None,
    dagen: Annotated[int, typer.Option("--dagen", help="Geldigheid in dagen.")] = 365,
    beheer: Annotated[
        bool,
        typer.Option(
            "--beheer", help="Beheertoken: ziet de informatiepositie van alle organisaties."
        ),
    ] = False,
    revoke: Annotated[
        int | None, typer.Option("--revoke", help="Trek het token met dit nummer in.")
    ] = None,
    lijst: Annotated[
        bool, typer.Option("--lijst", help="Toon alle tokens (zonder geheim).")
    ] = False,
) -> None:
    """Maak een token (alleen de hash wordt bewaard; het token staat op de laatste regel), of trek er een in."""
    from pipeline.settings import load_settings
    from portal.auth import PortalAuthError, create_token
    from portal.state import PortalState

    state = PortalState(load_settings().portal_dir)
    if lijst:
        for row in state.tokens():
            typer.echo(" ".join(f"{k}={v}" for k, v in row.items()))
        return
    if revoke is not None:
        if not state.revoke_token(revoke):
            err.print(
                f"[red]Geen geldig token met nummer {revoke}[/] (onbekend of al ingetrokken)."
            )
            raise typer.Exit(2)
        state.audit("beheer:cli", "token intrekken", "gelukt", token_id=revoke)
        typer.echo(f"Token {revoke} ingetrokken; de sessies ervan zijn beëindigd.")
        return
    if org is None and not beheer:
        err.print("[red]Geef --org GMnnnn, VRnn of POL[/] (of --beheer voor een beheertoken).")
        raise typer.Exit(2)
    try:
        token_id, secret = create_token(state, org or "BEHEER", dagen, beheer)
    except PortalAuthError as exc:
        err.print(f"[red]Geen token gemaakt:[/] {exc}")
        raise typer.Exit(2) from exc
    state.audit("beheer:cli", "token maken", "gelukt", token_id=token_id,
                organisatiecode=org or "BEHEER", beheer=beheer, dagen=dagen)  # fmt: skip
    soort = "beheertoken" if beheer else "token"
    typer.echo(f"Nieuw {soort} {token_id} voor {org or 'beheer'}, {dagen} dagen geldig. "
               "Het wordt maar één keer getoond; bewaar het veilig:")  # fmt: skip
    typer.echo(secret)
