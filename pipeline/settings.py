"""The one settings object: paths and keys, from the environment (prefix MONITOR_)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Allowed only in explicit sample mode, MONITOR_SAMPLE_MODE=true (DESIGN §9).
DEMO_PSEUDONYM_KEY = "demo-sleutel-alleen-voor-de-voorbeelddata"


class Settings(BaseSettings):
    """Where things are and which keys to use."""

    model_config = SettingsConfigDict(env_prefix="MONITOR_", extra="ignore")

    inbox_dir: Path = Path("data/inbox")
    reference_dir: Path = Path("data/reference")
    fte_dir: Path | None = None  # default: the reference dir (a sample brings its own)
    warehouse_path: Path = Path("data/warehouse/monitor.duckdb")
    pseudonym_key: SecretStr | None = None
    sample_mode: bool = False  # the generated national sample: demo key allowed, FTE beside it
    max_file_bytes: int = 200 * 1024 * 1024  # every delivery file, whatever its name (S01)
    delivery_timeout_s: float = 120.0  # wall time of one delivery in its worker (S01 beyond)
    delivery_memory_mb: int = 1536  # resident memory of one delivery's worker (S01 beyond)
    workers: int | None = None  # deliveries processed side by side (default: the cores)
    report_memory_mb: int = Field(256, ge=64)  # DuckDB's memory while the night builds its report
    # processes: Prefect tasks on threads hand each group to an isolated local worker process
    # (one warm fork server); prefect-processes: every task in its own Prefect process, each
    # with its own worker; threads: debugging only, no isolation
    runner: Literal["processes", "prefect-processes", "threads"] = "processes"
    dask_address: str | None = None  # a Dask scheduler (tcp://host:8786): process there instead
    coverage_floor: float = 0.60
    schedule_cron: str = "0 2 * * *"
    schedule_timezone: str = "Europe/Amsterdam"
    api_sources: list[str] = []  # ids of the API sources the nightly run pulls (none by default)
    api_sources_dir: Path | None = None  # default: connectors/sources
    delivery_deadline_days: int = 30  # a quarter is due this many days after its last day
    feedback_dir: Path | None = None  # default: feedback/ beside the warehouse's folder
    reports_dir: Path | None = None  # default: reports/ beside the warehouse's folder
    datadocs_keep: int = 200  # validation reports kept for the Data Docs site
    keep_versions: int = 7  # published warehouse versions kept under data/warehouse/versies/
    disclosure_k: int = 5  # published counts from 1 to k-1 are suppressed (plus secondary cells)
    # The employers' portal (`monitor portal serve`): its own state, limits and cookie flag.
    portal_dir: Path = Path("data/portal")  # tokens, sessions, receipts (SQLite), audit log
    portal_max_upload_bytes: int = 50 * 1024 * 1024  # larger uploads get 413, never read whole
    portal_check_seconds: float = 60.0  # wall-clock limit of one isolated check
    portal_check_memory_mb: int = 2048  # address-space limit of one isolated check
    portal_requests_per_minute: int = 60  # per token (API) or session (pages)
    portal_secure_cookie: bool = False  # True behind TLS: the session cookie gets Secure
    start_periode: str | None = None  # first expected quarter (2025Q1); none: the first delivered

    @field_validator("start_periode")
    @classmethod
    def _check_start_periode(cls, value: str | None) -> str | None:
        """`MONITOR_START_PERIODE` is a quarter like 2025Q1 (empty: not set)."""
        from schemas.incident import Periode

        if value is None or not value.strip():
            return None
        try:
            return Periode.parse(value).code
        except ValueError as exc:
            raise ValueError(
                f"MONITOR_START_PERIODE {value!r} is geen kwartaal; gebruik jjjjQk, bijvoorbeeld 2025Q1"
            ) from exc

    @property
    def sample_manifest(self) -> Path:
        """The manifest a generated sample writes beside its inbox."""
        return self.inbox_dir.parent / "sample.json"

    @property
    def is_sample(self) -> bool:
        """True only in explicit sample mode (MONITOR_SAMPLE_MODE); never guessed from files."""
        return self.sample_mode

    @property
    def feedback_directory(self) -> Path:
        """Where feedback per delivery is written (`<organisatiecode>/<delivery>.xlsx`)."""
        return self.feedback_dir or self.warehouse_path.parent.parent / "feedback"

    @property
    def reports_directory(self) -> Path:
        """Where the report and the Data Docs site are written."""
        return self.reports_dir or self.warehouse_path.parent.parent / "reports"

    @property
    def report_directory(self) -> Path:
        """Where `monitor report` and the nightly run write the published report."""
        return self.reports_directory / "rapport"

    @property
    def internal_report_directory(self) -> Path:
        """Where the internal report for the Taskforce (quality per employer) is written."""
        return self.reports_directory / "intern"

    @property
    def worker_count(self) -> int:
        """How many deliveries are processed side by side (MONITOR_WORKERS, else the cores)."""
        return max(1, self.workers or os.cpu_count() or 1)

    @property
    def fte_directory(self) -> Path:
        """Where the yearly FTE files `fte_<jaar>.csv` are."""
        if self.fte_dir is not None:
            return self.fte_dir
        if self.is_sample:
            return self.inbox_dir.parent / "reference"
        return self.reference_dir


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with the overrides that are given (not None)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
