"""How right a proposal is against a source block written by hand (the export corpus's truth).

A field counts as right when the proposal reads the columns the true mapping takes its value from:
the same column, or the same set of joined columns (a JSON path is written `column.path`). For a
conditional field it is right when the proposal names one of the branches' columns (the condition is
for a person to add); code tables, patterns and `when` are not scored, only the columns, so the
README reports separately how many proposals a person must still refine. Fields not canonical in the
running version are left out of both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from dq_project import settings as dq_settings


def plain(value: object) -> object:
    """A mapping value as written in TOML (a validated MappingRule back to its inline table)."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_defaults=True)
    return value


def value_columns(value: object) -> set[str]:
    """The columns a mapping value takes its value from (not the columns of its conditions)."""
    value = plain(value)
    if isinstance(value, str):
        return {value.strip()}
    if isinstance(value, list):
        return {v.strip() for v in value}
    if not isinstance(value, dict):
        return set()
    if "when" in value:
        return value_columns(value.get("then")) | value_columns(value.get("else"))
    columns = value_columns(value.get("column") or value.get("columns") or [])
    path = value.get("path")
    if path:
        return {f"{c}.{path}" for c in columns} if columns else {path}
    return columns


@dataclass(frozen=True)
class Score:
    right: list[str]
    wrong: list[str]  # proposed from other columns
    missed: list[str]  # not proposed
    extra: list[str]  # proposed, not in the true mapping

    @property
    def total(self) -> int:
        return len(self.right) + len(self.wrong) + len(self.missed)

    @property
    def ratio(self) -> float:
        return len(self.right) / self.total if self.total else 1.0


NAME_PARTS = ("given_name", "family_name")


def _as_truth_names(truth: dict[str, object], proposed: dict[str, object]) -> dict[str, object]:
    """A proposal of given and family names where the truth joins the same columns into `name` (a
    block written before dq had those fields) says the same: score it as that `name`."""
    if "name" in truth and not set(NAME_PARTS) & truth.keys() and all(f in proposed for f in NAME_PARTS):
        joined = set().union(*(value_columns(proposed[f]) for f in NAME_PARTS))
        if joined == value_columns(truth["name"]) and "name" not in proposed:
            rest = {f: v for f, v in proposed.items() if f not in NAME_PARTS}
            return rest | {"name": sorted(joined)}
    return proposed


def score(truth: dict[str, object], proposed: dict[str, object]) -> Score:
    canonical = set(dq_settings.CANONICAL_FIELDS)
    truth = {f: v for f, v in truth.items() if f in canonical}
    proposed = _as_truth_names(truth, proposed)
    right, wrong, missed = [], [], []
    for name, value in truth.items():
        want, got = value_columns(value), value_columns(proposed.get(name))
        if not got:
            missed.append(name)
        elif got == want or (isinstance(value, dict) and "when" in value and got <= want):
            right.append(name)
        else:
            wrong.append(name)
    extra = [f for f in proposed if f in canonical and f not in truth]
    return Score(right, wrong, missed, extra)
