"""What dq saves with a Splink model, next to its JSON (Splink rejects unknown keys in its
settings): the derivation (comparisons and blocking rules, from the data's profile), the merge and
review thresholds chosen and why, and the training size and its unobserved levels, which model
health and `dq model show` report.
"""

from __future__ import annotations

import json
from pathlib import Path

from dq_project.matching.derive import Derivation, legacy_derivation


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
