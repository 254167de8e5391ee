"""Model health: what a run should say about the models it links with, and when to retrain.

Reported in the run output (the matching asset's log and metadata) and the audit report:
- no_model: a type has records but no model (it stays unlinked until one is trained);
- small_training: the model was trained on far fewer records than the type has now
  (fewer than `retrain_ratio` of them);
- unobserved_levels: levels EM never saw among matches, which run on fallback values;
- no_metadata: a model saved before dq kept its derivation and thresholds.

The retrain policy (`[matching] retrain`): "missing" (default) trains a type that has no model;
"stale" also retrains a model with small_training; "never" trains only on `dq model train` or a
run with retrain set.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from dq_project.matching.model import CUSTOMER_TYPES
from dq_project.matching.model_meta import load_meta
from dq_project.settings import MatchingSettings


@dataclass(frozen=True)
class HealthIssue:
    customer_type: str
    kind: str  # no_model | small_training | unobserved_levels | no_metadata
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def _path(model_dir: Path, customer_type: str) -> Path:
    return Path(model_dir) / f"splink_{customer_type}.json"


def model_health(model_dir: Path, counts: dict[str, int], settings: MatchingSettings) -> list[HealthIssue]:
    """The health issues of each type's model, given the type's record `counts` now."""
    issues = []
    for customer_type in CUSTOMER_TYPES:
        records, path = counts.get(customer_type, 0), _path(model_dir, customer_type)
        if not path.exists():
            if records:
                trainable = records >= settings.min_training_records and settings.retrain != "never"
                then = "to be trained" if trainable else "left unlinked"
                issues.append(
                    HealthIssue(customer_type, "no_model", f"{records:,} records and no model: {then}")
                )
            continue
        meta = load_meta(path)
        if meta is None:
            issues.append(HealthIssue(customer_type, "no_metadata", "saved without derivation or thresholds"))
            continue
        trained = meta["training"]["records"]
        if records and trained < settings.retrain_ratio * records:
            then = (
                "retrained (retrain = stale)"
                if settings.retrain == "stale"
                else "retrain with `dq model train`"
            )
            issues.append(
                HealthIssue(
                    customer_type,
                    "small_training",
                    f"trained on {trained:,} records, {records:,} now: {then}",
                )
            )
        unobserved = meta["training"].get("unobserved_levels") or []
        if unobserved:
            issues.append(
                HealthIssue(
                    customer_type,
                    "unobserved_levels",
                    f"{len(unobserved)} level(s) not observed in training (`dq model show` lists them)",
                )
            )
    return issues


def needs_training(model_dir: Path, customer_type: str, records: int, settings: MatchingSettings) -> bool:
    """Whether the retrain policy trains this type now (without an explicit retrain)."""
    if records < settings.min_training_records or settings.retrain == "never":
        return False
    path = _path(model_dir, customer_type)
    if not path.exists():
        return True
    if settings.retrain != "stale":
        return False
    meta = load_meta(path)
    return meta is not None and meta["training"]["records"] < settings.retrain_ratio * records
