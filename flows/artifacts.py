"""The run summary as Prefect artifacts, visible in the Prefect UI beside the flow run.

A table per beroepsgroep and a markdown summary with the deliveries, the rejected files and
links to the report and the Data Docs. Only counts and file names: no incident data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from pipeline.night.steps import RunSummary
from schemas.vocabulary import STATUS_NL

TABLE_KEY = "nachtrun-per-beroepsgroep"
SUMMARY_KEY = "nachtrun-samenvatting"
MAX_LISTED = 50  # rejected deliveries listed by name; the rest are counted
MARKUP = set("\\`*_{}[]()<>#+-!|~:.@&")  # escaped in names and messages from employers' files


def publish_run_artifacts(summary: RunSummary) -> None:
    """Create the table and the markdown artifact of this flow run (synchronously: where
    Prefect believes it runs in an async context, it would hand back coroutines nobody awaits,
    and the run would have no artifacts)."""
    create_table_artifact(  # type: ignore[call-arg]
        [{k: _plain(v) for k, v in row.items()} for row in summary.per_beroepsgroep],
        key=TABLE_KEY,
        description="Geldige leveringen en rijen per beroepsgroep na deze run",
        _sync=True,
    )
    create_markdown_artifact(run_markdown(summary), key=SUMMARY_KEY, _sync=True,  # type: ignore[call-arg]
                             description="Samenvatting van de nachtelijke verwerking")  # fmt: skip


def run_markdown(summary: RunSummary) -> str:
    """The run in Dutch markdown: counts, rejected deliveries, API pulls and links."""
    by_status: dict[str, int] = {}
    for d in summary.deliveries:
        by_status[d.status] = by_status.get(d.status, 0) + 1
    statuses = ", ".join(f"{n} {STATUS_NL.get(s, s)}" for s, n in sorted(by_status.items()))
    lines = [
        f"# Nachtelijke verwerking, run {summary.run_id}",
        "",
        f"- gestart: {summary.started_at}, klaar: {summary.finished_at or 'nog bezig'}",
        f"- bestanden in de inbox: {summary.files_seen}; nieuw: {summary.files_new} "
        f"({statuses or 'geen'}); al verwerkt: {summary.files_skipped}",
    ]
    rejected = [d for d in summary.deliveries if d.status == "rejected"]
    if rejected:
        lines += ["", f"## Afgekeurde leveringen ({len(rejected)})", ""]
        lines += [
            f"- {_cell(d.bronbestand)}: {_cell(d.reason or '')}" for d in rejected[:MAX_LISTED]
        ]
        if len(rejected) > MAX_LISTED:
            lines.append(f"- … en nog {len(rejected) - MAX_LISTED}")
    for pull in summary.api_pulls:
        lines.append(f"- API-bron {pull.source_id}: {pull.status}, {pull.rows_loaded} geladen")
    lines += ["", "## Uitkomsten", ""]
    lines += [f"- {label}: {_link(path)}" for label, path in (
        ("Rapport (landelijk beeld, beveiligd tegen onthulling)", summary.report),
        ("Kwaliteitscontroles (Great Expectations Data Docs)", summary.datadocs),
        ("Terugkoppeling aan werkgevers", summary.feedback_dir),
        ("Warehouse", summary.warehouse),
    ) if path]  # fmt: skip
    return "\n".join(lines) + "\n"


def _link(path: str) -> str:
    """A local path as a markdown link to its file:// address."""
    target = Path(path).resolve()
    return f"[{_cell(str(target))}]({target.as_uri()})"


def _cell(text: str) -> str:
    """Text from a file name or message, inert in markdown: every punctuation mark that makes
    markup, HTML or an autolink (`www.`, `https://`, `a@b`) is backslash-escaped."""
    return "".join(f"\\{c}" if c in MARKUP else c for c in text).replace("\n", " ")


def _plain(value: Any) -> Any:
    """A value the artifact's JSON takes (numpy numbers as Python numbers, NaN as empty)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value
