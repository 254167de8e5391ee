"""Data-quality rules (typed catalog) and their Great Expectations suite and runner.

`catalog` has no GX import, so loading the rule list (e.g. for asset check specs) stays cheap;
`build_suite`, `run_rules` and `RuleRun` import Great Expectations on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dq_project.expectations.catalog import Rule, Where, default_rules

if TYPE_CHECKING:
    from dq_project.expectations.runner import RuleRun, run_rules
    from dq_project.expectations.suite import build_suite

_LAZY = {"RuleRun": "runner", "run_rules": "runner", "build_suite": "suite"}

__all__ = ["Rule", "RuleRun", "Where", "build_suite", "default_rules", "run_rules"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
