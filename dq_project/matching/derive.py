"""A model's shape derived from the data: profile the records of one customer type (how often
each feature column is filled, how many distinct values it has, how many pairs each candidate
blocking rule would make) and derive from that profile the comparisons, the prediction blocking
rules and the training blocks.

- A comparison is used when its evidence column is filled in at least MIN_FILL of the records.
  Given and family names filled apart replace the whole-name comparison.
- A blocking rule (predict) is used when all its columns are filled and it makes at most
  `pair_budget` candidate pairs: max(PAIRS_PER_RECORD x records, MIN_PAIR_BUDGET). Chinese CRM
  data keeps every rule it had (at 100k generated persons the largest makes 0.5 pairs a record;
  the name + city rules written as Splink SQL are not budgeted). A birth date alone (3.3 pairs a
  record there) or a name key alone (9.5) is a rule on FEBRL's 5,000 records and on our 20k sample
  (the 50,000-pair floor), not at 100k and up.
- The prior's rules: the near-certain ones whose columns are filled and that find pairs.
- EM's blocks: greedily, in order of preference, rules that find pairs, stay within the budget and
  leave at least one still-untrained comparison outside their columns, until every comparison is
  trained by some block. A comparison no block can train is dropped (and said so).

The derivation is saved next to the model (resolve.model_meta_path) and read back by full and
incremental runs, so both block alike; its digest is part of the run fingerprint.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field

import duckdb
import polars as pl

from dq_project.matching.cannot_link import patterns_for
from dq_project.matching.comparisons import COMPARISONS

logger = logging.getLogger(__name__)

MIN_FILL = 0.01
PAIRS_PER_RECORD = 3
MIN_PAIR_BUDGET = 50_000
EM_PAIRS_PER_RECORD = 50
Rule = tuple[str, ...] | str

# Name + city, only where a birth date is missing (see the pools' comment below).
_NAME_CITY_NO_DATE = tuple(
    f"l.name_key = r.name_key AND l.city = r.city AND {side}.birth_date IS NULL" for side in "lr"
)
# Blocking rules (columns or expressions) per type: prediction, the prior's near-certain matches, and EM.
# Person EM blocks on the ID (pure matches) and name + birth date; blocking on the mobile instead
# would teach EM that family members sharing a number are duplicates. The person prediction rules
# after the ID's near miss catch typos when no ID is there: e-mail domain typos (local part), a
# mistyped day (name + birth year and month, in any city), misspelt Western names (birth date + a
# name part's initial; name_token_* are null for Chinese names, so those rules cost nothing there).
# Name + city come last, only where the birth dates do not rule a pair out: one of them missing,
# or born in the same or the next year (two rules on two-year buckets shifted by one). A plain
# name + city rule paired every two 张伟 of a city: 8.1M of the 14.7M candidate pairs at 1M
# generated persons. These four are equi-joins (the missing-date filter is on one side, so DuckDB
# applies it before joining): a filter over name + city would still build all those pairs.
# Birth date + surname and birth date + city were dropped: 3.1M more candidate pairs there, and no
# true pair that the other rules miss. Every true pair the old rules found is still found at 1M
# (371,709 of 371,737); on fake_1000, 1,504 instead of 1,536.
# Name + birth year (without the month) made 1.9M of the remaining 4.2M pairs at 1M, and found no
# true pair the others miss there or on fake_1000; with the month, 0.16M (predict 30 s -> 24 s).
# Then the generic rules, for data of any country, used only within the pair budget: the
# identifier, a birth date, a postcode, a Latin name part, alone or paired. A rule is a tuple of
# columns / expressions (block_on) or a string of Splink SQL (l. / r.).
# fmt: off
POOLS: dict[str, dict[str, list[Rule]]] = {
    "person": {
        "predict": [("id_number",), ("mobile",), ("email",),
                    ("birth_date", "district"), ("substr(id_number, 1, 17)",),
                    ("email_local",), ("name_key", "year(birth_date)", "month(birth_date)"),
                    ("birth_date", "substr(name_token_lo, 1, 1)"),
                    ("birth_date", "substr(name_token_hi, 1, 1)"),
                    ("name_token_lo", "year(birth_date)"), ("name_token_hi", "year(birth_date)"),
                    *_NAME_CITY_NO_DATE, ("name_key", "city", "floor(year(birth_date) / 2)"),
                    ("name_key", "city", "floor((year(birth_date) + 1) / 2)"),
                    ("identifier",), ("birth_date",), ("postcode",), ("name_token_lo",),
                    ("name_token_hi",), ("phone",), ("name_key", "postcode"), ("birth_date", "postcode"),
                    ("name_token_lo", "postcode"), ("name_token_hi", "postcode"), ("name_key",),
                    ("address",)],
        "prior": [("id_number",), ("identifier",), ("mobile", "name_key")],
        "prior_fallback": [("name_key", "birth_date"), ("email",), ("name_key", "postcode"),
                           ("name_key", "phone"), ("name_key", "address")],
        "em": [("id_number",), ("identifier",), ("name_key", "birth_date"), ("email",),
               ("name_key", "postcode"), ("birth_date", "postcode"), ("name_key", "address"),
               ("name_key", "phone"), ("phone",), ("birth_date",), ("postcode",), ("name_key",)],
    },
    "company": {
        "predict": [("credit_code",), ("company_core",), ("phone",), ("mobile",), ("email_domain",),
                    ("substr(credit_code, 1, 17)",), ("identifier",), ("company_core", "postcode"),
                    ("postcode",)],
        "prior": [("credit_code",), ("identifier",), ("company_core", "city")],
        "prior_fallback": [("company_core",), ("phone",), ("company_core", "postcode")],
        "em": [("credit_code",), ("identifier",), ("company_core",), ("phone",), ("email",),
               ("company_core", "postcode")],
    },
}
# fmt: on
# What a dataset must fill for a model, and what to map when it does not.
_NAME_FIELDS = {"person": ("name_key",), "company": ("company_core",)}
_SECOND_FIELDS = {
    "person": (
        "birth_date",
        "address",
        "postcode",
        "city",
        "mobile",
        "phone",
        "email",
        "id_number",
        "identifier",
    ),
    "company": ("credit_code", "identifier", "address", "postcode", "city", "mobile", "phone", "email"),
}
_WHAT_TO_MAP = {
    "person": "map `name` (or `given_name` and `family_name`) and at least one of `birth_date`, "
    "`address`, `postcode`, `mobile`, `phone`, `email`, `identifier` (or `id_number`)",
    "company": "map `company_name` and at least one of `credit_code`, `identifier`, `address`, "
    "`postcode`, `mobile`, `phone`, `email`",
}


class InsufficientFieldsError(ValueError):
    """The records do not fill enough fields for a model; the message says what to map."""


@dataclass
class Derivation:
    """What a model of one customer type is made of, and the profile it came from."""

    customer_type: str
    comparisons: list[str]
    predict: list[Rule]
    prior: list[Rule]
    em: list[Rule]
    records: int
    fill: dict[str, float] = field(default_factory=dict)  # feature column -> share filled
    distinct: dict[str, int] = field(default_factory=dict)  # feature column -> distinct values
    rule_pairs: dict[str, int] = field(default_factory=dict)  # rule -> candidate pairs it makes
    dropped: list[str] = field(default_factory=list)  # comparisons no training block could train
    cannot_link: list[str] = field(default_factory=list)  # cannot_link.PATTERNS the model applies

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Derivation:
        def rules(key: str) -> list[Rule]:
            return [r if isinstance(r, str) else tuple(r) for r in data[key]]

        return cls(**{**data, "predict": rules("predict"), "prior": rules("prior"), "em": rules("em")})


def rule_text(rule: Rule) -> str:
    return rule if isinstance(rule, str) else " + ".join(rule)


def rule_columns(rule: Rule) -> set[str]:
    """The feature columns a rule reads (names inside expressions and l./r. SQL)."""
    text = rule if isinstance(rule, str) else " ".join(rule)
    return set(re.findall(r"[a-z_][a-z0-9_]*", text)) & _KNOWN_COLUMNS


def _known_columns() -> set[str]:
    from dq_project.matching.features import FEATURE_COLUMNS

    return set(FEATURE_COLUMNS)


_KNOWN_COLUMNS = _known_columns()


def profile(features: pl.DataFrame) -> tuple[dict[str, float], dict[str, int]]:
    """(share of records filling each feature column, distinct values of each)."""
    columns = [c for c in features.columns if c not in ("record_key", "customer_type")]
    height = max(features.height, 1)
    nulls = features.select(pl.col(columns).null_count()).row(0, named=True)
    distinct = features.select(pl.col(columns).drop_nulls().n_unique()).row(0, named=True)
    return {c: round(1 - nulls[c] / height, 4) for c in columns}, {c: int(distinct[c]) for c in columns}


def derive(features: pl.DataFrame, customer_type: str) -> Derivation:
    """The derivation for the features of one customer type (see the module docstring)."""
    fill, distinct = profile(features)
    filled = {c for c, share in fill.items() if share >= MIN_FILL and distinct[c] > 0}
    _require_fields(customer_type, filled)
    pools = POOLS[customer_type]
    comparisons = _comparisons(customer_type, filled)
    candidates = dict.fromkeys([*pools["predict"], *pools["prior"], *pools["prior_fallback"], *pools["em"]])
    usable = [r for r in candidates if rule_columns(r) <= filled]
    pairs = _pair_counts(features, usable)
    budget = max(PAIRS_PER_RECORD * features.height, MIN_PAIR_BUDGET)
    predict = [r for r in pools["predict"] if r in pairs and (isinstance(r, str) or pairs[r] <= budget)]
    if not predict:
        predict = [min(pairs, key=pairs.get)] if pairs else []
    finds = {r for r, n in pairs.items() if n > 0 and not isinstance(r, str)}
    prior = [r for r in pools["prior"] if r in finds]
    if len(prior) < len(pools["prior"]):
        prior += [r for r in pools["prior_fallback"] if r in finds and r not in prior]
    em_budget = max(EM_PAIRS_PER_RECORD * features.height, MIN_PAIR_BUDGET)
    em, dropped = _em_blocks(
        customer_type, comparisons, [r for r in pools["em"] if r in finds], pairs, em_budget
    )
    comparisons = [c for c in comparisons if c not in dropped]
    if not prior and em:
        prior = em[:1]
    return Derivation(
        customer_type=customer_type,
        comparisons=comparisons,
        predict=predict,
        prior=prior,
        em=em,
        records=features.height,
        fill=fill,
        distinct=distinct,
        rule_pairs={rule_text(r): int(n) for r, n in pairs.items()},
        dropped=dropped,
        cannot_link=patterns_for(customer_type, comparisons),
    )


def _require_fields(customer_type: str, filled: set[str]) -> None:
    names = [c for c in _NAME_FIELDS[customer_type] if c in filled]
    second = [c for c in _SECOND_FIELDS[customer_type] if c in filled]
    if names and second:
        return
    missing = [*([] if names else ["a name"]), *([] if second else ["a second field"])]
    raise InsufficientFieldsError(
        f"{customer_type} records fill too few fields for a linkage model (missing: {', '.join(missing)}; "
        f"filled: {sorted(filled) or 'none'}): {_WHAT_TO_MAP[customer_type]} in the source mapping"
    )


def _comparisons(customer_type: str, filled: set[str]) -> list[str]:
    split_names = {"given_name", "family_name"} <= filled
    chosen = []
    for spec in COMPARISONS[customer_type]:
        used = any(c in filled for c in spec.columns) if spec.any_of else spec.columns[0] in filled
        if spec.name == "name" and split_names:
            used = False  # given and family name compared apart
        if spec.unless and spec.unless in filled:
            used = False
        if used:
            chosen.append(spec.name)
    return chosen


def _comparison_columns(customer_type: str, name: str) -> set[str]:
    spec = next(s for s in COMPARISONS[customer_type] if s.name == name)
    columns = set(spec.columns)
    if name in ("name", "given_name", "family_name", "contact_name"):
        columns |= {"name_key", "name_tokens", "name_token_lo", "name_token_hi", "given_name", "family_name"}
    return columns


def _em_blocks(
    customer_type: str, comparisons: list[str], pool: list[Rule], pairs: dict[Rule, int], budget: int
) -> tuple[list[Rule], list[str]]:
    """(EM's blocking rules, comparisons none of them can train): a rule trains the comparisons
    whose columns it does not block on."""
    untrained = list(comparisons)
    chosen: list[Rule] = []
    for rule in pool:
        if pairs.get(rule, 0) > budget:
            continue
        trains = [c for c in untrained if not (_comparison_columns(customer_type, c) & rule_columns(rule))]
        if trains:
            chosen.append(rule)
            untrained = [c for c in untrained if c not in trains]
        if not untrained:
            break
    if untrained:
        logger.warning("%s: no training block can train %s: left out of the model", customer_type, untrained)
    return chosen, untrained


def _pair_counts(features: pl.DataFrame, rules: list[Rule]) -> dict[Rule, int]:
    """Candidate pairs each rule makes (equal, non-null keys). A Splink SQL rule (l./r.) is
    counted as the pairs of its equality keys, an upper bound."""
    con = duckdb.connect()
    con.register("f", features.select([c for c in features.columns if c != "name_tokens"]).to_arrow())
    counts: dict[Rule, int] = {}
    try:
        for rule in rules:
            keys = rule if not isinstance(rule, str) else tuple(re.findall(r"l\.(\w+) = r\.\1", rule))
            where = " and ".join(f"({k}) is not null" for k in keys)
            ((n,),) = con.sql(
                f"select coalesce(sum(n * (n - 1) // 2), 0) from "
                f"(select count(*) as n from f where {where} group by {', '.join(keys)})"
            ).fetchall()
            counts[rule] = int(n)
    finally:
        con.close()
    return counts


_LEGACY = {
    "person": (["id_number", "email", "name", "birth_date", "gender", "mobile_address"], 15),
    "company": (["credit_code", "company_name", "contact_name", "phone", "email", "mobile_address"], 6),
}


def legacy_derivation(customer_type: str) -> Derivation:
    """The fixed model of Chinese CRM data that dq used before derivations: for models saved then
    (no metadata), so they keep predicting as they were trained."""
    comparisons, rules = _LEGACY[customer_type]
    pools = POOLS[customer_type]
    return Derivation(
        customer_type=customer_type,
        comparisons=comparisons,
        predict=pools["predict"][:rules],
        prior=pools["prior"],
        em=pools["em"][:2],
        records=0,
    )
