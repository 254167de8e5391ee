"""A whole name from its parts: sources that export first and last name apart (Salesforce, HubSpot,
Zoho, FEBRL) map `given_name` and `family_name`; the rules, the golden record and the reports need
`name`, so a record without one gets the two parts joined, marked as derived."""

from __future__ import annotations

import polars as pl

from dq_project.normalize.text import STATUS_MISSING, STATUS_NORMALIZED

DERIVED_REASON = "derived_from:given_name,family_name"


def joined_name(given: pl.Expr, family: pl.Expr) -> pl.Expr:
    """given and family name as one name: family name first and without a space when it is in Han
    script (林 + 俊杰 -> 林俊杰), given name first otherwise (Wei Zhang); null when both are null."""
    latin = pl.concat_str(given, family, separator=" ", ignore_nulls=True)
    chinese = pl.concat_str(family, given, separator="", ignore_nulls=True)
    joined = pl.when(family.str.contains(r"^\p{Han}")).then(chinese).otherwise(latin)
    return pl.when(joined != "").then(joined)


def derive_name(name: pl.DataFrame, given: pl.DataFrame, family: pl.DataFrame) -> pl.DataFrame:
    """The name field's result (value, status, reason) with a missing name filled from the usable
    (normalized) given and family name: status normalized, reason `derived_from:given_name,family_name`.
    A name the source gave, or one that is invalid, is left as it is."""
    parts = pl.DataFrame({"given": given["value"], "family": family["value"]})
    joined = parts.select(joined_name(pl.col("given"), pl.col("family")).alias("joined"))["joined"]
    derive = (name["status"] == STATUS_MISSING) & joined.is_not_null()
    return name.with_columns(
        value=pl.when(derive).then(joined).otherwise(pl.col("value")),
        status=pl.when(derive).then(pl.lit(STATUS_NORMALIZED)).otherwise(pl.col("status")),
        reason=pl.when(derive).then(pl.lit(DERIVED_REASON)).otherwise(pl.col("reason")),
    )
