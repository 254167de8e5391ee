"""`dq model train` retrains on the current records and keeps every version of the model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from dq_project.cli import app
from dq_project.cli_model import archive_name
from dq_project.settings import PROJECT_ROOT


def test_archive_names_sort_by_time() -> None:
    path = Path("models/splink_person.json")
    assert (
        archive_name(path, dt.datetime(2026, 11, 23, 15, 41, 0)).name == "splink_person.20261123T154100.json"
    )


def test_train_without_data_is_a_clear_error(home: Path) -> None:
    result = CliRunner().invoke(
        app, ["model", "train", "--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(home)]
    )
    assert result.exit_code == 1
    assert "no staged records" in result.output
