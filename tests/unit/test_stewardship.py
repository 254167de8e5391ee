"""Steward decisions: validation, CSV import, the masked review list and the `review` sub-command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dq_project.cli.review import review_app
from dq_project.settings import PROJECT_ROOT
from dq_project.stewardship.decisions import (
    DecisionError,
    import_decisions,
    load_decisions,
    record_decision,
    review_list,
)
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.versioned import CLUSTERS, store_state

DAY = dt.date(2026, 1, 1)


def _seed(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "insert into staging.customers (snapshot_date, load_id, source, source_record_id, record_key, "
        "row_number, customer_type, name, mobile, id_number, email) values "
        "($d, 'L', 'crm', '1', 'crm:1', 1, 'person', '张伟', '+8613812345678', '11010519491231002X', "
        "'zw@qq.com'), ($d, 'L', 'erp', '2', 'erp:2', 1, 'person', '张伟', '+8613812345678', null, "
        "'zhangwei@163.com')",
        {"d": DAY},
    )
    weights = json.dumps({"name": 4.2, "mobile_address": 6.5, "email": -1.0, "gender": 0.1})
    con.execute(
        "insert into matching.review_queue "
        "values ($d, 'person', 'crm:1', 'erp:2', 0.8, false, $w, 'uncertain_match')",
        {"d": DAY, "w": weights},
    )
    store_state(con, CLUSTERS, DAY, con.sql(
        "select * from (values ('crm:1', 'person', 'crm:1', 'G1', 2, 'crm:1'), "
        "('erp:2', 'person', 'crm:1', 'G1', 2, 'crm:1'))"
        " as t(record_key, customer_type, cluster_key, golden_id, cluster_size, component_key)"
    ))  # fmt: skip


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = open_warehouse(tmp_path / "home" / "warehouse.duckdb")
    load_decisions(con)  # creates the stewardship tables
    _seed(con)
    yield con
    con.close()


def test_decisions_are_validated_and_stored_with_who_and_when(con) -> None:
    with pytest.raises(DecisionError, match="two different record keys"):
        record_decision(con, "merge", decided_by="li", left="crm:1", right="crm:1")
    with pytest.raises(DecisionError, match="unknown action"):
        record_decision(con, "delete", decided_by="li")
    with pytest.raises(DecisionError, match="decided_by"):
        record_decision(con, "merge", decided_by="", left="crm:1", right="erp:2")
    with pytest.raises(DecisionError, match="unknown field"):
        record_decision(con, "override_field", decided_by="li", golden_id="G1", field="salary", value="1")
    record_decision(con, "keep_apart", decided_by="li", left="crm:1", right="erp:2", reason="siblings")
    decision = record_decision(con, "unmerge", decided_by="wang", golden_id="G1")
    stored = load_decisions(con)
    assert stored.height == 3
    affected = con.sql("select distinct affected_golden_ids from matching.steward_decisions").fetchall()
    assert affected == [(["G1"],)]
    assert stored.filter(stored["decision_id"] == decision)["record_key_l"].to_list() == ["crm:1", "erp:2"]
    assert stored["decided_at"].null_count() == 0 and set(stored["decided_by"]) == {"li", "wang"}


def test_csv_import_is_all_or_nothing(con, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "action,record_key_l,record_key_r,golden_id,field,value,reason,decided_by\n"
        "merge,crm:1,erp:2,,,,same person,\n"
        "override_field,,,G1,mobile,+8613912345670,customer called,zhao\n",
        encoding="utf-8",
    )
    assert len(import_decisions(con, good, "li")) == 2
    assert set(load_decisions(con)["decided_by"]) == {"li", "zhao"}
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "action,record_key_l,record_key_r\nkeep_apart,crm:1,erp:2\nmerge,crm:1,\n", encoding="utf-8"
    )
    with pytest.raises(DecisionError):
        import_decisions(con, bad, "li")
    assert load_decisions(con).height == 2


def test_review_list_masks_values_and_explains_weights(con) -> None:
    (row,) = review_list(con).to_dicts()
    assert row["reason"] == "uncertain_match"
    assert row["mobile_l"] == "+86 138****5678" and row["name_l"] == "张*"
    assert "11010519491231002X" not in json.dumps(row, default=str)
    assert row["top_weights"].startswith("mobile_address +6.5, name +4.2")


def test_review_cli_lists_decides_and_imports(con, tmp_path: Path) -> None:
    con.close()
    runner = CliRunner()
    common = ["--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(tmp_path / "home")]
    listed = runner.invoke(review_app, ["list", *common])
    assert (
        listed.exit_code == 0 and "crm:1 <-> erp:2" in listed.output and "+8613812345678" not in listed.output
    )
    decided = runner.invoke(
        review_app, ["decide", "--left", "crm:1", "--right", "erp:2", "--keep-apart", "--by", "li", *common]
    )
    assert decided.exit_code == 0, decided.output
    csv = tmp_path / "d.csv"
    csv.write_text("action,golden_id\nunmerge,G1\n", encoding="utf-8")
    imported = runner.invoke(review_app, ["import", str(csv), "--by", "wang", *common])
    assert imported.exit_code == 0, imported.output
    failed = runner.invoke(review_app, ["decide", "--left", "a", "--right", "a", "--merge", *common])
    assert failed.exit_code == 1
    check = open_warehouse(tmp_path / "home" / "warehouse.duckdb", read_only=True)
    actions = check.sql("select action, decided_by from matching.steward_decisions order by all").fetchall()
    check.close()
    assert actions == [("keep_apart", "li"), ("unmerge", "wang"), ("unmerge", "wang")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"action": "merge", "left": "crm:1", "right": "crm:NOPE"},
            r"unknown record key\(s\) \['crm:NOPE'\]",
        ),
        ({"action": "keep_apart", "left": "x:1", "right": "erp:2"}, r"unknown record key\(s\) \['x:1'\]"),
        ({"action": "unmerge", "golden_id": "GNOPE"}, "nothing to split"),
        (
            {"action": "override_field", "golden_id": "GNOPE", "field": "name", "value": "李"},
            "unknown golden ID",
        ),
        (
            {"action": "override_field", "golden_id": "G1", "field": "mobile", "value": "not a phone"},
            "'not a phone' is not a valid mobile",
        ),
        (
            {"action": "override_field", "golden_id": "G1", "field": "email", "value": "x@"},
            "not a valid email",
        ),
        (
            {"action": "override_field", "golden_id": "G1", "field": "birth_date", "value": "1990-02-30"},
            "not a valid birth_date",
        ),
    ],
)
def test_decisions_naming_unknown_things_or_invalid_values_are_refused(
    con, kwargs: dict, message: str
) -> None:
    action = kwargs.pop("action")
    with pytest.raises(DecisionError, match=message):
        record_decision(con, action, decided_by="li", phone_region="CN", **kwargs)
    assert load_decisions(con).height == 0


def test_override_values_are_stored_normalised(con) -> None:
    record_decision(con, "override_field", decided_by="li", golden_id="G1", field="mobile",
                    value="138 1234 5678", phone_region="CN")  # fmt: skip
    record_decision(
        con, "override_field", decided_by="li", golden_id="G1", field="mobile", value="+8613912345670"
    )
    with pytest.raises(DecisionError, match="country code"):
        record_decision(
            con, "override_field", decided_by="li", golden_id="G1", field="mobile", value="13912345670"
        )
    assert load_decisions(con)["value"].to_list() == ["+8613812345678", "+8613912345670"]
