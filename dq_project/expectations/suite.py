"""The rule catalog is a Great Expectations suite file; this module reads it and applies the config.

`suites/staging_customers.json` is a GX ExpectationSuite in GX's own vocabulary (native expectation
types where they fit, dq's registered custom expectations for the rest, structured row conditions).
Each expectation's `meta` carries what dq reports: `rule_id`, `dimension`, `severity` (ERROR blocks
golden records), `threshold` (largest failing ratio that passes; GX's `mostly` is set to 1 - threshold),
`description` {en, zh}, and optionally `enabled`, `params`, `field`/`fields` (the field a failure is
filed under) and `reason`. Expectations from a user's own suite file run and are reported the same
way; without meta they get an id from their type and column, dimension validity, severity WARN and
the threshold 1 - mostly.

No Great Expectations import here: loading the rule list (for asset check specs) stays cheap.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

SUITE_NAME = "staging_customers"
DEFAULT_SUITE = "staging_customers.json"
OVERRIDE_KEYS = frozenset({"threshold", "severity", "enabled", "params"})
DIMENSIONS = ("completeness", "validity", "consistency", "uniqueness", "timeliness")
NOT_NULL = "expect_column_values_to_not_be_null"
# Fields every record needs whatever its source requires: the key, and the type rules depend on.
STRUCTURAL_FIELDS = ("source_record_id", "customer_type")


@dataclass(frozen=True)
class Rule:
    """One expectation of the suite as dq reports it (the GX configuration is `type` + `kwargs`)."""

    id: str
    type: str
    kwargs: Mapping[str, Any] = field(hash=False)
    dimension: str
    severity: str
    threshold: float
    fields: tuple[str, ...]
    description_en: str
    description_zh: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    reason: str | None = None
    skipped_sources: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        """The field a failure of this rule is filed under."""
        return self.fields[0]

    def expectation(self) -> dict[str, Any]:
        """The GX expectation configuration (dict form) that runs this rule: `mostly` from the
        threshold, and the sources that skip it ANDed into the row condition."""
        kwargs = copy.deepcopy(dict(self.kwargs))
        if self.skipped_sources:
            skip = {
                "type": "comparison",
                "column": {"name": "source"},
                "operator": "NOT_IN",
                "parameter": list(self.skipped_sources),
            }
            kwargs["row_condition"] = _and(kwargs.get("row_condition"), skip)
        if not self.type.startswith(("expect_compound", "expect_table")):
            kwargs["mostly"] = round(1.0 - self.threshold, 12)
        meta = {
            "rule_id": self.id,
            "dimension": self.dimension,
            "severity": self.severity,
            "threshold": self.threshold,
            "description": {"en": self.description_en, "zh": self.description_zh},
        }
        return {
            "type": self.type,
            "kwargs": kwargs,
            "meta": meta,
            "severity": "critical" if self.severity == "ERROR" else "warning",
            # Data Docs show an expectation's description in place of GX's generated sentence.
            "description": f"{self.id}: {self.description_en}",
        }


def _and(condition: dict | None, term: dict) -> dict:
    if condition is None:
        return term
    if condition.get("type") == "and":
        return {**condition, "conditions": [*condition["conditions"], term]}
    return {"type": "and", "conditions": [condition, term]}


def read_suite(path: Path | str | None = None) -> dict[str, Any]:
    """A suite file as a dict: dq's own (read with importlib.resources, so a wheel works) or `path`."""
    if path is None:
        text = (resources.files("dq_project.expectations") / "suites" / DEFAULT_SUITE).read_text("utf-8")
        where = DEFAULT_SUITE
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        suite = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"suite {where}: not valid JSON: {exc}") from exc
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise ValueError(f"suite {where}: expected an object with an 'expectations' list")
    return suite


def _fields(kwargs: Mapping[str, Any], meta: Mapping[str, Any]) -> tuple[str, ...]:
    if meta.get("fields"):
        return tuple(meta["fields"])
    if meta.get("field"):
        return (meta["field"],)
    if "column" in kwargs:
        return (kwargs["column"],)
    if "column_A" in kwargs:
        return (kwargs["column_A"], kwargs["column_B"])
    if "column_list" in kwargs:
        return ("|".join(kwargs["column_list"]),)
    return ("*",)


def _rule(config: Mapping[str, Any], where: str) -> tuple[Rule, bool]:
    """(rule, enabled) of one expectation configuration."""
    kind, kwargs, meta = config.get("type"), dict(config.get("kwargs", {})), config.get("meta") or {}
    if not isinstance(kind, str) or not kind.startswith("expect_"):
        raise ValueError(f"suite {where}: expectation without a GX type: {config!r}")
    fields = _fields(kwargs, meta)
    rule_id = meta.get("rule_id") or f"{fields[0].replace('|', '_')}__{kind.removeprefix('expect_')}"
    mostly = kwargs.pop("mostly", None)
    threshold = float(meta.get("threshold", 1.0 - float(mostly) if mostly is not None else 0.0))
    description = meta.get("description") or {}
    en = description.get("en") or config.get("description") or f"{kind} on {', '.join(fields)}"
    rule = Rule(
        id=rule_id,
        type=kind,
        kwargs=kwargs,
        dimension=meta.get("dimension", "validity"),
        severity=meta.get("severity", "WARN"),
        threshold=threshold,
        fields=fields,
        description_en=en,
        description_zh=description.get("zh") or en,
        params=dict(meta.get("params") or {}),
        reason=meta.get("reason"),
    )
    _check(rule, where)
    return rule, bool(meta.get("enabled", True))


def _check(rule: Rule, where: str) -> None:
    if rule.dimension not in DIMENSIONS:
        raise ValueError(f"suite {where}: rule {rule.id}: dimension must be one of {DIMENSIONS}")
    if rule.severity not in ("ERROR", "WARN"):
        raise ValueError(
            f"suite {where}: rule {rule.id}: severity must be ERROR or WARN, got {rule.severity!r}"
        )
    if not 0.0 <= rule.threshold <= 1.0:
        raise ValueError(f"suite {where}: rule {rule.id}: threshold must be in [0, 1], got {rule.threshold}")


def _override(rule: Rule, change: Mapping[str, Any], enabled: bool) -> tuple[Rule, bool]:
    """Apply one `[rules.<id>]` table: threshold, severity, enabled, params (GX kwargs such as
    value_set / placeholders, or the rule's meta params such as max_days)."""
    bad = set(change) - OVERRIDE_KEYS
    if bad:
        raise ValueError(f"rule {rule.id}: unknown override keys {sorted(bad)}")
    enabled = bool(change.get("enabled", enabled)) if change.get("enabled") is not None else enabled
    kwargs, params = dict(rule.kwargs), dict(rule.params)
    for key, value in (change.get("params") or {}).items():
        if key in params:
            params[key] = value
        elif key in kwargs:
            kwargs[key] = value
        else:
            raise ValueError(f"rule {rule.id}: unknown params {[key]}; known: {sorted({*kwargs, *params})}")
    updates: dict[str, Any] = {"kwargs": kwargs, "params": params}
    if change.get("severity") is not None:
        updates["severity"] = change["severity"]
    if change.get("threshold") is not None:
        updates["threshold"] = float(change["threshold"])
    changed = Rule(**{**rule.__dict__, **updates})
    _check(changed, "config")
    return changed, enabled


def _with_source_scopes(rules: list[Rule], scopes: Mapping[str, Mapping[str, Any]]) -> list[Rule]:
    """Per-source applicability: skipped rules and, with `required`, completeness only where required."""
    ids = {rule.id for rule in rules}
    for source, scope in scopes.items():
        if unknown := set(scope.get("skip") or ()) - ids:
            raise ValueError(f"source {source}: rules.skip names unknown rules {sorted(unknown)}")
    out = []
    for rule in rules:
        skipped = []
        for source, scope in scopes.items():
            required = scope.get("required")
            not_required = (
                rule.type == NOT_NULL
                and required is not None
                and rule.field not in required
                and rule.field not in STRUCTURAL_FIELDS
            )
            if rule.id in (scope.get("skip") or ()) or not_required:
                skipped.append(source)
        out.append(Rule(**{**rule.__dict__, "skipped_sources": tuple(sorted(skipped))}))
    checked = {rule.field for rule in rules if rule.type == NOT_NULL}
    extra: dict[str, list[str]] = {}
    for source, scope in scopes.items():
        for name in scope.get("required") or ():
            if name not in checked:
                extra.setdefault(name, []).append(source)
    for name, sources in sorted(extra.items()):
        others = sorted(set(scopes) - set(sources))
        out.append(
            Rule(
                id=f"{name}_present",
                type=NOT_NULL,
                kwargs={"column": name},
                dimension="completeness",
                severity="WARN",
                threshold=0.0,
                fields=(name,),
                description_en=f"{name} is filled (required by {', '.join(sources)}).",
                description_zh=f"已填写 {name}（{'、'.join(sources)} 要求）。",
                skipped_sources=tuple(others),
            )
        )
    return out


def load_rules(
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    suites: Iterable[Path | str] = (),
    scopes: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Rule]:
    """The enabled rules: dq's suite, then every expectation of the user's `suites` files, with the
    config's `[rules.<id>]` overrides and the per-source `scopes` ({source: {required, skip}}) applied.
    Unknown rule ids, override keys or params, and duplicate rule ids raise ValueError."""
    configs = [(config, DEFAULT_SUITE) for config in read_suite()["expectations"]]
    for path in suites:
        configs += [(config, str(path)) for config in read_suite(path)["expectations"]]
    pairs = [_rule(config, where) for config, where in configs]
    ids = [rule.id for rule, _ in pairs]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate rule ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    overrides = overrides or {}
    if unknown := set(overrides) - set(ids):
        raise ValueError(f"overrides name unknown rules: {sorted(unknown)}")
    rules = []
    for rule, enabled in pairs:
        rule, enabled = _override(rule, overrides.get(rule.id, {}), enabled)
        if enabled:
            rules.append(rule)
    return _with_source_scopes(rules, scopes or {})


def all_rule_ids(suites: Iterable[Path | str] = ()) -> list[str]:
    """Every rule id of the suites, enabled or not (the asset checks declared up front)."""
    configs = read_suite()["expectations"] + [c for p in suites for c in read_suite(p)["expectations"]]
    return [_rule(config, "suite")[0].id for config in configs]


def suite_parameters(rules: list[Rule], as_of: dt.date) -> dict[str, Any]:
    """The run's `$PARAMETER` values: the snapshot date and its end, the earliest plausible birth
    date (max_age_years of birth_date_in_range) and the staleness cutoff (max_days of
    record_recently_updated)."""
    params = {key: value for rule in rules for key, value in rule.params.items()}
    max_age = int(params.get("max_age_years", 120))
    start = dt.datetime.combine(as_of, dt.time())
    return {
        "snapshot_date": start,
        "snapshot_end": start + dt.timedelta(days=1) - dt.timedelta(microseconds=1),
        "earliest_birth_date": start.replace(year=as_of.year - max_age, day=min(as_of.day, 28)),
        "stale_before": start - dt.timedelta(days=int(params.get("max_days", 1095))),
    }


def columns_used(rules: list[Rule]) -> list[str]:
    """Every column the suite's expectations name (kwargs and row conditions), in first-use order."""
    names: list[str] = []
    for rule in rules:
        kwargs = rule.expectation()["kwargs"]
        names += [
            kwargs[k]
            for k in ("column", "column_A", "column_B", "parent_column", "name_column", "city_column")
            if k in kwargs
        ]
        names += list(kwargs.get("column_list", ()))
        names += list(kwargs.get("other_columns", ()))  # have_one_filled_among reads these too
        names += list(_condition_columns(kwargs.get("row_condition")))
    return list(dict.fromkeys(names))


def _condition_columns(condition: Any) -> Iterable[str]:
    if isinstance(condition, dict):
        if "conditions" in condition:
            for term in condition["conditions"]:
                yield from _condition_columns(term)
        elif "column" in condition:
            yield condition["column"]["name"]
