"""What the KPI SQL (sql/quality/build_kpi_history.sql) needs from the config, as small tables.

The KPIs describe the customer base as of a date (every record's latest version), so the scorecard
by owner must know two things the warehouse does not: which sources have an owner field at all (a
source without one is not a source of records "with the owner missing"), and which owner values
are placeholders rather than people. The placeholders are the ones normalize/ already nulls
(`normalize.text.PLACEHOLDERS`) plus those of the `owner_is_placeholder_free` rule, which the
config changes with `[rules.owner_is_placeholder_free.params] placeholders = [...]`: one list for
the rule that flags a placeholder owner and the scorecard that does not count it as a person.
"""

from __future__ import annotations

import polars as pl

from dq_project.normalize.text import PLACEHOLDERS
from dq_project.settings import Settings

OWNER_RULE = "owner_is_placeholder_free"
# Scope names of the two owner rows that are not people (the report translates them).
NO_OWNER_FIELD = "owner:<no_field>"
OWNER_MISSING = "owner:<missing>"


def owner_placeholders(settings: Settings) -> list[str]:
    """Lower-cased owner values that mean 'nobody': normalize's placeholders and the owner rule's."""
    from dq_project.expectations.suite import load_rules

    overrides = {
        rule_id: override.model_dump(exclude_none=True) for rule_id, override in settings.rules.items()
    }
    configured: list[str] = []
    for rule in load_rules(overrides, suites=settings.validation.suites):
        if rule.id == OWNER_RULE:
            configured = list(rule.kwargs.get("placeholders") or [])
    return sorted({p.lower() for p in [*PLACEHOLDERS, *configured]})


def kpi_tables(settings: Settings) -> dict[str, pl.DataFrame]:
    """kpi_weights (dimension, weight), kpi_owner_sources (source: those mapping an owner) and
    kpi_owner_placeholders (value), registered on the connection while the KPI SQL runs."""
    weights = settings.kpis.weights
    return {
        "kpi_weights": pl.DataFrame({"dimension": list(weights), "weight": list(weights.values())}),
        "kpi_owner_sources": pl.DataFrame(
            {"source": [s.name for s in settings.sources if "owner" in s.mapping or "owner" in s.defaults]},
            schema={"source": pl.String},
        ),
        "kpi_owner_placeholders": pl.DataFrame(
            {"value": owner_placeholders(settings)}, schema={"value": pl.String}
        ),
    }
