"""End to end: the real asset graph on ~2,000 generated rows, asserted against the ground truth."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from dq_generator import generate
from dq_generator.accuracy import DEFECT_RULES

from dq_project.matching.evaluation import pairwise_score
from dq_project.runner import run_daily
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

pytestmark = pytest.mark.e2e

DAY = dt.date(2026, 11, 20)
ROWS = 2000
# One hostile record on top of the generated ones: markup in its key and name, an invalid mobile (so
# it shows up among the report's failure samples).
HOSTILE_ID = "<script>alert(1)</script>"
HOSTILE_ROW = f'"{HOSTILE_ID}",person,<img src=x onerror=alert(2)>,M,,,,,12345,,,,,,,,,,\n'
USER_EXPECTATION = {
    "type": "expect_column_value_lengths_to_be_between",
    "kwargs": {"column": "email", "max_value": 20},
    "meta": {"rule_id": "email_short", "dimension": "validity", "severity": "WARN", "threshold": 0.0},
}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory):
    """Generate a snapshot, run the whole graph once, hand the outcome to every test."""
    home = tmp_path_factory.mktemp("e2e") / "home"
    snapshot = generate(ROWS, 7, home / "landing", DAY)
    with snapshot.files["crm"].open("a", encoding="utf-8") as crm:
        crm.write(HOSTILE_ROW)
    # A user's own suite file with one native GX expectation, named in the config (issue 21).
    user_suite = home.parent / "my_suite.json"
    user_suite.write_text(json.dumps({"name": "mine", "expectations": [USER_EXPECTATION]}), encoding="utf-8")
    config = home.parent / "dq.toml"
    project_config = (Path(__file__).parents[2] / "dq.toml").read_text(encoding="utf-8")
    config.write_text(
        f"{project_config}\n[validation]\nsuites = [{json.dumps(str(user_suite))}]\n", encoding="utf-8"
    )
    warehouse = WarehouseResource(config_path=str(config), home=str(home))
    instance = dg.DagsterInstance.ephemeral()
    result = run_daily(warehouse, DAY, instance=instance)
    con = connect_warehouse(warehouse.settings(), read_only=True)
    outcome = {
        "result": result,
        "snapshot": snapshot,
        "warehouse": warehouse,
        "con": con,
        "settings": warehouse.settings(),
        "instance": instance,
    }
    yield outcome
    outcome["con"].close()


def _truth(snapshot, name: str) -> pl.DataFrame:
    frame = pl.read_csv(snapshot.truth_dir / name, infer_schema=False)
    return frame.with_columns(record_key=pl.format("{}:{}", "source", "source_record_id"))


def test_run_succeeds_and_every_check_is_evaluated(pipeline) -> None:
    result: dg.ExecuteInProcessResult = pipeline["result"]
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) >= 10
    assert {e.check_name for e in evaluations} >= set(DEFECT_RULES.values())


def test_every_input_row_is_in_raw(pipeline) -> None:
    input_rows = sum(pl.read_csv(p, infer_schema=False).height for p in pipeline["snapshot"].files.values())
    assert input_rows == ROWS + 1
    ((raw_rows,),) = pipeline["con"].sql("select count(*) from raw.customer_rows").fetchall()
    ((quarantined,),) = pipeline["con"].sql("select count(*) from raw.quarantine").fetchall()
    ((staged,),) = pipeline["con"].sql("select count(*) from staging.customers").fetchall()
    assert raw_rows + quarantined == input_rows
    assert quarantined == 0
    assert staged == raw_rows


@pytest.mark.parametrize("defect", sorted(DEFECT_RULES))
def test_planted_defects_are_found(pipeline, defect: str) -> None:
    defects = _truth(pipeline["snapshot"], "defects.csv").filter(pl.col("defect") == defect)
    assert defects.height > 0, f"the generator planted no {defect}"
    failures = (
        pipeline["con"]
        .sql(
            "select record_key from quality.rule_failures where rule_id = $rule",
            params={"rule": DEFECT_RULES[defect]},
        )
        .pl()
    )
    planted, found = set(defects["record_key"]), set(failures["record_key"])
    assert planted <= found, f"{defect}: {len(planted - found)} planted defects not found"
    assert len(found & planted) / len(found) >= 0.9, (
        f"{DEFECT_RULES[defect]} flags records without the defect"
    )


def test_missing_person_names_are_found(pipeline) -> None:
    entities = _truth(pipeline["snapshot"], "entities.csv")
    persons = set(entities.filter(pl.col("customer_type") == "person")["record_key"])
    defects = _truth(pipeline["snapshot"], "defects.csv")
    planted = set(defects.filter((pl.col("defect") == "missing") & (pl.col("field") == "name"))["record_key"])
    planted &= persons
    found = set(
        pipeline["con"]
        .sql("select record_key from quality.rule_failures where rule_id = 'person_name_present'")
        .pl()["record_key"]
    )
    assert planted and planted <= found


def test_clustering_matches_truth(pipeline) -> None:
    truth = _truth(pipeline["snapshot"], "entities.csv")
    clusters = pipeline["con"].sql("select record_key, cluster_key from matching.clusters").pl()
    assert clusters.height == ROWS + 1
    score = pairwise_score(clusters, truth)
    assert score.f1 >= 0.9, f"pairwise precision {score.precision:.3f} recall {score.recall:.3f}"


def test_golden_records_close_to_true_entities(pipeline) -> None:
    true_entities = _truth(pipeline["snapshot"], "entities.csv")["entity_id"].n_unique()
    ((golden,),) = pipeline["con"].sql("select count(*) from golden.customers").fetchall()
    assert abs(golden - true_entities) / true_entities <= 0.05
    ((fields_without_provenance,),) = (
        pipeline["con"]
        .sql("""
        select count(*) from golden.customers g
        where g.mobile is not null and not exists (
            select 1 from golden.provenance p where p.golden_id = g.golden_id and p.field = 'mobile')
    """)
        .fetchall()
    )
    assert fields_without_provenance == 0


def test_kpis_written_and_shown_in_report(pipeline) -> None:
    kpis = (
        pipeline["con"]
        .sql(
            "select scope, kind, dimension, measure from quality.kpi_history where snapshot_date = $d",
            params={"d": DAY},
        )
        .pl()
    )
    overall = kpis.filter((pl.col("scope") == "overall") & pl.col("kind").is_in(["dimension", "score"]))
    assert set(overall["dimension"]) >= {"completeness", "validity", "uniqueness", "quality_score"}
    assert set(kpis["scope"]) >= {"overall", "source:crm", "source:erp"}
    assert kpis.filter(pl.col("scope").str.starts_with("owner:")).height > 0
    html = (pipeline["settings"].reports_dir / DAY.isoformat() / "audit.html").read_text(encoding="utf-8")
    for measure in overall["measure"]:
        assert f"{measure * 100:.1f}%" in html
    counts = kpis.filter(pl.col("kind") == "count")
    golden = counts.filter(pl.col("dimension") == "golden_records")["measure"].item()
    assert f"{int(golden):,}" in html


def test_report_masks_pii(pipeline) -> None:
    html = (pipeline["settings"].reports_dir / DAY.isoformat() / "audit.html").read_text(encoding="utf-8")
    staged = (
        pipeline["con"]
        .sql("select mobile, id_number, email from staging.customers where mobile_status <> 'invalid'")
        .pl()
    )
    for column in ("mobile", "id_number", "email"):
        leaked = [v for v in staged[column].drop_nulls().to_list() if v in html]
        assert not leaked, f"unmasked {column} values in the report: {leaked[:3]}"


def test_report_escapes_customer_markup(pipeline) -> None:
    html = (pipeline["settings"].reports_dir / DAY.isoformat() / "audit.html").read_text(encoding="utf-8")
    assert HOSTILE_ID not in html and "onerror=alert(2)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rerun_is_idempotent(pipeline) -> None:
    con: duckdb.DuckDBPyConnection = pipeline["con"]
    tables = [
        "raw.customer_rows",
        "staging.customers",
        "quality.rule_failures",
        "matching.clusters",
        "golden.customers",
        "golden.provenance",
        "quality.kpi_history",
    ]
    before = {t: con.sql(f"select count(*) from {t}").fetchall()[0][0] for t in tables}
    golden_before = set(con.sql("select golden_id from golden.customers").pl()["golden_id"])
    con.close()
    result = run_daily(pipeline["warehouse"], DAY, instance=pipeline["instance"])
    assert result.success
    con = pipeline["con"] = connect_warehouse(pipeline["settings"], read_only=True)
    after = {t: con.sql(f"select count(*) from {t}").fetchall()[0][0] for t in tables}
    assert after == before
    assert set(con.sql("select golden_id from golden.customers").pl()["golden_id"]) == golden_before


def test_full_rerun_rebuilds_every_golden_record_to_the_same_result(pipeline) -> None:
    """`dq run --full`: a full re-link and a full golden rebuild, giving the tables of the first run."""
    con: duckdb.DuckDBPyConnection = pipeline["con"]
    queries = {
        "golden": "select * from golden.customers order by golden_id",
        "provenance": "select * from golden.provenance order by golden_id, field",
        "clusters": "select record_key, golden_id from matching.clusters order by record_key",
    }
    before = {name: con.sql(sql).pl() for name, sql in queries.items()}
    con.close()
    result = run_daily(pipeline["warehouse"], DAY, instance=pipeline["instance"], full_recompute=True)
    assert result.success
    con = pipeline["con"] = connect_warehouse(pipeline["settings"], read_only=True)
    event = pipeline["instance"].get_latest_materialization_event(dg.AssetKey(["golden", "customers"]))
    metadata = event.asset_materialization.metadata
    assert metadata["mode"].value == "full"
    assert metadata["entities_rebuilt"].value == before["golden"].height
    ((mode,),) = con.sql("select mode from matching.runs where as_of_date = $d", params={"d": DAY}).fetchall()
    assert mode == "full"
    for name, sql in queries.items():
        assert con.sql(sql).pl().equals(before[name]), name


def test_no_unmasked_pii_in_dagster_events_metadata_or_the_operation_log(pipeline) -> None:
    """Everything the run wrote to the Dagster event log (log messages, materialization and check
    metadata, failure samples) and to audit.log holds masked values only."""
    from dagster._serdes import serialize_value

    run_id = pipeline["result"].run_id
    events = [serialize_value(record) for record in pipeline["instance"].all_logs(run_id)]
    operations = pipeline["con"].sql("select * from audit.log").fetchall()
    written = "\n".join(events) + "\n" + repr(operations)
    assert "masked_samples" in written  # the failure samples are in the check metadata, masked
    staged = pipeline["con"].sql("select mobile, phone, id_number, email from staging.customers").pl()
    values = {v for c in staged.columns for v in staged[c].drop_nulls().to_list() if len(v) >= 6}
    leaked = sorted(v for v in values if v in written)
    assert not leaked, f"unmasked values in the event log or audit.log: {leaked[:5]}"


def test_a_users_own_expectation_runs_and_is_reported_like_ours(pipeline) -> None:
    con, day = pipeline["con"], DAY.isoformat()
    ((evaluated, failed),) = con.sql(
        "select evaluated, failed from quality.rule_results where rule_id = 'email_short'"
    ).fetchall()
    emails = con.sql("select email from staging.customers where email is not null").pl()["email"]
    assert evaluated == emails.len() and failed == int((emails.str.len_chars() > 20).sum()) > 0
    ((listed,),) = con.sql(
        "select count(*) from quality.rule_failures where rule_id = 'email_short'"
    ).fetchall()
    assert listed == failed
    checks = {e.check_name: e for e in pipeline["result"].get_asset_check_evaluations()}
    extra = checks["additional_expectations"]
    assert not extra.passed and "email_short" in extra.metadata["rules_failed"].value
    report = (pipeline["settings"].reports_dir / day / "audit.html").read_text(encoding="utf-8")
    assert "email_short" in report and "gx/validation.html" in report
    docs = (pipeline["settings"].reports_dir / day / "gx" / "validation.html").read_text(encoding="utf-8")
    assert "email_short" in docs and "city_in_province" in docs


def test_data_docs_hold_no_raw_values(pipeline) -> None:
    docs = (pipeline["settings"].reports_dir / DAY.isoformat() / "gx" / "validation.html").read_text("utf-8")
    mobiles = pipeline["con"].sql("select mobile from staging.customers where mobile is not null").pl()
    examples = {"13888888888", "13812345678", "13800138000"}  # the dummy rule's description names them
    numbers = {m.removeprefix("+86") for m in mobiles["mobile"] if len(m) >= 11} - examples
    assert numbers and not any(n in docs for n in numbers)
