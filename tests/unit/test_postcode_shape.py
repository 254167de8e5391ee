"""Postcode shape per country: native GX regex expectations with a row condition on the record's
country (suite file), after the normalizer's country-blind clean-up (normalize.identifier)."""

from __future__ import annotations

import polars as pl
from stage_helpers import DAY, stage

from dq_project.expectations import load_rules, run_rules

RULES = load_rules()
SHAPES = ("postcode_shape_cn", "postcode_shape_au", "postcode_shape_us", "postcode_shape_gb")


def test_each_countrys_postcodes_are_checked_by_its_own_shape_only() -> None:
    rows = [
        ("CN", "100022"), ("CN", "10002"), ("CN", "SW1A 2AA"),
        ("AU", "2119"), ("AU", "21190"),
        ("US", "94105"), ("US", "94105-1234"), ("US", "9410"),
        ("GB", "sw1a  2aa"), ("GB", "M1 1AE"), ("GB", "EC1A1BB"), ("GB", "12345"),
        ("DE", "10115"), ("FR", "ABCDE"), ("CN", None),
    ]  # fmt: skip
    staged = stage([{"country": c, "postcode": p} for c, p in rows])
    assert staged["postcode"][8] == "SW1A 2AA"  # the normalizer cleans; the suite judges the shape
    run = run_rules(staged, RULES, DAY)
    failures = run.failures.filter(pl.col("rule_id").is_in(SHAPES))
    failed = dict(zip(failures["record_key"].str.split(":").list.last(), failures["rule_id"], strict=True))
    assert failed == {
        "R001": "postcode_shape_cn",
        "R002": "postcode_shape_cn",
        "R004": "postcode_shape_au",
        "R007": "postcode_shape_us",
        "R011": "postcode_shape_gb",
    }
    evaluated = dict(
        run.results.filter(pl.col("rule_id").is_in(SHAPES)).select("rule_id", "evaluated").rows()
    )
    assert evaluated == {
        "postcode_shape_cn": 3,
        "postcode_shape_au": 2,
        "postcode_shape_us": 3,
        "postcode_shape_gb": 4,
    }
    assert set(failures["field"]) == {"postcode"}
