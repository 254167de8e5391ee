"""A source may skip a cross-column rule (`[sources.rules] skip`): FEBRL exports no phone or e-mail,
so contact_channel_present must not judge it, and GX must count only the other sources' rows."""

from __future__ import annotations

import polars as pl
from stage_helpers import DAY, stage

from dq_project.expectations import load_rules, run_rules

NO_CHANNEL = {"mobile": None, "phone": None, "email": None}


def test_a_source_skipping_contact_channel_present_is_not_judged() -> None:
    staged = stage([{**NO_CHANNEL, "source": "febrl"}, {**NO_CHANNEL, "source": "febrl"}, {}, NO_CHANNEL])
    rules = load_rules(scopes={"febrl": {"skip": ["contact_channel_present"]}, "crm": {}})
    run = run_rules(staged, rules, DAY)
    result = run.results.filter(pl.col("rule_id") == "contact_channel_present").row(0, named=True)
    assert (result["evaluated"], result["failed"]) == (2, 1)
    failures = run.failures.filter(pl.col("rule_id") == "contact_channel_present")
    assert failures.select("record_key", "field", "reason").rows() == [
        ("crm:R003", "mobile|phone|email", "missing")
    ]


def test_without_the_skip_every_record_is_judged() -> None:
    staged = stage([{**NO_CHANNEL, "source": "febrl"}, {}, NO_CHANNEL])
    run = run_rules(staged, load_rules(), DAY)
    result = run.results.filter(pl.col("rule_id") == "contact_channel_present").row(0, named=True)
    assert (result["evaluated"], result["failed"]) == (3, 2)
