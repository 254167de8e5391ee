"""End to end: stable golden IDs, ID lineage and steward decisions across runs of the real graph.

One warehouse, a sequence of runs on ~600 generated rows; each test builds on the state the
previous ones left (module-scoped fixture, tests run in file order).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dq_generator import generate

from dq_project.runner import run_daily
from dq_project.stewardship.decisions import record_decision
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

pytestmark = pytest.mark.e2e

DAY1, DAY2, DAY3 = dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 11, 22)
ROWS = 600


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("matching_e2e") / "home"
    generate(ROWS, 11, home / "landing", DAY1)
    warehouse = WarehouseResource(config_path=str(Path(__file__).parents[2] / "dq.toml"), home=str(home))
    return {"home": home, "warehouse": warehouse, "instance": dg.DagsterInstance.ephemeral()}


def _run(state: dict, day: dt.date, retrain: bool = False) -> None:
    result = run_daily(
        state["warehouse"], day, instance=state["instance"], retrain=retrain, log_level="WARNING"
    )
    assert result.success


def _sql(state: dict, query: str, **params) -> pl.DataFrame:
    con = connect_warehouse(state["warehouse"].settings(), read_only=True)
    try:
        return con.sql(query, params=params or None).pl()
    finally:
        con.close()


def _ids(state: dict, day: dt.date) -> dict[str, str]:
    frame = _sql(state, "select record_key, golden_id from matching.clusters where as_of_date = $d", d=day)
    return dict(frame.iter_rows())


def _decide(state: dict, action: str, on: dt.date = DAY3, **kwargs) -> None:
    """A decision made on `on` (a decision applies to the runs of its date and later)."""
    con = connect_warehouse(state["warehouse"].settings())
    made = dt.datetime.combine(on, dt.time(9))
    try:
        record_decision(con, action, decided_by="steward.test", reason="e2e", decided_at=made, **kwargs)
    finally:
        con.close()


def test_rerun_and_retrain_keep_every_golden_id(state: dict) -> None:
    _run(state, DAY1)
    first = _ids(state, DAY1)
    changes = _sql(state, "select change, count(*) n from matching.golden_id_changes group by all")
    assert dict(changes.iter_rows()) == {"new": len(set(first.values()))}
    _run(state, DAY1, retrain=True)
    assert _ids(state, DAY1) == first


def test_no_entity_holds_two_valid_resident_ids(state: dict) -> None:
    conflicts = _sql(
        state,
        "select c.golden_id from matching.clusters c join staging.customers s using (record_key) "
        "where c.as_of_date = $d and s.id_number_status in ('ok', 'normalized') "
        "group by c.golden_id having count(distinct s.id_number) > 1",
        d=DAY1,
    )
    assert conflicts.is_empty()


def test_new_snapshot_with_a_duplicate_keeps_the_entity_id(state: dict) -> None:
    landing = state["home"] / "landing"
    generate(ROWS, 11, landing, DAY2)
    crm = pl.read_csv(landing / "crm" / f"crm_{DAY2}.csv", infer_schema=False)
    person = crm.filter((pl.col("type") == "person") & pl.col("id_card_no").is_not_null()).head(1)
    duplicate = person.with_columns(pl.lit("DUP-1").alias("customer_id"))
    duplicate.write_csv(landing / "crm" / f"crm_{DAY2}_late.csv")
    _run(state, DAY2)
    before, after = _ids(state, DAY1), _ids(state, DAY2)
    assert {k: after[k] for k in before} == before
    original = "crm:" + person["customer_id"].item()
    assert after["crm:DUP-1"] == after[original]
    changes = _sql(
        state,
        "select change, golden_id, related_golden_id, records, cause from matching.golden_id_changes "
        "where as_of_date = $d",
        d=DAY2,
    )
    # the ID is kept; that it gained a record is recorded, caused by the new data
    assert changes.rows() == [("members", after[original], None, 1, "new_data")]


def test_steward_decisions_are_honored_and_recorded(state: dict) -> None:
    clusters = _sql(
        state,
        "select record_key, golden_id, cluster_size from matching.clusters "
        "where as_of_date = $d order by all",
        d=DAY2,
    )
    pair = (
        clusters.filter(pl.col("cluster_size") == 2)
        .group_by("golden_id", maintain_order=True)
        .agg("record_key")
    )
    (left, right), kept_gid = pair["record_key"][0].to_list(), pair["golden_id"][0]
    singles = clusters.filter(pl.col("cluster_size") == 1)["record_key"].to_list()
    to_merge = (singles[0], singles[-1])
    _decide(state, "keep_apart", left=left, right=right)
    _decide(state, "merge", left=to_merge[0], right=to_merge[1])
    _decide(state, "override_field", golden_id=kept_gid, field="email", value="steward@example.com")
    _run(state, DAY3)
    ids, old = _ids(state, DAY3), _ids(state, DAY2)
    assert ids[left] != ids[right]
    assert kept_gid in (ids[left], ids[right])
    assert ids[to_merge[0]] == ids[to_merge[1]]
    changes = _sql(state, "select * from matching.golden_id_changes where as_of_date = $d", d=DAY3)
    found = {(c, g, r) for c, g, r in changes.select("change", "golden_id", "related_golden_id").iter_rows()}
    assert ("split", ids[left] if ids[right] == kept_gid else ids[right], kept_gid) in found
    survivor = ids[to_merge[0]]
    retired = ({old[to_merge[0]], old[to_merge[1]]} - {survivor}).pop()
    assert {("merge", survivor, retired), ("retire", retired, survivor)} <= found
    causes = dict(
        ((c, g), cause) for c, g, cause in changes.select("change", "golden_id", "cause").iter_rows()
    )
    assert causes[("merge", survivor)] == causes[("retire", retired)] == "steward_decision"
    merges = _sql(
        state,
        "select numerator from quality.kpi_history where snapshot_date = $d and scope = 'overall' "
        "and dimension = 'merges'",
        d=DAY3,
    )
    assert merges["numerator"].item() >= 1  # the KPI counts the steward's merge
    where = "where as_of_date = $d and golden_id = $g"
    golden = _sql(state, f"select email from golden.customers {where}", d=DAY3, g=kept_gid)
    assert golden["email"].item() == "steward@example.com"
    rule = _sql(state, f"select rule from golden.provenance {where} and field = 'email'", d=DAY3, g=kept_gid)
    assert rule["rule"].item() == "steward_override"


def test_unmerge_splits_a_golden_record_on_the_next_run(state: dict) -> None:
    clusters = _sql(
        state, "select golden_id from matching.clusters where as_of_date = $d and cluster_size >= 3", d=DAY3
    )
    target = clusters["golden_id"].sort()[0]
    _decide(state, "unmerge", golden_id=target)
    _run(state, DAY3)
    unmerged = "select record_key_l from matching.steward_decisions where action = 'unmerge'"
    sizes = _sql(
        state,
        f"select cluster_size from matching.clusters where as_of_date = $d and record_key in ({unmerged})",
        d=DAY3,
    )
    assert sizes["cluster_size"].max() == 1
