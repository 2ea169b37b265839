"""A night with nothing new does nothing: no file parsed, no warehouse version, no report or
Data Docs rebuilt (their files keep their modification time).

Besides the deliveries, a run's outcome depends on the reference data and FTE files, the code
lists, edit and check catalogues and the code itself, a few settings, and where today falls in
the delivery calendar (the marts judge "te laat" against today). Their fingerprint is written
beside the reports as the very last step of a run; a later run with no new delivery, no API
source and the same fingerprint for the same published run stops before it builds anything.
A run killed before that last step leaves no matching marker, so the next run builds again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path

import connectors
import pipeline
import schemas
from pipeline.ingest.inputs import FIRST_YEAR
from pipeline.night.steps import RunSummary, new_files, summarise
from pipeline.settings import Settings
from pipeline.warehouse.store import open_published

log = logging.getLogger(__name__)
MARKER = ".laatste-run.json"  # in the reports directory
CODE_SUFFIXES = {".py", ".sql", ".yaml", ".yml", ".html", ".css", ".js", ".json", ".csv"}
# The settings that change what a run writes (paths and limits do not).
SETTINGS_THAT_SHAPE = ("coverage_floor", "start_periode", "delivery_deadline_days",
                       "disclosure_k", "sample_mode", "datadocs_keep")  # fmt: skip


def input_fingerprint(settings: Settings, today: dt.date) -> str:
    """The fingerprint of everything besides the deliveries that a run's outcome depends on."""
    digest = hashlib.sha256()
    for label, folder, recursive in (
        ("referentie", settings.reference_dir, False),
        ("fte", settings.fte_directory, False),
        *((f"code/{p.__name__}", Path(str(p.__file__)).parent, True)
          for p in (pipeline, schemas, connectors)),
    ):  # fmt: skip
        for path in _files(folder, recursive):
            digest.update(f"{label}/{path.relative_to(folder)}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    shaping = {name: getattr(settings, name) for name in SETTINGS_THAT_SHAPE}
    digest.update(json.dumps(shaping, sort_keys=True, default=str).encode())
    digest.update(calendar_state(today, settings.delivery_deadline_days).isoformat().encode())
    return digest.hexdigest()


def calendar_state(today: dt.date, deadline_days: int) -> dt.date:
    """The last day on or before today on which some quarter began, ended or passed its
    deadline: between two such days the informatiepositie does not change."""
    boundaries = []
    for year in range(FIRST_YEAR, today.year + 2):
        for quarter in range(4):
            start = dt.date(year, 3 * quarter + 1, 1)
            after_end = dt.date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1)
            boundaries += [start, after_end, after_end + dt.timedelta(days=deadline_days)]
    return max(b for b in boundaries if b <= today)


def unchanged_since_last_run(
    settings: Settings, fingerprint: str, published_run: int, started_at: dt.datetime
) -> bool:
    """Whether the last completed run of the published warehouse (its id and start: ids repeat
    after a restore) had this fingerprint."""
    marker = settings.reports_directory / MARKER
    try:
        last = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(last, dict) or last.get("vingerafdruk") != fingerprint:
        return False
    try:
        started = dt.datetime.fromisoformat(str(last.get("gestart")))
    except ValueError:
        return False
    return last.get("run_id") == published_run and started == started_at


def remember_run(
    settings: Settings, fingerprint: str, run_id: int, started_at: dt.datetime
) -> None:
    """Write the marker of a completed run (after the report and Data Docs are written)."""
    marker = settings.reports_directory / MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    temporary = marker.with_name(MARKER + ".tmp")
    marker_text = {"vingerafdruk": fingerprint, "run_id": run_id, "gestart": started_at.isoformat()}
    temporary.write_text(json.dumps(marker_text), "utf-8")
    temporary.replace(marker)


def _files(folder: Path, recursive: bool) -> list[Path]:
    """The regular files of a folder (code files only when recursive), by name."""
    if not folder.is_dir():
        return []
    if not recursive:
        return sorted(
            p for p in folder.iterdir() if p.is_file()
        )  # links followed, as the loaders do
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in CODE_SUFFIXES
                  and "__pycache__" not in p.parts)  # fmt: skip


def unchanged_run(settings: Settings, fingerprint: str, started: dt.datetime) -> RunSummary | None:
    """The summary of a night with nothing new: no new file, no API source, the inputs'
    fingerprint as at the published run. None when there is anything to do."""
    if settings.api_sources or not settings.warehouse_path.exists():
        return None
    with open_published(settings.warehouse_path) as wh:
        last = wh.con.execute("SELECT run_id, started_at FROM ops.run WHERE status = 'completed' "
                              "ORDER BY run_id DESC LIMIT 1").fetchone()  # fmt: skip
        if last is None or not unchanged_since_last_run(
            settings, fingerprint, int(last[0]), last[1]
        ):
            return None
        run_id = last[0]
        files, skipped = new_files(settings.inbox_dir, wh.known_files())
        if files:
            return None
        summary = RunSummary(int(run_id), started.isoformat(timespec="seconds"),
                             files_seen=skipped, files_skipped=skipped, rebuilt=False,
                             warehouse=str(settings.warehouse_path))  # fmt: skip
        summarise(wh, summary)
    docs = settings.reports_directory / "datadocs" / "index.html"
    summary.feedback_dir = str(settings.feedback_directory)
    summary.report = str(settings.report_directory / "index.html")
    summary.datadocs = str(docs) if docs.exists() else None
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return summary
