"""`dq model train` retrains on the current records and keeps every version of the model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from dq_project.cli.app import app
from dq_project.cli.model import archive_name
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


def test_show_explains_a_model(home: Path) -> None:
    import warnings

    import polars as pl

    from dq_project.matching.model import UntrainedLevelWarning
    from dq_project.matching.resolve import resolve_entities
    from dq_project.normalize import normalize_frame
    from dq_project.settings import MatchingSettings, load_settings

    rows = [
        {"source_record_id": f"{e}-{k}", "name": f"Anna{e} Smith{e % 7}",
         "birth_date": f"19{50 + e % 40}-0{1 + e % 9}-1{e % 9}", "postcode": f"{2000 + e}"}
        for e in range(60) for k in range(2)
    ]  # fmt: skip
    staged = normalize_frame(pl.DataFrame(rows).with_columns(customer_type=pl.lit("person")))
    settings = load_settings(PROJECT_ROOT / "dq.toml", home=home, env={})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UntrainedLevelWarning)
        resolve_entities(
            staged.with_columns(record_key=pl.col("source_record_id")),
            settings.models_dir,
            MatchingSettings(),
        )
    result = CliRunner().invoke(
        app, ["model", "show", "--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(home)]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "person model:" in out and "trained on 120 records" in out
    assert "company: no model" in out
    assert "merge at " in out and "expected F" in out  # the threshold chosen, and why
    assert "comparisons: name, birth_date, postcode" in out
    assert "blocking: " in out and " pairs)" in out
    assert "Exact match on postcode" in out and " m=" in out and " u=" in out and "weight=" in out
