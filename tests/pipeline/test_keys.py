"""Keys and modes (issue 9 point 5): ≥ 32-byte key, explicit sample mode, `monitor key new`."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from flows.cli import app
from pipeline.ingest.inputs import pseudonym_key
from pipeline.settings import DEMO_PSEUDONYM_KEY, Settings
from schemas.errors import ConfigurationError

GOOD_KEY = "k" * 32


def settings(key: str | None, tmp_path: Path, **extra: object) -> Settings:
    secret = SecretStr(key) if key is not None else None
    return Settings(inbox_dir=tmp_path / "inbox", pseudonym_key=secret, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["", "   ", "kort", "k" * 31])
def test_an_empty_or_short_key_is_refused_in_dutch(key: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"MONITOR_PSEUDONYM_KEY is (te kort|niet gezet)"):
        pseudonym_key(settings(key, tmp_path))


def test_a_key_of_32_bytes_is_used_as_given(tmp_path: Path) -> None:
    assert pseudonym_key(settings(GOOD_KEY, tmp_path)) == GOOD_KEY.encode()


def test_multibyte_characters_count_as_bytes(tmp_path: Path) -> None:
    # 16 characters of two bytes each: 32 bytes, accepted
    assert len(pseudonym_key(settings("é" * 16, tmp_path))) == 32


def test_no_key_is_refused_outside_sample_mode(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="niet gezet"):
        pseudonym_key(settings(None, tmp_path))


def test_a_sample_manifest_beside_the_inbox_does_not_switch_on_sample_mode(tmp_path: Path) -> None:
    """An empty sample.json beside a real inbox used to switch on the public demo key."""
    (tmp_path / "inbox").mkdir()
    (tmp_path / "sample.json").write_text("", encoding="utf-8")

    with pytest.raises(ConfigurationError, match="niet gezet"):
        pseudonym_key(settings(None, tmp_path))


def test_the_demo_key_is_refused_outside_sample_mode(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="demosleutel"):
        pseudonym_key(settings(DEMO_PSEUDONYM_KEY, tmp_path))


def test_sample_mode_is_an_explicit_setting_that_allows_the_demo_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_SAMPLE_MODE", "true")
    monkeypatch.delenv("MONITOR_PSEUDONYM_KEY", raising=False)

    assert pseudonym_key(Settings(inbox_dir=tmp_path / "inbox")) == DEMO_PSEUDONYM_KEY.encode()
    assert pseudonym_key(settings(DEMO_PSEUDONYM_KEY, tmp_path, sample_mode=True)) == (
        DEMO_PSEUDONYM_KEY.encode()
    )


def test_a_short_key_is_refused_in_sample_mode_too(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="te kort"):
        pseudonym_key(settings("kort", tmp_path, sample_mode=True))


def test_make_run_passes_sample_mode_explicitly() -> None:
    makefile = (Path(__file__).parents[2] / "Makefile").read_text(encoding="utf-8")
    run_lines = [line for line in makefile.splitlines() if "monitor run" in line]
    assert run_lines and all("MONITOR_SAMPLE_MODE=true" in line for line in run_lines)


def test_key_new_prints_a_fresh_key_that_is_accepted(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["key", "new"])
    second = runner.invoke(app, ["key", "new"])

    assert first.exit_code == 0, first.output
    key = first.stdout.strip()
    assert len(key) == 64 and key != second.stdout.strip()
    assert pseudonym_key(settings(key, tmp_path)) == key.encode()
