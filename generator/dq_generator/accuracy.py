"""Accuracy of normalizers + rules against the generator's ground truth (bench and tests).

Stages a generated snapshot the way the pipeline does and scores, per planted defect kind and
field, recall and false flags on clean fields. No dagster.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from dq_generator import generate
from dq_project.normalize import normalize_frame

# Planted defect kind -> the rule that must find it (missing: the field's status, see below).
DEFECT_RULES = {
    "invalid_mobile": "mobile_is_valid_e164",
    "invalid_email": "email_is_valid",
    "invalid_id_checksum": "id_number_checksum_valid",
    "invalid_credit_code": "credit_code_checksum_valid",
    "invalid_birth_date": "birth_date_is_valid",
    "updated_before_created": "updated_after_created",
    "dirty_name": "name_is_clean",
    "dummy_mobile": "mobile_is_not_dummy",
    "placeholder": "owner_is_placeholder_free",
    "city_outside_province": "city_in_province",
    "future_timestamp": "updated_at_not_in_future",
}
# A blanked province is reported, not silently filled: either the rule finds it missing, or the
# normalizer derived it with its provenance in province_reason ('derived_from:city').
PROVENANCE_KINDS = {"missing_province": "province"}
# A defect in one field legitimately trips rules filed under a neighbour (a misplaced city makes its
# district inconsistent too; a future creation time precedes the update time).
RELATED_FIELDS = {
    "city": ("province", "district", "phone"),
    "province": ("city", "district"),
    "district": ("city", "province"),
    "phone": ("city",),
    "created_at": ("updated_at",),
    "updated_at": ("created_at",),
    "id_number": ("birth_date", "gender", "name"),
    "birth_date": ("id_number",),
    "name": ("id_number",),
    "credit_code": ("company_name",),
    "company_name": ("credit_code",),
}
# Rules that measure rather than flag a field (staleness feeds the timeliness KPI).
MEASURES = ("record_recently_updated",)
# Validity rules of a field: a value written in full width must trip none of them.
FIELD_RULES = {
    "mobile": ("mobile_is_valid_e164",),
    "email": ("email_is_valid",),
    "id_number": ("id_number_checksum_valid", "id_number_region_known"),
}
# Fields only one customer type carries: clean fields are counted among those records only.
FIELD_SCOPE = {"id_number": "person", "credit_code": "company"}


def stage_generated(
    rows: int, seed: int, out_dir: Path, sources: list[dict], day: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Generate a snapshot under `out_dir` and stage it like the pipeline: CSVs read as text,
    columns renamed per each source's `mapping` (the [[sources]] tables of dq.toml), normalized,
    record_key added. Returns (staged frame, defects truth with record_key)."""
    snapshot = generate(rows, seed, out_dir, day)
    frames = []
    for source in (s for s in sources if s["name"] in snapshot.files):
        raw = pl.read_csv(snapshot.files[source["name"]], infer_schema=False, encoding="utf8")
        raw = raw.rename(lambda column: column.lstrip("\ufeff"))
        canonical = raw.select(pl.col(column).alias(field) for field, column in source["mapping"].items())
        canonical = canonical.with_columns(source=pl.lit(source["name"]))
        staged = normalize_frame(
            canonical, default_region=source["phone_region"], date_order=source["date_order"], today=day
        )
        frames.append(staged.with_columns(record_key=pl.format("{}:{}", "source", "source_record_id")))
    truth = pl.read_csv(snapshot.truth_dir / "defects.csv", infer_schema=False)
    return pl.concat(frames, how="diagonal_relaxed"), truth.with_columns(
        record_key=pl.format("{}:{}", "source", "source_record_id")
    )


def accuracy(staged: pl.DataFrame, truth: pl.DataFrame, failures: pl.DataFrame) -> pl.DataFrame:
    """Per (kind, field): planted, found, recall, false flags among clean fields and their rate.

    Clean fields: records of the field's customer type without a planted defect on the field and
    not left blank.
    missing is found when the field's status is 'missing'; fullwidth must be normalized, so 'found'
    counts values that a validity rule flagged or the normalizer did not accept (expected 0), and
    recall is 1 - found / planted.
    """
    rows = []
    for (kind, field), planted in truth.group_by(["defect", "field"], maintain_order=True):
        planted_keys = planted["record_key"]
        scope = FIELD_SCOPE.get(field)
        keys = staged.filter(pl.col("customer_type") == scope) if scope else staged
        # A field left blank without a planted defect (a duplicate's source did not collect it) is
        # neither a defect nor a written clean value: not counted.
        keys = keys.filter(pl.col(f"{field}_reason").fill_null("") != "blank").select("record_key")
        if kind == "missing":
            flagged = staged.filter(pl.col(f"{field}_status") == "missing")["record_key"]
        elif kind in PROVENANCE_KINDS:
            derived = pl.col(f"{field}_reason").str.starts_with("derived_from:").fill_null(False)
            flagged = staged.filter((pl.col(f"{field}_status") == "missing") | derived)["record_key"]
        elif kind == "fullwidth":
            rules = FIELD_RULES.get(field, ())
            rejected = staged.filter(pl.col(f"{field}_status") == "invalid")["record_key"]
            flagged = pl.concat([failures.filter(pl.col("rule_id").is_in(rules))["record_key"], rejected])
        else:
            flagged = failures.filter(pl.col("rule_id") == DEFECT_RULES[kind])["record_key"]
        related = [field, *RELATED_FIELDS.get(field, ())]
        defective = truth.filter(pl.col("field").is_in(related))["record_key"]
        clean = keys.filter(~pl.col("record_key").is_in(defective.implode()))
        found = int(planted_keys.is_in(flagged.implode()).sum())
        if kind in PROVENANCE_KINDS:  # a value derived with its provenance is not a flag
            flagged = staged.filter(pl.col(f"{field}_status") == "missing")["record_key"]
        false_flags = int(clean["record_key"].is_in(flagged.implode()).sum())
        recall = 1 - found / len(planted_keys) if kind == "fullwidth" else found / len(planted_keys)
        rows.append(
            {
                "kind": kind,
                "field": field,
                "planted": len(planted_keys),
                "found": found,
                "recall": recall,
                "false_flags": false_flags,
                "false_rate": false_flags / clean.height if clean.height else 0.0,
            }
        )
    return pl.DataFrame(rows).sort("kind", "field")


def false_flag_rate(staged: pl.DataFrame, truth: pl.DataFrame, failures: pl.DataFrame) -> dict[str, float]:
    """Valid fields flagged by any rule, over every valid filled field a rule is filed under.

    A (record, field) is valid when the record has no planted defect in that field or a related one
    (RELATED_FIELDS); filled when its status is not 'missing'. Failures of a rule filed under several
    fields ('mobile|phone|email') and timeliness measures are not field flags. Returns flagged,
    valid and rate.
    """
    flags = failures.filter(
        ~pl.col("rule_id").is_in(MEASURES) & ~pl.col("field").str.contains("|", literal=True)
    )
    fields = [
        f for f in flags["field"].unique().to_list() + list(DEFECT_FIELDS) if f"{f}_status" in staged.columns
    ]
    fields = sorted(set(fields))
    spoiled = (
        truth.select(
            "record_key",
            field=pl.concat_list(
                pl.col("field"),
                pl.col("field").replace_strict(
                    {f: list(r) for f, r in RELATED_FIELDS.items()},
                    default=[],
                    return_dtype=pl.List(pl.String),
                ),
            ),
        )
        .explode("field")
        .unique()
    )
    valid = (
        staged.select("record_key", *(pl.col(f"{f}_status").alias(f) for f in fields))
        .unpivot(index="record_key", variable_name="field", value_name="status")
        .filter(pl.col("status") != "missing")
        .join(spoiled, on=["record_key", "field"], how="anti")
    )
    flagged = valid.join(flags.select("record_key", "field").unique(), on=["record_key", "field"], how="semi")
    return {"flagged": flagged.height, "valid": valid.height, "rate": flagged.height / max(valid.height, 1)}


DEFECT_FIELDS = (
    "name",
    "mobile",
    "email",
    "id_number",
    "credit_code",
    "birth_date",
    "owner",
    "city",
    "province",
)
