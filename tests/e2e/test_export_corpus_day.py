"""Every export of the corpus (tests/fixtures/exports) landed on one date and run through the real
daily job: the three onboarding / linkage / validation issues working together on foreign data."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tomllib
from pathlib import Path

import dagster as dg
import pytest
from stdnum.cn import ric

from dq_project.runner import run_daily
from dq_project.settings import load_settings
from dq_project.warehouse.resource import WarehouseResource, open_warehouse

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
DAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def corpus_day(tmp_path_factory: pytest.TempPathFactory):
    """A warehouse after one daily run with all ten exports configured and landed."""
    tmp = tmp_path_factory.mktemp("corpus_day")
    blocks = [(CORPUS / f"{name}.toml").read_text(encoding="utf-8") for name in sorted(EXPECTED)]
    config = tmp / "dq.toml"
    config.write_text('[access]\ndefault_role = "admin"\n\n' + "\n".join(blocks), encoding="utf-8")
    home = tmp / "home"
    settings = load_settings(config, home=home, env={})
    for source in settings.sources:
        export = CORPUS / EXPECTED[source.name]["file"]
        folder = settings.source_landing(source)
        folder.mkdir(parents=True)
        shutil.copyfile(export, folder / f"{export.stem}_{DAY}{export.suffix}")
    warehouse = WarehouseResource(config_path=str(config), home=str(home))
    result = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert result.success
    con = open_warehouse(settings.warehouse_path)
    yield con
    con.close()


def _rows(con, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


def test_every_export_loads_and_no_file_is_quarantined(corpus_day) -> None:
    loads = dict(_rows(corpus_day, "select source, sum(rows_loaded)::int from raw.loads group by 1"))
    assert loads == {name: e["loaded"] for name, e in EXPECTED.items()}
    quarantined = dict(_rows(corpus_day, "select source, count(*)::int from raw.quarantine group by 1"))
    assert quarantined == {name: e["quarantined"] for name, e in EXPECTED.items() if e["quarantined"]}
    assert _rows(corpus_day, "select * from raw.quarantined_files") == []
    staged = dict(_rows(corpus_day, "select source, count(*)::int from staging.customers group by 1"))
    assert staged == loads


def test_rules_fail_only_where_the_corpus_plants_defects(corpus_day) -> None:
    failures = _rows(corpus_day, "select rule_id, record_key from quality.rule_failures")
    by_rule: dict[str, set[str]] = {}
    for rule_id, key in failures:
        by_rule.setdefault(rule_id, set()).add(key)
    assert by_rule["email_is_valid"] == {"salesforce_contacts:0035g00000Xk1AgAAJ"}  # chen.mei@example
    # resident IDs whose GB 11643 check character is wrong (the corpus's Kingdee export has two)
    ids = _rows(corpus_day, "select source || ':' || source_record_id, id_number from staging.customers")
    bad_ids = {key for key, n in ids if n and ric.calc_check_digit(n) != n[17]}  # takes all 18
    assert by_rule.get("id_number_checksum_valid", set()) == bad_ids
    assert by_rule["birth_date_is_valid"] == {"febrl3_head:rec-1901-dup-2"}
    assert {
        "salesforce_contacts:0035g00000Xk1AbAAJ",
        "wechat_signups:oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    } <= by_rule["mobile_is_not_dummy"]  # 13812345678, 13800138000
    assert all(key.startswith("febrl3_head:") for key in by_rule["birth_date_in_range"])  # born 1900-1906
    # FEBRL has no contact field: it skips the rule; names joined from their parts are present
    assert not any(key.startswith("febrl3_head:") for key in by_rule["contact_channel_present"])
    assert by_rule["person_name_present"] == {
        "febrl3_head:rec-1177-org", "hubspot_contacts:54", "hubspot_contacts_api:104",
    }  # fmt: skip
    results = {
        r[0]: r[1:] for r in _rows(corpus_day, "select rule_id, evaluated, failed from quality.rule_results")
    }
    # every postcode has its country's shape: 4-digit AU (FEBRL), 6-digit CN, US ZIP, UK
    assert {k: v for k, v in results.items() if k.startswith("postcode_shape_")} == {
        "postcode_shape_cn": (12, 0), "postcode_shape_au": (300, 0),
        "postcode_shape_us": (2, 0), "postcode_shape_gb": (2, 0),
    }  # fmt: skip


def test_golden_records_link_across_exports_and_keep_attributes(corpus_day) -> None:
    golden = {
        r[0]: r[1:]
        for r in _rows(
            corpus_day,
            "select name, sources, postcode, attributes from golden.customers where sources like '%,%'",
        )
    }
    assert golden.keys() >= {"Wei Zhang", "Na Li", "Xiaoming Liu", "Emily Brown"}
    assert golden["Wei Zhang"][0] == "kingdee_customers,salesforce_contacts"
    assert golden["Emily Brown"][1] == "SW1A 2AA"
    attributes = json.loads(golden["Wei Zhang"][2])
    assert (attributes["tier"], attributes["level"], attributes["employee_no"]) == ("钻石", "Gold", "2406")
    assert json.loads(golden["Xiaoming Liu"][2])["company_ids"] == "2001, 2002"
    # FEBRL3's 300 records: every true duplicate pair (same rec-N) merged, no two entities merged
    febrl = _rows(
        corpus_day,
        "select golden_id, regexp_extract(record_key, 'rec-(\\d+)-', 1) from matching.clusters "
        "where record_key like 'febrl3_head:%'",
    )
    entities_per_golden: dict[str, set[str]] = {}
    goldens_per_entity: dict[str, set[str]] = {}
    for golden_id, entity in febrl:
        entities_per_golden.setdefault(golden_id, set()).add(entity)
        goldens_per_entity.setdefault(entity, set()).add(golden_id)
    assert len(febrl) == 300 and len(goldens_per_entity) == 282
    assert all(len(e) == 1 for e in entities_per_golden.values())
    assert all(len(g) == 1 for g in goldens_per_entity.values())
