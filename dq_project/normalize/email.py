"""E-mail addresses: width folding, ideographic dots, lower case, a syntax check (no network), and
common domain typos.

A typo domain (gmial.com, qq.con) is not silently corrected: the address keeps what was typed,
its status is 'invalid' with reason 'domain_typo:<domain>' (mail to it bounces, so it is not a
usable contact), and `suggestion` carries the corrected address for a steward to confirm.
"""

from __future__ import annotations

import polars as pl

from dq_project.normalize.text import RAW, clean_text, field_frame, field_reason, field_status

# Dot-atom local part (no leading, trailing or consecutive dots), '@', one or more DNS labels and an
# alphabetic TLD of at least two letters. ASCII only: internationalized domains are reported invalid.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
EMAIL_PATTERN = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z]{{2,63}}$"

# Chinese input methods type these in place of '.'; the full-width forms are folded by clean_text.
_IDEOGRAPHIC_DOTS = ["。", "｡"]


# Misspelt domain -> the domain meant. Only misspellings that are not themselves real mail domains.
DOMAIN_TYPOS: dict[str, str] = {
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gmal.com": "gmail.com",
    "gamil.com": "gmail.com",
    "gmail.con": "gmail.com",
    "gmail.cm": "gmail.com",
    "gmail.co": "gmail.com",
    "gmaill.com": "gmail.com",
    "hotmial.com": "hotmail.com",
    "hotmai.com": "hotmail.com",
    "hotmail.con": "hotmail.com",
    "hotmil.com": "hotmail.com",
    "outlook.con": "outlook.com",
    "outlok.com": "outlook.com",
    "qq.con": "qq.com",
    "qq.cm": "qq.com",
    "qq.co": "qq.com",
    "qq.om": "qq.com",
    "qqcom": "qq.com",
    "163.con": "163.com",
    "163.cm": "163.com",
    "163.co": "163.com",
    "163.om": "163.com",
    "126.con": "126.com",
    "126.cm": "126.com",
    "126.co": "126.com",
    "sina.con": "sina.com",
    "sina.cm": "sina.com",
    "sohu.con": "sohu.com",
    "yahoo.con": "yahoo.com",
    "yaho.com": "yahoo.com",
    "foxmail.con": "foxmail.com",
    "foxmai.com": "foxmail.com",
    "aliyun.con": "aliyun.com",
    "139.con": "139.com",
    "yeah.con": "yeah.net",
    "icloud.con": "icloud.com",
}


def clean_email(expr: pl.Expr) -> pl.Expr:
    """Cleaned, lower-cased address text (null for blanks and placeholders); not yet validated."""
    dotted = expr.str.replace_many(_IDEOGRAPHIC_DOTS, ["."] * len(_IDEOGRAPHIC_DOTS))
    return clean_text(dotted).str.to_lowercase()


def email_is_valid(expr: pl.Expr) -> pl.Expr:
    """True when a cleaned (lower-case) address has valid syntax and RFC 5321 lengths."""
    return (
        expr.str.contains(EMAIL_PATTERN)
        & (expr.str.len_bytes() <= 254)
        & (expr.str.find("@", literal=True) <= 64)
    )


def email_problem(value: pl.Expr) -> pl.Expr:
    """Why a cleaned address fails the syntax check: 'no_at', 'multiple_at', 'space', 'domain'
    (no dotted domain), 'too_long' or 'syntax'."""
    domain = value.str.extract(r"@([^@]*)$", 1)
    return (
        pl.when(~value.str.contains("@", literal=True))
        .then(pl.lit("no_at"))
        .when(value.str.count_matches("@", literal=True) > 1)
        .then(pl.lit("multiple_at"))
        .when(value.str.contains(r"\s"))
        .then(pl.lit("space"))
        .when(~domain.str.contains(r"\.[a-z]{2,}$"))
        .then(pl.lit("domain"))
        .when(value.str.len_bytes() > 254)
        .then(pl.lit("too_long"))
        .otherwise(pl.lit("syntax"))
    )


def plan_email(values: pl.Series) -> pl.LazyFrame:
    """Lazy form of normalize_email (see there)."""
    domain = pl.col("value").str.extract(r"@([^@]+)$", 1)
    fixed = domain.replace_strict(DOMAIN_TYPOS, default=None, return_dtype=pl.String)
    local = pl.col("value").str.extract(r"^([^@]+)@", 1)
    valid = pl.col("syntax_ok") & pl.col("fixed").is_null()
    problem = (
        pl.when(pl.col("fixed").is_not_null())
        .then(pl.lit("domain_typo:") + pl.col("fixed"))
        .otherwise(email_problem(pl.col("value")))
    )
    return (
        field_frame(values)
        .with_columns(value=clean_email(pl.col(RAW)))
        .with_columns(syntax_ok=email_is_valid(pl.col("value")), fixed=fixed, local=local)
        .select(
            "value",
            status=field_status(pl.col(RAW), pl.col("value"), valid, pl.col("value")),
            reason=field_reason(pl.col(RAW), pl.col("value"), valid, problem),
            suggestion=pl.when(pl.col("local").str.contains(r"^\S+$")).then(
                pl.col("local") + pl.lit("@") + pl.col("fixed")
            ),
        )
    )


def normalize_email(values: pl.Series) -> pl.DataFrame:
    """Normalize e-mail addresses: columns value (lower-cased text, kept when invalid), status,
    reason (email_problem, or 'domain_typo:<domain meant>') and suggestion (the address with the
    typo domain corrected; null otherwise)."""
    return plan_email(values).collect()
