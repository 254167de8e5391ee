"""The dq command as people meet it (issue 24): one message per expected failure and no traceback
unless --debug, warnings in one line, step lines with times, help without the heavy libraries,
`generate --home`, and `export` of a date without a successful run."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import warnings
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dq_project.cli import app as cli_app
from dq_project.cli import console, errors
from dq_project.cli.app import app
from dq_project.settings import PROJECT_ROOT

runner = CliRunner()
CONFIG = str(PROJECT_ROOT / "dq.toml")
DQ = str(Path(sys.executable).parent / "dq")


def test_help_loads_no_heavy_library() -> None:
    """`dq --help` answered in 2.2 s before (Dagster, polars, DuckDB loaded for help); `python -m
    bench.cli_help` times it."""
    probe = (
        "import sys, dq_project.cli.app; "
        "print(sorted(m for m in ('dagster', 'polars', 'duckdb', 'pydantic', 'great_expectations', 'splink') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
    help_run = subprocess.run([DQ, "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "--quiet" in help_run.stdout and "--debug" in help_run.stdout


def test_config_error_is_one_message_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "dq.toml"
    bad.write_text("[warehouse]\nbogus = 1\n", encoding="utf-8")
    result = subprocess.run([DQ, "run", "--config", str(bad)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "bogus" in result.stderr and str(bad) in result.stderr


@pytest.mark.parametrize(
    ("exc", "expected", "code"),
    [
        (FileNotFoundError(2, "No such file", "/data/crm.csv"), "file not found: /data/crm.csv", 1),
        (PermissionError(13, "Permission denied", "/var/dq"), "permission denied: /var/dq", 1),
        (duckdb.CatalogException("Table with name x does not exist"), "warehouse error: Table with", 1),
        (KeyError("surprise"), "unexpected error: KeyError", 1),
    ],
)
def test_errors_explain_what_where_and_what_to_do(exc, expected, code, tmp_path) -> None:
    message, exit_code = errors.explain(exc, tmp_path)
    assert message.startswith(expected) and "to do:" in message and exit_code == code


def test_main_prints_one_message_and_debug_shows_the_traceback(monkeypatch, capsys) -> None:
    def broken() -> None:
        raise FileNotFoundError(2, "No such file", "/data/crm.csv")

    monkeypatch.setattr(cli_app, "app", broken)
    monkeypatch.setattr(console.style, "debug", False)
    monkeypatch.setattr(sys, "argv", ["dq", "run"])
    with pytest.raises(SystemExit) as exited:
        cli_app.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "file not found: /data/crm.csv" in err and "Traceback" not in err
    monkeypatch.setattr(sys, "argv", ["dq", "--debug", "run"])
    with pytest.raises(FileNotFoundError):
        cli_app.main()


def test_a_long_warning_is_one_short_line(capsys, monkeypatch) -> None:
    monkeypatch.setattr(console, "_warned", set())
    monkeypatch.setattr(console.style, "debug", False)
    levels = "; ".join(f"name level {i} 'Jaro-Winkler distance of name >= 0.{i}'" for i in range(40))
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        errors.capture_warnings()
        warnings.warn(
            f"person model: 40 level(s) not observed in training: {levels}", UserWarning, stacklevel=1
        )
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("warning: person model") and len(lines[0]) <= 170


def test_step_lines_and_failure(capsys) -> None:
    console.print_steps(
        [
            console.StepTime("staging__customers", 1.25, True),
            console.StepTime("entity_resolution", 0.4, False, "x"),
        ]
    )
    out = capsys.readouterr()
    assert "ok     staging__customers" in out.out and "1.2s" in out.out
    assert "FAILED entity_resolution" in out.err


def test_quiet_keeps_only_warnings_and_errors(capsys, monkeypatch) -> None:
    monkeypatch.setattr(console.style, "quiet", True)
    console.say("running the pipeline")
    console.print_steps([console.StepTime("staging__customers", 1.0, True)])
    assert capsys.readouterr().out == ""


def test_generate_writes_into_the_homes_landing_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = runner.invoke(
        app, ["generate", "--rows", "20", "--date", "2026-05-01", "--home", str(home), "--config", CONFIG]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (home / "landing").iterdir()) == ["_truth", "crm", "erp"]
    assert (home / "landing" / "crm" / "crm_2026-05-01.csv").is_file()
    assert str(home / "landing") in result.output


@pytest.mark.e2e
def test_a_failed_run_names_its_step_and_export_refuses_the_date(tmp_path: Path) -> None:
    home = tmp_path / "home"
    day = dt.date(2026, 5, 1)
    args = ["--home", str(home), "--config", CONFIG]
    assert runner.invoke(app, ["generate", "--rows", "60", "--date", str(day), *args]).exit_code == 0
    (home / "models").write_text("not a folder", encoding="utf-8")  # entity resolution cannot save its model
    run = subprocess.run([DQ, "run", "--date", str(day), *args], capture_output=True, text=True)
    assert run.returncode == 1
    assert "failing step: entity_resolution: FileExistsError" in run.stderr and "to do:" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout and "Stack Trace" not in run.stderr + run.stdout
    assert "ok     staging__customers" in run.stdout
    export = subprocess.run(
        [DQ, "export", "golden", "--out", str(tmp_path / "g.csv"), "--date", str(day), *args],
        capture_output=True,
        text=True,
    )
    assert export.returncode == 1 and f"{day} has no successful run" in export.stderr
    assert not (tmp_path / "g.csv").exists()
