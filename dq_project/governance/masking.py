"""PII masking for anything that leaves the pipeline (rule failures, report samples).

Vectorized polars expressions, chosen by canonical field name:

- mobile, phone: ``+8613812345678`` -> ``+86 138****5678``; other numbers keep the first 3 and last 4
  characters (``138****5678``); short values keep only the last 4 (``****5678``) or nothing.
- id_number, credit_code: first 4 + one ``*`` per hidden character + last 4 (``1101**********123X``).
- email: first character of the local part and the domain (``z***@qq.com``).
- name, owner: first character, then one ``*`` per character (``张**``).
- birth_date, id_birth_date: year only (``1985-**-**``).
- keys, codes, statuses and timestamps (NOT_PERSONAL) pass through unchanged.
- anything else (address, company_name, unknown fields): the first 6 characters and ``…``.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

NOT_PERSONAL = frozenset(
    {
        "source",
        "source_record_id",
        "record_key",
        "customer_type",
        "gender",
        "id_gender",
        "province",
        "city",
        "district",
        "tags",
        "created_at",
        "updated_at",
    }
)
TRUNCATE_AT = 6


def _length(value: pl.Expr) -> pl.Expr:
    return value.str.len_chars()


def _stars(value: pl.Expr) -> pl.Expr:
    """One ``*`` per character of ``value``."""
    return value.str.replace_all(r"(?s).", "*")


def _keep_ends(value: pl.Expr, head: int, tail: int) -> pl.Expr:
    """``head`` first characters, one star per hidden character, ``tail`` last characters."""
    middle = _stars(value.str.slice(head).str.head(-tail))
    return pl.concat_str([value.str.head(head), middle, value.str.tail(tail)])


def mask_phone(value: pl.Expr) -> pl.Expr:
    """Mask a phone number (E.164 or the cleaned text of an invalid one), keeping the last 4 digits."""
    compact = value.str.replace_all(r"[\s\-().]", "")
    n = _length(compact)
    cn_mobile = compact.str.replace(r"^\+86(\d{3})\d{4}(\d{4})$", "+86 ${1}****${2}")
    return (
        pl.when(compact.str.contains(r"^\+86\d{11}$"))
        .then(cn_mobile)
        .when(n >= 11)
        .then(pl.concat_str([compact.str.head(3), pl.lit("****"), compact.str.tail(4)]))
        .when(n >= 7)
        .then(pl.concat_str([pl.lit("****"), compact.str.tail(4)]))
        .otherwise(pl.lit("****"))
    )


def mask_identifier(value: pl.Expr) -> pl.Expr:
    """Mask a resident ID or credit code: first 4 + stars + last 4 (short values: all stars)."""
    compact = value.str.replace_all(r"\s", "")
    return pl.when(_length(compact) >= 12).then(_keep_ends(compact, 4, 4)).otherwise(pl.lit("****"))


def mask_email(value: pl.Expr) -> pl.Expr:
    """Keep the first character of the local part and the domain after the last ``@``."""
    trimmed = value.str.strip_chars()
    domain = trimmed.str.extract(r"@([^@\s]*)$", 1)
    return (
        pl.when(domain.is_not_null() & ~trimmed.str.starts_with("@"))
        .then(pl.concat_str([trimmed.str.head(1), pl.lit("***@"), domain]))
        .otherwise(pl.concat_str([trimmed.str.head(1), pl.lit("***")]))
    )


def mask_name(value: pl.Expr) -> pl.Expr:
    """First character, then one star per remaining character (``张三丰`` -> ``张**``)."""
    trimmed = value.str.strip_chars()
    return (
        pl.when(_length(trimmed) <= 1)
        .then(pl.lit("*"))
        .otherwise(pl.concat_str([trimmed.str.head(1), _stars(trimmed.str.slice(1))]))
    )


def mask_date(value: pl.Expr) -> pl.Expr:
    """Keep the year of a date (``1985-03-12`` -> ``1985-**-**``)."""
    return (
        pl.when(value.str.contains(r"^\d{4}"))
        .then(pl.concat_str([value.str.head(4), pl.lit("-**-**")]))
        .otherwise(pl.lit("****"))
    )


def truncate(value: pl.Expr) -> pl.Expr:
    """Generic text: the first characters and an ellipsis."""
    return (
        pl.when(_length(value) > TRUNCATE_AT)
        .then(pl.concat_str([value.str.head(TRUNCATE_AT), pl.lit("…")]))
        .otherwise(value)
    )


def _keep(value: pl.Expr) -> pl.Expr:
    return value


MASKERS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "mobile": mask_phone,
    "phone": mask_phone,
    "id_number": mask_identifier,
    "credit_code": mask_identifier,
    "email": mask_email,
    "name": mask_name,
    "owner": mask_name,
    "given_name": mask_name,
    "family_name": mask_name,
    "identifier": mask_identifier,
    "birth_date": mask_date,
    "id_birth_date": mask_date,
    **dict.fromkeys(NOT_PERSONAL, _keep),
}


def masker_for(field: str) -> Callable[[pl.Expr], pl.Expr]:
    """The masking function for a canonical field name (generic truncation when unknown)."""
    return MASKERS.get(field, truncate)


def mask_values(field: pl.Expr | str, value: pl.Expr) -> pl.Expr:
    """Masked text of ``value`` (any dtype, cast to string; nulls stay null).

    ``field`` is either a field name (one masker for the whole column) or an expression giving the
    field name per row (e.g. the ``field`` column of rule failures). The result keeps ``value``'s name.
    """
    name = value.meta.output_name(raise_if_undetermined=False)
    masked = _masked(field, value.cast(pl.String))
    return masked if name is None else masked.alias(name)


def _masked(field: pl.Expr | str, text: pl.Expr) -> pl.Expr:
    if isinstance(field, str):
        return pl.when(text.is_not_null()).then(masker_for(field)(text))
    fields_by_masker: dict[Callable[[pl.Expr], pl.Expr], list[str]] = {}
    for name, masker in MASKERS.items():
        fields_by_masker.setdefault(masker, []).append(name)
    masked = truncate(text)
    for masker, names in fields_by_masker.items():
        masked = pl.when(field.is_in(names)).then(masker(text)).otherwise(masked)
    return pl.when(text.is_not_null()).then(masked)


def mask_text(field: str, value: object) -> str | None:
    """Scalar form of :func:`mask_values` for one value (``None`` stays ``None``)."""
    if value is None:
        return None
    return pl.select(mask_values(field, pl.lit(str(value)))).item()
