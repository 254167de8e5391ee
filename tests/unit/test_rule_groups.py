"""The quality step's fast paths give the same rule outcomes as the plain ones (issue 25).

- GX runs one validation per row condition over that group's columns only: the counts equal one
  validation of the whole suite over every column the suite reads.
- The staged partition is read narrowed to the columns the rules use and unordered (sorted after):
  the rule run equals one over the full `select *` frame in row order.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import polars as pl
import pytest
from dq_generator.accuracy import stage_generated

from dq_project.expectations import load_rules, run_rules
from dq_project.expectations.runner import _condition_groups, _gx_columns, _pandas_frame, prepare, validate
from dq_project.expectations.staged import read_staged, rule_columns
from dq_project.expectations.suite import suite_parameters
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import open_warehouse

DAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    sources = tomllib.loads((PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8"))["sources"]
    frame, _ = stage_generated(3000, 5, tmp_path_factory.mktemp("groups"), sources, DAY)
    return frame.with_columns(
        snapshot_date=pl.lit(DAY), load_id=pl.lit("L1"), row_number=pl.int_range(1, pl.len() + 1)
    )


def test_every_group_frame_holds_the_columns_of_a_multi_column_rule() -> None:
    """have_one_filled_among reads its other_columns: its group's frame must hold them."""
    rules = [r for r in load_rules() if r.type == "expect_column_values_to_have_one_filled_among"]
    assert rules, "the shipped suite has a have_one_filled_among rule"
    columns, _ = _gx_columns(rules, ["record_key", "mobile", "phone", "email", "name"])
    assert {"mobile", "phone", "email"} <= set(columns)
    assert "name" not in columns


def test_grouped_validation_counts_equal_one_validation_of_the_whole_suite(staged) -> None:
    rules = load_rules()
    assert len(_condition_groups(rules)) > 1
    df = prepare(staged)
    parameters = suite_parameters(rules, DAY)
    whole = validate(_pandas_frame(df, rules), rules, parameters)
    expected = {
        r.expectation_config.meta["rule_id"]: (
            r.result.get("element_count"),
            r.result.get("unexpected_count"),
        )
        for r in whole.results
    }
    run = run_rules(staged, rules, DAY)
    got = {}
    for result in run.validation.results:
        got[result.expectation_config.meta["rule_id"]] = (
            result.result.get("element_count"),
            result.result.get("unexpected_count"),
        )
    assert got == expected
    assert len(run.validation.results) == len(rules)
    assert sum(failed for _, failed in expected.values()) > 0  # the data has failures to count
    assert run.validation.statistics["evaluated_expectations"] == len(rules)


def test_narrow_unordered_read_gives_the_same_rule_run(staged, tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    shuffled = staged.sample(fraction=1.0, shuffle=True, seed=3)  # stored out of row order
    con.register("frame", shuffled.to_arrow())
    con.execute("insert into staging.customers by name select * from frame")
    available = [c for (c,) in con.execute("select column_name from (describe staging.customers)").fetchall()]
    rules = load_rules()
    narrow = read_staged(con, DAY.isoformat(), rules)
    full = con.execute("select * from staging.customers order by source, load_id, row_number").pl()
    con.close()
    assert set(narrow.columns) == set(rule_columns(rules, available))
    assert {"attributes", "tags", "snapshot_date"}.isdisjoint(narrow.columns)
    assert narrow["record_key"].to_list() == full["record_key"].to_list()
    a, b = run_rules(narrow, rules, DAY), run_rules(full, rules, DAY)
    assert a.results.equals(b.results)
    assert a.failures.equals(b.failures)
    assert a.failures.height > 0
