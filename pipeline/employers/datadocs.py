"""GX Data Docs of the batch checks: a capped store of validation reports and the site built from it.

After a nightly run the flow stores the GX validation reports of its deliveries
(`ProcessedDelivery.gx_report`, made by `pipeline.ingest.batch.validate_batch`) with `store_reports`, which
keeps only the newest ones, and rebuilds the site with `build_data_docs`:

    <reports_dir>/gx/validations/<time>_<organisation>_<period>_<digest>.json   the store
    <reports_dir>/datadocs/index.html                                         the site

The site is built by GX's own site builder in an ephemeral context, into a fresh directory that
then replaces the old site, so pruned reports disappear from it too. GX's page templates load
jQuery, Bootstrap, Font Awesome, Vega and the GX logo from CDNs; the site must open offline (an
analyst's locked-down machine), so those references are rewritten to the copies vendored in
`datadocs_static/` (versions and sources in its README.md). A reference this module does not know
(a newer GX) fails the build rather than ship a page that breaks offline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from schemas.errors import PipelineError

logger = logging.getLogger(__name__)

DEFAULT_KEEP = 200  # a build with 200 reports takes about 5 s, plus about 3 s to import GX
STORE_DIR = Path("gx") / "validations"
SITE_DIR = "datadocs"
STATIC_DIR = Path(__file__).with_name("datadocs_static")
_SITE_NAME = "monitor"
_VENDOR = "static/vendor"
# CDN references in GX's templates (great_expectations/render/view/templates) → vendored copy.
_CDN = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/umd/popper.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/js/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "bootstrap-datepicker/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "bootstrap-datepicker/js/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": "bootstrap-dark/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega/vega-embed.min.js",
}  # fmt: skip
# The GX logo (and its dark-mode variant) come from S3; GX ships logo-long.png in static/images.
_GX_LOGO = re.compile(
    r"https://great-expectations-web-assets\.s3\.us-east-2\.amazonaws\.com/[\w.-]+\.png[^\"')]*"
)
# GX's favicon template counts one directory level too few on validation pages.
_FAVICON = re.compile(r'href="(?:\.\./)*static/images/favicon\.ico"')
# Script/link tags that point at a vendored file: SRI and CORS attributes fail on file:// URLs.
_VENDORED_TAG = re.compile(
    r'(<(?:script|link)\b[^>]*?(?:src|href)="[^"]*static/vendor/[^"]*")([^>]*)>'
)
_SRI = re.compile(r'\s(?:integrity|crossorigin)="[^"]*"')
# What a page loads by itself (links a reader clicks, <a href>, are not loads).
_REMOTE_LOAD = re.compile(
    r"<(?:script|img|iframe)\b[^>]*\bsrc=[\"']https?://[^\"']*"
    r"|<link\b[^>]*\bhref=[\"']https?://[^\"']*"
    r"|url\(\s*[\"']?https?://[^\"')]*",
    re.IGNORECASE,
)


class DataDocsError(PipelineError):
    """The Data Docs site cannot be built (an unreadable report, or a page that loads remotely)."""


def store_reports(reports_dir: Path, reports: Iterable[dict[str, Any]], keep: int) -> int:
    """Add GX validation reports to the store and keep only the newest `keep`; how many remain.

    Newest means latest validation time. Storing the same report twice keeps one copy.
    """
    if keep < 0:
        raise ValueError(f"keep must be 0 or more, not {keep}")
    store = reports_dir / STORE_DIR
    store.mkdir(parents=True, exist_ok=True)
    for report in reports:
        text = json.dumps(report, ensure_ascii=False, sort_keys=True, default=str)
        path = store / _report_file_name(report, text)
        if not path.exists():
            temporary = path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(path)
    stored = sorted(store.glob("*.json"))
    for old in stored[: max(len(stored) - keep, 0)]:
        old.unlink()
    return min(len(stored), keep)


def _several(parameters: dict[str, Any]) -> str | None:
    """'12-leveringen' for the report of a pass over several deliveries."""
    count = parameters.get("leveringen")
    return f"{count}-leveringen" if count else None


def _report_file_name(report: dict[str, Any], text: str) -> str:
    """'<UTC validation time>_<organisation or N-leveringen>_<period>_<digest>.json': sorts
    oldest first."""
    meta = report.get("meta") or {}
    when = _parse_time(str(meta.get("validation_time") or ""))
    delivery = meta.get("batch_parameters") or {}
    parts = [
        when.strftime("%Y%m%dT%H%M%S.%fZ"),
        _safe(str(delivery.get("organisatiecode") or _several(delivery) or "onbekend")),
        _safe(str(delivery.get("periode") or "onbekend")),
        hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
    ]
    return "_".join(parts) + ".json"


def _parse_time(value: str) -> dt.datetime:
    """An ISO time as UTC; now when it is missing or unreadable."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return dt.datetime.now(dt.UTC)
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _safe(text: str) -> str:
    """Only letters, digits, dots, dashes and spaces: safe in a file or directory name."""
    return re.sub(r"[^\w. -]+", "_", text, flags=re.ASCII).strip() or "_"


def build_data_docs(reports_dir: Path) -> Path:
    """Rebuild the Data Docs site from the stored reports; returns the path of its index.html."""
    reports_dir = reports_dir.resolve()  # GX's filesystem store needs an absolute path
    reports = [_read_report(path) for path in sorted((reports_dir / STORE_DIR).glob("*.json"))]
    reports_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".datadocs-new-", dir=reports_dir))
    try:
        _render_site(staging, reports)
        _make_offline(staging)
        _swap(staging, reports_dir / SITE_DIR)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("Data Docs built with %d validation reports", len(reports))
    return reports_dir / SITE_DIR / "index.html"


def _read_report(path: Path) -> tuple[str, dict[str, Any]]:
    """(file stem, report) of one stored report."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataDocsError(f"validation report {path}: {exc}") from exc
    if not isinstance(report, dict) or "results" not in report or "suite_name" not in report:
        raise DataDocsError(f"validation report {path}: not a GX validation result")
    return path.stem, report


def _render_site(site: Path, reports: list[tuple[str, dict[str, Any]]]) -> None:
    """Let GX build its site into `site` from these reports and the suites they were run with."""
    from pipeline.ingest.batch import ephemeral_context

    backend = {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)}
    sites = {_SITE_NAME: {"class_name": "SiteBuilder", "show_how_to_buttons": False,
                          "store_backend": backend}}  # fmt: skip
    context = ephemeral_context(data_docs_sites=sites)
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    suites = {r["suite_name"]: r["meta"].get("expectation_suite") for _, r in reports}
    for name, suite in suites.items():  # the newest report's copy of each suite
        if suite:
            expectations, meta = suite["expectations"], suite.get("meta")
            context.suites.add(ExpectationSuite(name=name, expectations=expectations, meta=meta))
    schema = ExpectationSuiteValidationResultSchema()
    for stem, report in reports:
        _make_names_safe(report)
        run = report["meta"].get("run_id") or {}
        key = ValidationResultIdentifier(
            ExpectationSuiteIdentifier(name=report["suite_name"]),
            RunIdentifier(_safe(str(run.get("run_name") or stem)), run.get("run_time")),
            stem.split("_", 1)[-1],
        )
        context.validation_results_store.set(key, schema.load(report))
    context.build_data_docs(site_names=[_SITE_NAME])


def _make_names_safe(report: dict[str, Any]) -> None:
    """GX shows the run name and batch parameters unescaped: keep only safe characters in them.

    Reports made since pipeline.ingest.batch.gx_safe are safe already; this covers older stored ones.
    """
    meta = report.setdefault("meta", {})
    run = meta.get("run_id")
    if isinstance(run, dict) and run.get("run_name") is not None:
        run["run_name"] = _safe(str(run["run_name"]))
    parameters = meta.get("batch_parameters")
    if isinstance(parameters, dict):
        meta["batch_parameters"] = {_safe(str(k)): _safe(str(v)) for k, v in parameters.items()}


def _make_offline(site: Path) -> None:
    """Point every page at the vendored static files; fail if any page still loads remotely."""
    shutil.copytree(STATIC_DIR, site / _VENDOR, ignore=shutil.ignore_patterns("__pycache__"))
    remote: list[str] = []
    for page in [*site.rglob("*.html"), *(site / "static" / "styles").glob("*.css")]:
        root = Path(os.path.relpath(site, page.parent)).as_posix()
        text = _localise(page.read_text(encoding="utf-8"), root)
        page.write_text(text, encoding="utf-8")
        remote += [
            f"{page.relative_to(site)}: {m.group(0)[:120]}" for m in _REMOTE_LOAD.finditer(text)
        ]
    if remote:
        raise DataDocsError(
            "Data Docs pages load files from the internet, which offline readers cannot reach "
            f"(add them to pipeline/employers/datadocs_static and datadocs._CDN): {'; '.join(remote[:5])}"
        )


def _localise(text: str, root: str) -> str:
    """One page with CDN references replaced by relative links to the vendored copies."""
    for url, local in _CDN.items():
        text = text.replace(f'"{url}"', f'"{root}/{_VENDOR}/{local}"')
    text = _VENDORED_TAG.sub(lambda m: m.group(1) + _SRI.sub("", m.group(2)) + ">", text)
    text = _GX_LOGO.sub(f"{root}/static/images/logo-long.png", text)
    return _FAVICON.sub(f'href="{root}/static/images/favicon.ico"', text)


def _swap(staging: Path, site: Path) -> None:
    """Replace the site by the freshly built one (the old one is removed)."""
    old = site.with_name(f".datadocs-old-{os.getpid()}")
    if site.exists():
        shutil.rmtree(old, ignore_errors=True)
        site.rename(old)
    staging.rename(site)
    shutil.rmtree(old, ignore_errors=True)
