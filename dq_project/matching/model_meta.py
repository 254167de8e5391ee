"""What dq saves with a Splink model, next to its JSON (Splink rejects unknown keys in its
settings): the derivation (comparisons and blocking rules, from the data's profile), the merge and
review thresholds chosen and why, and the training size and its unobserved levels, which model
health and `dq model show` report.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from dq_project.matching.derive import Derivation, legacy_derivation, rule_text


def meta_path(model_path: Path) -> Path:
    """models/splink_person.json -> models/splink_person.meta.json"""
    return Path(model_path).with_suffix(".meta.json")


def save_meta(model_path: Path, meta: dict) -> Path:
    path = meta_path(model_path)
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path


def load_meta(model_path: Path) -> dict | None:
    """The saved metadata, or None for a model saved before dq kept any."""
    path = meta_path(model_path)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def load_derivation(model_path: Path, customer_type: str) -> Derivation:
    """The derivation saved with a model (legacy_derivation for a model saved without one)."""
    meta = load_meta(model_path)
    if not meta or "derivation" not in meta:
        return legacy_derivation(customer_type)
    return Derivation.from_dict(meta["derivation"])


def describe(model_path: Path, customer_type: str) -> list[str]:
    """Lines that explain a saved model: training size, thresholds and why, the derivation (what
    the data filled, comparisons, blocking rules with their pair counts, training blocks,
    cannot-link patterns), every level with its m, u and weight, and the levels not observed."""
    model = json.loads(Path(model_path).read_text(encoding="utf-8"))
    meta = load_meta(model_path) or {}
    derivation = load_derivation(model_path, customer_type)
    lines = [f"{customer_type} model: {model_path}"]
    training = meta.get("training", {})
    lines.append(
        f"  trained on {training.get('records', '?'):,} records" if training else "  (saved without metadata)"
    )
    lines.append(f"  prior (share of pairs that match): {model['probability_two_random_records_match']:.3g}")
    chosen = meta.get("thresholds")
    if chosen:
        lines.append(
            f"  merge at {chosen['merge_threshold']}, review from {chosen['review_threshold']}: "
            f"{chosen['reason']}"
        )
    filled = ", ".join(f"{c} {share:.0%}" for c, share in derivation.fill.items() if share > 0)
    if filled:
        lines.append(f"  fields filled: {filled}")
    lines.append(f"  comparisons: {', '.join(derivation.comparisons)}")
    rules = [
        f"{rule_text(r)} ({derivation.rule_pairs.get(rule_text(r), '?'):,} pairs)" for r in derivation.predict
    ]
    lines.append(f"  blocking: {'; '.join(rules)}")
    lines.append(f"  training blocks (EM): {'; '.join(rule_text(r) for r in derivation.em)}")
    if derivation.cannot_link:
        lines.append(f"  cannot-link evidence: {', '.join(derivation.cannot_link)}")
    for comparison in model["comparisons"]:
        lines.append(f"  {comparison['output_column_name']}:")
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = f"{math.log2(m / u):+.2f}" if m and u else "?"
            label = level.get("label_for_charts", level["sql_condition"])
            lines.append(f"    {label:<58} m={m:.3g} u={u:.3g} weight={weight}")
    unobserved = training.get("unobserved_levels") or []
    if unobserved:
        lines.append(f"  not observed in training (fallback values): {'; '.join(unobserved)}")
    return lines
