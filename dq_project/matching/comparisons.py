"""Splink comparisons by name, each with the feature columns it reads: the derivation
(dq_project.matching.derive) picks those the data fills. Chinese data keeps every level it always
had; the generic ones (identifier, postcode, given and family name, a person's landline) serve
data of any country.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
from splink.comparison_library import CustomComparison

_DIALECT: ContextVar[str] = ContextVar("comparison_dialect", default="duckdb")


@contextmanager
def comparison_dialect(dialect: str) -> Iterator[None]:
    """Build the comparisons for `dialect` ('duckdb' or 'spark') inside the block (the Spark
    engine rebuilds a saved model's comparisons this way: dq_project.engine.spark.linkage)."""
    if dialect not in ("duckdb", "spark"):
        raise ValueError(f"unknown comparison dialect {dialect!r}")
    token = _DIALECT.set(dialect)
    try:
        yield
    finally:
        _DIALECT.reset(token)


def spark_sql(duckdb_sql: str) -> str:
    """DuckDB level SQL that only differs from Spark's in quoting and Jaro-Winkler's name (Splink's
    jar UDF on Spark): identifiers in backticks, string literals untouched."""
    sql = re.sub(r'"(\w+)"', r"`\1`", duckdb_sql)
    return sql.replace("jaro_winkler_similarity(", "jaro_winkler(")


def _spark_hamming(left: str, right: str) -> str:
    """Spark has no hamming(): the differing positions of equal-length strings (null otherwise,
    where DuckDB raises; dq's codes compared this way have one length)."""
    return (
        f"(CASE WHEN length({left}) = length({right}) THEN size(filter(sequence(1, length({left})), "
        f"i -> substr({left}, i, 1) <> substr({right}, i, 1))) END)"
    )


def _spark_one_char_differs(left: str, right: str) -> str:
    return (
        f"size(filter(sequence(1, length({left})), i -> substr({left}, i, 1) <> substr({right}, i, 1))) = 1"
    )


def _level(duckdb_sql: str, label: str, spark: str | None = None) -> cll.CustomLevel:
    """A custom level in the dialect being built: DuckDB's SQL as written; on Spark `spark` (for
    levels with DuckDB-only functions: hamming, list lambdas) or spark_sql of DuckDB's."""
    if _DIALECT.get() == "duckdb":
        return cll.CustomLevel(duckdb_sql, label)
    return cll.CustomLevel(spark or spark_sql(duckdb_sql), label)


def _comparison(name: str, null_col: str, *levels: Any) -> CustomComparison:
    return CustomComparison([cll.NullLevel(null_col), *levels, cll.ElseLevel()], output_column_name=name)


def _exact(col: str, tf: bool = False) -> cll.ExactMatchLevel:
    return cll.ExactMatchLevel(col, term_frequency_adjustments=tf)


def _near_miss(col: str) -> cll.CustomLevel:
    """One substitution (incl. the check character) or one transposition between 18-char codes.

    hamming() first: Damerau-Levenshtein on every sampled pair dominated u estimation.
    """
    left, right = f'"{col}_l"', f'"{col}_r"'
    sql = (
        f"hamming({left}, {right}) <= 1 OR "
        f"(hamming({left}, {right}) = 2 AND damerau_levenshtein({left}, {right}) <= 1)"
    )
    sl, sr = f"`{col}_l`", f"`{col}_r`"
    spark = (
        f"{_spark_hamming(sl, sr)} <= 1 OR "
        f"({_spark_hamming(sl, sr)} = 2 AND damerau_levenshtein({sl}, {sr}) <= 1)"
    )
    return _level(sql, f"{col} near miss (one typo)", spark)


def _mobile_address(fuzzy: float) -> CustomComparison:
    """Mobile, address and city as one comparison. A household shares a number and an address
    (family members on one mobile), so as separate comparisons they would count twice."""
    city_agrees = 'coalesce("city_l" = "city_r", true)'
    same_place = f'("address_l" = "address_r" OR "address_street_l" = "address_street_r") AND {city_agrees}'
    both_mobiles = '"mobile_l" IS NOT NULL AND "mobile_r" IS NOT NULL'
    missing = _level(
        '("mobile_l" IS NULL OR "mobile_r" IS NULL) AND ("address_l" IS NULL OR "address_r" IS NULL)'
        ' AND ("city_l" IS NULL OR "city_r" IS NULL)',
        "Mobile and address missing",
    ).configure(is_null_level=True)
    levels = [
        _level(f'"mobile_l" = "mobile_r" AND {same_place}', "Same mobile and address"),
        _level('"mobile_l" = "mobile_r"', "Same mobile, address differs or missing"),
        _level('"mobile_last8_l" = "mobile_last8_r"', "Same last 8 mobile digits"),
        _level(f"{same_place} AND {both_mobiles}", "Same address, mobiles differ"),
        _level(same_place, "Same address, a mobile missing"),
        _level(
            f'jaro_winkler_similarity("address_l", "address_r") >= {fuzzy} AND {city_agrees}',
            f"Similar address (Jaro-Winkler >= {fuzzy})",
        ),
        _level('"city_l" = "city_r" AND "district_l" = "district_r"', "Same city and district"),
        _exact("city", tf=True),
        _level('jaro_winkler_similarity("city_l", "city_r") >= 0.88', "Similar city (Jaro-Winkler >= 0.88)"),
    ]
    return CustomComparison([missing, *levels, cll.ElseLevel()], output_column_name="mobile_address")


def _all_parts_alike(parts: str, other: str, threshold: float) -> str:
    """SQL: every part of the name list `parts` has a part of `other` with Jaro-Winkler >= threshold."""
    if _DIALECT.get() == "spark":
        return f"forall({parts}, x -> exists({other}, y -> jaro_winkler(x, y) >= {threshold}))"
    close = f"list_bool_or(list_transform({other}, lambda y: jaro_winkler_similarity(x, y) >= {threshold}))"
    return f"list_bool_and(list_transform({parts}, lambda x: {close}))"


def _same_latin_name() -> cll.CustomLevel:
    return _level('"name_tokens_l" = "name_tokens_r"', "Same name parts (Latin script)")


def _latin_name_levels() -> list[cll.CustomLevel]:
    """Fuzzy levels for Latin-script names that are not pinyin (name_tokens: sorted parts, null for
    Chinese names, so these never fire there): parts alike, a part missing, roughly alike, one shared."""
    spark = _DIALECT.get() == "spark"
    left, right = ("`name_tokens_l`", "`name_tokens_r`") if spark else ('"name_tokens_l"', '"name_tokens_r"')
    size = "size" if spark else "len"

    def shorter_alike(threshold: float) -> str:
        # symmetric: with as many parts on both sides, either side's parts may be the ones alike
        # (a pair gets the same level whichever record is on the left)
        return (
            f"({size}({left}) <= {size}({right}) AND {_all_parts_alike(left, right, threshold)}) OR "
            f"({size}({right}) <= {size}({left}) AND {_all_parts_alike(right, left, threshold)})"
        )

    return [
        _level(
            f"{size}({left}) = {size}({right}) AND {_all_parts_alike(left, right, 0.88)}"
            f" AND {_all_parts_alike(right, left, 0.88)}",
            "Name parts alike (Jaro-Winkler >= 0.88)",
        ),
        _level(
            f"list_has_all({left}, {right}) OR list_has_all({right}, {left})",
            "A name part missing",
            f"size(array_except({right}, {left})) = 0 OR size(array_except({left}, {right})) = 0",
        ),
        _level(shorter_alike(0.88), "A name part missing, the others alike"),
        _level(shorter_alike(0.7), "Name parts roughly alike (Jaro-Winkler >= 0.7)"),
        _level(
            f"len(list_intersect({left}, {right})) > 0",
            "One name part in common",
            f"size(array_intersect({left}, {right})) > 0",
        ),
    ]


def _chinese_name_levels() -> list[cll.CustomLevel]:
    """A character dropped, the same surname with one given-name character different, pinyin one
    letter apart (the last name levels, after the exact and Latin ones)."""
    name_prefix = _level(
        'starts_with("name_py_l", "name_py_r") OR starts_with("name_py_r", "name_py_l")',
        "One name is the other with a character dropped",
        "startswith(`name_py_l`, `name_py_r`) OR startswith(`name_py_r`, `name_py_l`)",
    )
    # Character positions (substr), since DuckDB's edit distances count UTF-8 bytes.
    one_char = _level(
        'length("name_chars_l") = length("name_chars_r") AND substr("name_chars_l", 1, 1) = '
        'substr("name_chars_r", 1, 1) AND len(list_filter(range(1, length("name_chars_l") + 1), '
        'lambda i: substr("name_chars_l", i, 1) <> substr("name_chars_r", i, 1))) = 1',
        "Same surname, one given-name character differs",
        "length(`name_chars_l`) = length(`name_chars_r`) AND substr(`name_chars_l`, 1, 1) = "
        "substr(`name_chars_r`, 1, 1) AND " + _spark_one_char_differs("`name_chars_l`", "`name_chars_r`"),
    )
    # Not Jaro-Winkler: on pinyin it rewards the shared surname prefix, i.e. relatives.
    py_typo = _level('damerau_levenshtein("name_py_l", "name_py_r") <= 1', "Pinyin one letter apart")
    return [name_prefix, one_char, py_typo]


def _birth_levels() -> list[cll.CustomLevel]:
    """Day and month swapped, one digit apart, two digits apart."""
    birth_swapped = _level(
        'year("birth_date_l") = year("birth_date_r") AND month("birth_date_l") = day("birth_date_r")'
        ' AND day("birth_date_l") = month("birth_date_r")',
        "Day and month swapped",
    )
    # birth_digits: yyyymmdd, 8 characters on both sides. An edit distance of at most 1 between
    # strings of equal length needs at most 2 differing positions, one of at most 2 (a substitution
    # or a transposition each) at most 4 unless an insertion and a deletion are involved, and then
    # Levenshtein's distance is the same: so the slow Damerau-Levenshtein runs only where it can
    # decide. Same levels as damerau_levenshtein(...) <= 1 / <= 2, at a third of the cost.
    left, right = '"birth_digits_l"', '"birth_digits_r"'
    sl, sr = "`birth_digits_l`", "`birth_digits_r`"
    birth_typo = _level(
        f"CASE WHEN hamming({left}, {right}) <= 2 THEN damerau_levenshtein({left}, {right}) <= 1"
        " ELSE false END",
        "Birth dates one digit apart",
        f"CASE WHEN {_spark_hamming(sl, sr)} <= 2 THEN damerau_levenshtein({sl}, {sr}) <= 1 ELSE false END",
    )
    birth_typos = _level(
        f"CASE WHEN hamming({left}, {right}) <= 4 THEN damerau_levenshtein({left}, {right}) <= 2"
        f" ELSE levenshtein({left}, {right}) <= 2 END",
        "Birth dates two digits apart",
        f"CASE WHEN {_spark_hamming(sl, sr)} <= 4 THEN damerau_levenshtein({sl}, {sr}) <= 2"
        f" ELSE levenshtein({sl}, {sr}) <= 2 END",
    )
    return [birth_swapped, birth_typo, birth_typos]


def _email_alike() -> cll.CustomLevel:
    return _level(
        'jaro_winkler_similarity("email_l", "email_r") >= 0.88', "Similar email (Jaro-Winkler >= 0.88)"
    )


def _identifier() -> CustomComparison:
    """A generic ID of any scheme: exact, then one or two edits (typed numbers)."""
    left, right = '"identifier_l"', '"identifier_r"'
    return _comparison(
        "identifier",
        "identifier",
        _exact("identifier"),
        _level(f"damerau_levenshtein({left}, {right}) <= 1", "identifier one edit apart"),
        _level(f"damerau_levenshtein({left}, {right}) <= 2", "identifier two edits apart"),
    )


def _postcode() -> CustomComparison:
    left, right = '"postcode_l"', '"postcode_r"'
    return _comparison(
        "postcode",
        "postcode",
        _exact("postcode", tf=True),
        _level(f"damerau_levenshtein({left}, {right}) <= 1", "postcode one edit apart"),
    )


def _name_part(part: str, other: str) -> CustomComparison:
    """Given or family name on its own (sources that keep them apart): exact (term frequencies),
    alike, roughly alike, or swapped with the other part."""
    left, right = f'"{part}_l"', f'"{part}_r"'
    return _comparison(
        part,
        part,
        _exact(part, tf=True),
        _level(f"jaro_winkler_similarity({left}, {right}) >= 0.92", f"{part} alike (JW >= 0.92)"),
        _level(f"jaro_winkler_similarity({left}, {right}) >= 0.8", f"{part} roughly alike (JW >= 0.8)"),
        _level(f'{left} = "{other}_r" OR {right} = "{other}_l"', f"{part} swapped with {other}"),
    )


def _birth_date() -> CustomComparison:
    return _comparison("birth_date", "birth_date", _exact("birth_date"), *_birth_levels())


def _person_name() -> CustomComparison:
    return _comparison(
        "name",
        "name_key",
        _exact("name_chars", tf=True),
        # Before the pinyin key, without term frequencies: on a small file that holds each person
        # several times, the duplicates themselves make every Western name look common.
        _same_latin_name(),
        _exact("name_key", tf=True),
        *_latin_name_levels(),
        *_chinese_name_levels(),
    )


# Character positions (substr), since DuckDB's edit distances count UTF-8 bytes.
ONE_TRADE_CHAR = "One trade-name character differs"


def _company_name() -> CustomComparison:
    """The name core: exact (term frequencies), one character apart (another brand: 华信 / 华鑫),
    alike (Jaro-Winkler >= 0.9)."""
    one_char = _level(
        'length("company_core_l") = length("company_core_r") AND length("company_core_l") >= 2 AND '
        'len(list_filter(range(1, length("company_core_l") + 1), '
        'lambda i: substr("company_core_l", i, 1) <> substr("company_core_r", i, 1))) = 1',
        ONE_TRADE_CHAR,
        "length(`company_core_l`) = length(`company_core_r`) AND length(`company_core_l`) >= 2 AND "
        + _spark_one_char_differs("`company_core_l`", "`company_core_r`"),
    )
    return _comparison(
        "company_name",
        "company_core",
        _exact("company_core", tf=True),
        one_char,
        cll.JaroWinklerLevel("company_core", 0.9),
    )


BRANCH_DIFFERS, FORM_DIFFERS = "Branch differs", "Legal form differs"


def _company_form() -> CustomComparison:
    """Legal form (集团 / 股份 / 有限) and branch: the same, another branch (or a branch and its head
    office), or another legal form. Nothing to compare: a name states no form on either side and
    neither or both name the same branch."""
    same_branch = "coalesce(\"company_branch_l\", '') = coalesce(\"company_branch_r\", '')"
    missing = _level(
        f'("company_form_l" IS NULL OR "company_form_r" IS NULL) AND {same_branch}',
        "No legal form to compare",
    ).configure(is_null_level=True)
    return CustomComparison(
        [
            missing,
            _level(f'"company_form_l" = "company_form_r" AND {same_branch}', "Same legal form and branch"),
            _level(f"NOT ({same_branch})", BRANCH_DIFFERS),
            cll.ElseLevel().configure(label_for_charts=FORM_DIFFERS),
        ],
        output_column_name="company_form",
    )


@dataclass(frozen=True)
class ComparisonSpec:
    """A comparison the derivation may pick: the feature columns it reads (it is used when the
    first of them, its evidence, is filled; `any_of` instead: when any is) and its builder."""

    name: str
    columns: tuple[str, ...]
    build: Callable[[], CustomComparison]
    any_of: bool = False
    unless: str | None = None  # not used when this column is filled (its evidence is elsewhere)


PERSON_COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec("id_number", ("id_number",), lambda: _comparison(
        "id_number", "id_number", _exact("id_number"), _near_miss("id_number"))),
    ComparisonSpec("identifier", ("identifier",), _identifier),
    ComparisonSpec("email", ("email", "email_local"), lambda: _comparison(
        "email", "email", _exact("email"), _exact("email_local", tf=True), _email_alike())),
    ComparisonSpec("name", ("name_key", "name_chars", "name_py", "name_tokens"), _person_name),
    ComparisonSpec("given_name", ("given_name", "family_name"),
                   lambda: _name_part("given_name", "family_name")),
    ComparisonSpec("family_name", ("family_name", "given_name"),
                   lambda: _name_part("family_name", "given_name")),
    ComparisonSpec("birth_date", ("birth_date", "birth_digits"), _birth_date),
    ComparisonSpec("gender", ("gender",), lambda: _comparison("gender", "gender", _exact("gender"))),
    ComparisonSpec("postcode", ("postcode",), _postcode),
    # a person's landline counts only in data without mobiles (there it is the person's number)
    ComparisonSpec("phone", ("phone",), lambda: _comparison("phone", "phone", _exact("phone")),
                   unless="mobile"),
    ComparisonSpec(
        "mobile_address", ("mobile", "address", "city", "address_street", "mobile_last8", "district"),
        lambda: _mobile_address(0.9), any_of=True,
    ),
)  # fmt: skip
COMPANY_COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec("credit_code", ("credit_code",), lambda: _comparison(
        "credit_code", "credit_code", _exact("credit_code"), _near_miss("credit_code"))),
    ComparisonSpec("identifier", ("identifier",), _identifier),
    ComparisonSpec("company_name", ("company_core",), _company_name),
    ComparisonSpec("company_form", ("company_form", "company_branch"), _company_form, any_of=True),
    ComparisonSpec("contact_name", ("name_key",),
                   lambda: _comparison("contact_name", "name_key", _exact("name_key"))),
    ComparisonSpec("phone", ("phone",), lambda: _comparison("phone", "phone", _exact("phone"))),
    ComparisonSpec("email", ("email", "email_domain"), lambda: _comparison(
        "email", "email", _exact("email"), _exact("email_domain"))),
    ComparisonSpec("postcode", ("postcode",), _postcode),
    ComparisonSpec(
        "mobile_address", ("mobile", "address", "city", "address_street", "mobile_last8", "district"),
        lambda: _mobile_address(0.85), any_of=True,
    ),
)  # fmt: skip
COMPARISONS = {"person": PERSON_COMPARISONS, "company": COMPANY_COMPARISONS}
