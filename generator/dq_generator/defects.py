"""Planted defects and their ground truth: one row per (record, field, defect kind).

Each field gets at most one defect, drawn from one uniform per field and record, so the truth is
exact: a field listed as `missing` is blank or a placeholder, `fullwidth` is the valid value written
in full-width characters, and every other defect kind leaves a value that fails its check.
Which blanks are `missing` defects: every blank or placeholder in name, mobile and email (fields
every record should carry: a company record without its contact's name, and a duplicate leaving out
the email, count too), and the planted blanks in id_number and credit_code. Not defects: fields a
record type never has (a company's resident ID, a person's credit code, birth date), an optional
landline, and what a duplicate's source did not collect (see duplicates.py): its resident ID or
credit code, its birth date. Such a field gets no other defect either, and the first record of an
entity always collects them, so a blank ID on a first record is always a listed defect.
Swapped day and month in a duplicate's birth date is a valid date, not listed (a rule comparing it
with the resident ID can find it). Defects that would leave a duplicate with too little evidence are
taken back (duplicates.keep_evidence) before any is applied, so the truth lists what was applied.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dq_generator.divisions import divisions
from dq_generator.duplicates import BIRTH_LEFT_OUT
from dq_generator.formats import date_text
from dq_generator.identifiers import RIC_CHECK_CHARS, USCC_ALPHABET
from dq_generator.text import choose, fullwidth

KINDS = (
    "missing",
    "invalid_mobile",
    "invalid_email",
    "invalid_id_checksum",
    "invalid_credit_code",
    "invalid_birth_date",
    "updated_before_created",
    "fullwidth",
    "dirty_name",
    "dummy_mobile",
    "placeholder",
    "city_outside_province",
    "missing_province",
    "future_timestamp",
)
# What stewards find by eye (issue 21): values a clerk typed to get past a required field.
OWNER_PLACEHOLDERS = ("待分配", "未知", "不详", "暂无", "测试", "N/A", "-")
DUMMY_MOBILES = ("13888888888", "18888888888", "13800138000", "13812345678", "15999999999", "13111111111")
PLACEHOLDERS = (None, "无", "暂无", "N/A", "null", "-", "空")
_PLACEHOLDER_WEIGHTS = (50, 10, 10, 8, 7, 8, 7)
# field -> (kind, cumulative probability bound) applied in order on the field's uniform draw.
_RATES: dict[str, tuple[tuple[str, float], ...]] = {
    "name": (("missing", 0.025), ("dirty_name", 0.04)),
    "mobile": (("missing", 0.03), ("invalid_mobile", 0.06), ("fullwidth", 0.09), ("dummy_mobile", 0.105)),
    "email": (("missing", 0.02), ("invalid_email", 0.05), ("fullwidth", 0.075)),
    "id_number": (("missing", 0.04), ("invalid_id_checksum", 0.07), ("fullwidth", 0.09)),
    "credit_code": (("missing", 0.02), ("invalid_credit_code", 0.06)),
    "birth_date": (("invalid_birth_date", 0.025),),
    "updated_at": (("updated_before_created", 0.03), ("future_timestamp", 0.04)),
    # Appended after the original fields, so their draws (and every earlier defect) stay the same.
    "owner": (("placeholder", 0.02),),
    "city": (("city_outside_province", 0.02),),
    "province": (("missing_province", 0.02),),
}
_FLAGS = {(field, kind) for field, kinds in _RATES.items() for kind, _ in kinds}


def draw_defects(rng: np.random.Generator, work: pl.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """Masks of the records that get each (field, kind) defect (work: records.draw output)."""
    company = work["is_company"].to_numpy()
    not_collected = {
        "id_number": company | work["code_omitted"].to_numpy(),
        "credit_code": ~company | work["code_omitted"].to_numpy(),
        "birth_date": company | (work["birth_form"].to_numpy() == BIRTH_LEFT_OUT),
        # A record that writes no province/city (the address names them) cannot misplace them.
        "city": work["region_form"].to_numpy() == 2,
        "province": work["region_form"].to_numpy() == 2,
    }
    masks: dict[tuple[str, str], np.ndarray] = {}
    for field, kinds in _RATES.items():
        u = rng.random(work.height)
        # u = 1 is above every rate: no defect in a field the record does not carry.
        if field in not_collected:
            u[not_collected[field]] = 1.0
        lower = 0.0
        for kind, upper in kinds:
            masks[(field, kind)] = (u >= lower) & (u < upper)
            lower = upper
    dropped = work["email_dropped"].to_numpy()
    masks[("email", "missing")] |= dropped
    for kind, _ in _RATES["email"][1:]:
        masks[("email", kind)] &= ~dropped
    return masks


def plant(
    rng: np.random.Generator, work: pl.DataFrame, masks: dict[tuple[str, str], np.ndarray]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records with the defects of `masks` applied, truth rows source/source_record_id/field/defect).

    `rng` draws how each defect looks (which placeholder, which wrong digit).
    """
    n = work.height
    draws = {
        "placeholder": pl.Series(PLACEHOLDERS, dtype=pl.String).gather(choose(rng, n, _PLACEHOLDER_WEIGHTS)),
        "variant": rng.integers(0, 4, n),
        "shift": rng.integers(0, 30, n),
        "plus86": rng.random(n) < 0.3,
        "digit": rng.integers(0, 10, n),
        "year": np.where(rng.random(n) < 0.5, rng.integers(1850, 1900, n), rng.integers(2040, 2100, n)),
        "back_seconds": rng.integers(3600, 400 * 86400, n),
        "owner_placeholder": rng.integers(0, len(OWNER_PLACEHOLDERS), n),
        "dummy": rng.integers(0, len(DUMMY_MOBILES), n),
        "other_division": rng.integers(0, divisions().size, n),
        "ahead_seconds": rng.integers(3600, 200 * 86400, n),
    }
    # A misplaced city must lie in another province: where the drawn one does not, no defect.
    table = divisions()
    other_province = table.province.gather(draws["other_division"])
    masks[("city", "city_outside_province")] &= (other_province != work["province_full"]).to_numpy()
    # A blanked province would be derived from the misplaced city: one defect of the two per record.
    masks[("province", "missing_province")] &= ~masks[("city", "city_outside_province")]
    work = work.with_columns(
        **{_flag(field, kind): mask for (field, kind), mask in masks.items()},
        **{f"dd_{key}": values for key, values in draws.items()},
    )
    work = work.with_columns(
        _apply("name", {"dirty_name": _dirty_name()}),
        _apply(
            "mobile",
            {
                "invalid_mobile": _invalid_mobile(),
                "fullwidth": fullwidth(pl.col("mobile")),
                "dummy_mobile": _lookup(DUMMY_MOBILES, "dd_dummy"),
            },
        ),
        _apply("email", {"invalid_email": _invalid_email(), "fullwidth": _fullwidth_email()}),
        _apply(
            "id_number",
            {
                "invalid_id_checksum": _wrong_check("id_number", RIC_CHECK_CHARS),
                "fullwidth": fullwidth(pl.col("id_number")),
            },
        ),
        _apply("credit_code", {"invalid_credit_code": _wrong_check("credit_code", USCC_ALPHABET)}),
        _apply("birth_date", {"invalid_birth_date": _invalid_birth_date()}),
        _apply("owner", {"placeholder": _lookup(OWNER_PLACEHOLDERS, "dd_owner_placeholder")}),
        _apply("city", {"city_outside_province": _other_city()}),
        _apply("province", {"missing_province": pl.lit(None, pl.String)}),
        pl.when(_flag("updated_at", "updated_before_created"))
        .then(pl.col("created_ts") - pl.duration(seconds=pl.col("dd_back_seconds")))
        .when(_flag("updated_at", "future_timestamp"))
        .then(
            pl.col("updated_ts").max().dt.truncate("1d")
            + pl.duration(days=1, seconds=pl.col("dd_ahead_seconds"))
        )
        .otherwise("updated_ts")
        .alias("updated_ts"),
    )
    keys = work.select("source", "source_record_id")
    truth = pl.concat(
        [
            keys.filter(pl.Series(mask)).with_columns(field=pl.lit(field), defect=pl.lit(kind))
            for (field, kind), mask in masks.items()
        ]
    )
    return work, truth.sort("source", "source_record_id", "field")


def _flag(field: str, kind: str) -> str:
    return f"defect__{field}__{kind}"


def _apply(field: str, variants: dict[str, pl.Expr]) -> pl.Expr:
    """The field with its planted defect, if any (missing: blank or a placeholder)."""
    kinds = {"missing": pl.col("dd_placeholder")} if (field, "missing") in _FLAGS else {}
    (kind, expr), *rest = (kinds | variants).items()
    out = pl.when(_flag(field, kind)).then(expr)
    for kind, expr in rest:
        out = out.when(_flag(field, kind)).then(expr)
    return out.otherwise(field).alias(field)


def _invalid_mobile() -> pl.Expr:
    """Too short, too long, or a prefix no mobile network uses (10x, 11x, 12x)."""
    digits, v = pl.col("mobile_number").cast(pl.String), pl.col("dd_variant")
    bad = (
        pl.when(v == 0)
        .then(digits.str.slice(0, 10))
        .when(v == 1)
        .then(pl.concat_str(digits, pl.col("dd_digit").cast(pl.String)))
        .otherwise(pl.concat_str(pl.lit("1"), (pl.col("dd_digit") % 3).cast(pl.String), digits.str.slice(2)))
    )
    return pl.when("dd_plus86").then(pl.concat_str(pl.lit("+86 "), bad)).otherwise(bad)


def _invalid_email() -> pl.Expr:
    """No @, a double @, a domain without a dot, or a space in the local part."""
    parts = pl.col("email").str.split_exact("@", 1)
    local, domain, v = parts.struct.field("field_0"), parts.struct.field("field_1"), pl.col("dd_variant")
    return (
        pl.when(v == 0)
        .then(pl.concat_str(local, domain))
        .when(v == 1)
        .then(pl.concat_str(local, pl.lit("@@"), domain))
        .when(v == 2)
        .then(pl.concat_str(local, pl.lit("@"), domain.str.replace_all(".", "", literal=True)))
        .otherwise(pl.concat_str(local.str.slice(0, 2), pl.lit(" "), local.str.slice(2), pl.lit("@"), domain))
    )


def _fullwidth_email() -> pl.Expr:
    """Typed with a Chinese input method: full width, often in capitals (ＺＨＡＮＧ＠ＱＱ．ＣＯＭ)."""
    email = pl.col("email")
    upper = pl.col("dd_variant") < 2
    return pl.when(upper).then(fullwidth(email.str.to_uppercase())).otherwise(fullwidth(email))


def _wrong_check(field: str, alphabet: np.ndarray | str) -> pl.Expr:
    """The code with its last character replaced by another character of its check alphabet."""
    chars = list(alphabet)
    text = pl.col(field)
    value = (
        text.str.slice(-1)
        .str.to_uppercase()
        .replace_strict(chars, list(range(len(chars))), return_dtype=pl.Int64)
    )
    other = (value + 1 + pl.col("dd_shift") % (len(chars) - 1)) % len(chars)
    wrong = pl.lit(pl.Series(chars)).gather(other)
    return pl.concat_str(text.str.slice(0, 17), wrong)


def _invalid_birth_date() -> pl.Expr:
    """A day the month lacks (1990-02-30), month 13, a birth before 1900 or in the future."""
    c, v = pl.col, pl.col("dd_variant")
    month = pl.when(v == 0).then(pl.lit(2)).when(v == 1).then(pl.lit(13)).otherwise(c("birth_m"))
    day = pl.when(v == 0).then(30 + c("dd_digit") % 2).otherwise(c("birth_d"))
    year = pl.when(v >= 2).then(c("dd_year")).otherwise(c("birth_y"))
    return date_text(c("source"), year, month, day, c("chinese_date"))


def _lookup(values: tuple[str, ...], index: str) -> pl.Expr:
    return pl.lit(pl.Series(values)).gather(pl.col(index))


def _dirty_name() -> pl.Expr:
    """What an export leaves in a name: a digit (张凤静5), a NUL (张\0三), a mobile or an e-mail."""
    name, v = pl.col("name"), pl.col("dd_variant")
    return (
        pl.when(v == 0)
        .then(pl.concat_str(name, pl.col("dd_digit").cast(pl.String)))
        .when(v == 1)
        .then(pl.concat_str(name.str.slice(0, 1), pl.lit("\x00"), name.str.slice(1)))
        .when(v == 2)
        .then(pl.concat_str(name, pl.lit(" "), pl.col("mobile_number").cast(pl.String)))
        .otherwise(pl.concat_str(name, pl.lit(" zhang@qq.com")))
    )


def _other_city() -> pl.Expr:
    """A city of another province (written in full), as a clerk picking from the wrong list."""
    return pl.lit(divisions().city).gather(pl.col("dd_other_division"))
