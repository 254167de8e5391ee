"""Data-quality rules: dq's Great Expectations suite file, its custom expectations and the runner.

`suite` has no GX import, so loading the rule list (e.g. for asset check specs) stays cheap;
`run_rules`, `RuleRun` and `build_suite` import Great Expectations on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dq_project.expectations.suite import Rule, all_rule_ids, load_rules, read_suite, suite_parameters

if TYPE_CHECKING:
    from dq_project.expectations.runner import RuleRun, build_suite, run_rules

_LAZY = {"RuleRun": "runner", "run_rules": "runner", "build_suite": "runner"}

__all__ = [
    "Rule",
    "RuleRun",
    "all_rule_ids",
    "build_suite",
    "load_rules",
    "read_suite",
    "run_rules",
    "suite_parameters",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
