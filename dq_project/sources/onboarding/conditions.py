"""Proposals for one column with two meanings, told apart by another column (ERP exports).

- An ID column holding resident IDs in some rows and credit codes in others, beside a type column
  whose values separate them (证件类型 = 身份证 / 统一社会信用代码): id_number and credit_code
  each come from the ID column `when` the type column has the value of their rows.
- A name column holding company names in the rows a customer-type code column calls companies:
  company_name comes from it `when` the type is the company code, and name from a contact column
  (联系人, contact) in those rows, else from the name column.

Shapes, not checksums, tell the kinds apart here: an export's IDs may carry wrong check digits, and
the normalizer flags those later; what matters is which kind of number a row holds.
"""

from __future__ import annotations

import polars as pl

RESIDENT = r"^\d{6}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]$"
CREDIT = r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY]$"
MIN_SHARE, SEPARATES = 0.2, 0.8


def _kind_by_value(frame: pl.DataFrame, type_column: str, test: pl.Expr) -> tuple[str | None, float]:
    """The type column's value whose rows pass `test` most often, and that share."""
    grouped = (
        frame.select(pl.col(type_column).str.strip_chars().alias("t"), test.fill_null(False).alias("ok"))
        .filter(pl.col("t").fill_null("") != "")
        .group_by("t")
        .agg(pl.col("ok").mean())
        .sort(["ok", "t"], descending=[True, False])
    )
    return (grouped["t"][0], float(grouped["ok"][0])) if grouped.height else (None, 0.0)


def _type_columns(frame: pl.DataFrame, exclude: str) -> list[str]:
    """Code-like columns (2..8 distinct values, each used at least twice on average), fewest
    distinct values first, then in file order."""
    found = []
    for index, column in enumerate(frame.columns):
        values = frame[column].drop_nulls()
        distinct = values.n_unique()
        if column != exclude and 2 <= distinct <= 8 and values.len() >= 2 * distinct:
            found.append((distinct, index, column))
    return [column for *_, column in sorted(found)]


def split_ids(frame: pl.DataFrame, mapping: dict[str, object], why: dict[str, str]) -> None:
    """id_number / credit_code from one mixed ID column by the type column that separates them."""
    text = pl.col("v").str.strip_chars().str.to_uppercase()
    taken = {v for k, v in mapping.items() if k in ("id_number", "credit_code") and isinstance(v, str)}
    if len(taken) > 1:
        return  # the two kinds already come from two columns
    for column in sorted(taken) or frame.columns:
        values = frame.select(pl.col(column).alias("v")).filter(
            pl.col("v").str.strip_chars().fill_null("") != ""
        )
        if values.is_empty():
            continue
        shares = values.select(
            text.str.contains(RESIDENT).mean().alias("r"), text.str.contains(CREDIT).mean().alias("c")
        )
        if shares["r"][0] < MIN_SHARE or shares["c"][0] < MIN_SHARE:
            continue
        test_r = pl.col(column).str.strip_chars().str.to_uppercase().str.contains(RESIDENT)
        test_c = pl.col(column).str.strip_chars().str.to_uppercase().str.contains(CREDIT)
        for type_column in _type_columns(frame, column):
            resident, share_r = _kind_by_value(frame, type_column, test_r)
            credit, share_c = _kind_by_value(frame, type_column, test_c)
            if resident != credit and min(share_r, share_c) >= SEPARATES:
                mapping["id_number"] = {"when": {"column": type_column, "equals": resident}, "then": column}
                mapping["credit_code"] = {"when": {"column": type_column, "equals": credit}, "then": column}
                why["id_number"] = why["credit_code"] = (
                    f"{column!r} holds both kinds, told apart by {type_column!r}"
                )
                return


def company_condition(mapping: dict[str, object]) -> dict | None:
    """`{column, equals}` selecting the company rows, from a customer_type code table with one
    company code and a plain name column (else None)."""
    kind, name = mapping.get("customer_type"), mapping.get("name")
    if not isinstance(name, str) or "company_name" in mapping:
        return None
    if isinstance(kind, str):  # a column already spelled as dq's codes (Odoo's company_type)
        return {"column": kind, "equals": "company"}
    if not isinstance(kind, dict):
        return None
    company_codes = sorted(v for v, c in kind.get("codes", {}).items() if c == "company")
    return {"column": kind["column"], "equals": company_codes[0]} if len(company_codes) == 1 else None


def split_names(
    mapping: dict[str, object], why: dict[str, str], condition: dict, contact: str | None
) -> None:
    """company_name from the name column in the company rows; name from a contact column there."""
    name = mapping["name"]
    mapping["company_name"] = {"when": condition, "then": name}
    why["company_name"] = f"{name!r} in the rows where {condition['column']!r} is {condition['equals']!r}"
    if contact and contact != name:
        mapping["name"] = {"when": condition, "then": contact, "else": name}
        why["name"] = f"the contact {contact!r} for companies, else {name!r}"


OWNER_WITH_NUMBER = r"^(.*?)\s*[(（]\s*\d+\s*[)）]\s*$"


def split_owner(frame: pl.DataFrame, mapping: dict[str, object], why: dict[str, str]) -> None:
    """An owner column written `黄鹏(2406)` (name and employee number): the name by pattern."""
    column = mapping.get("owner")
    if not isinstance(column, str):
        return
    values = frame[column].drop_nulls().str.strip_chars()
    values = values.filter(values != "")
    if values.len() and values.str.contains(OWNER_WITH_NUMBER).mean() >= SEPARATES:
        mapping["owner"] = {"column": column, "pattern": OWNER_WITH_NUMBER}
        why["owner"] = "the name before the employee number in parentheses (keep the number as an attribute)"
