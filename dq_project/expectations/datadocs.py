"""GX Data Docs of one validation: the human view of the suite and of how a partition fared.

GX's own renderers (ValidationResultsPageRenderer, ExpectationSuitePageRenderer, DefaultJinjaPageView)
write the pages a GX user knows, without a file-backed data context: dq validates with an ephemeral
one (nothing to configure, nothing stored but these pages). GX result payloads carry raw values
(partial_unexpected_list: phone numbers, IDs); with masking on they are dropped before rendering, so
Data Docs show counts and percentages only.
"""

from __future__ import annotations

import copy
from pathlib import Path

from great_expectations.core import ExpectationValidationResult
from great_expectations.expectations.expectation import _format_map_output, parse_result_format
from great_expectations.render.renderer import ExpectationSuitePageRenderer, ValidationResultsPageRenderer
from great_expectations.render.view import DefaultJinjaPageView

from dq_project.expectations.locality import is_row_local
from dq_project.expectations.runner import build_suite, with_statistics
from dq_project.expectations.suite import NOT_NULL, Rule

VALIDATION_PAGE = "validation.html"
SUITE_PAGE = "suite.html"
# Expectations whose judged rows are every row of the domain (GX reports no non-null count).
_EVERY_ROW = (NOT_NULL, "expect_column_values_to_have_one_filled_among")
_VALUE_KEYS = ("partial_unexpected_list", "partial_unexpected_counts", "partial_unexpected_index_list")


def _without_values(validation):
    result = copy.deepcopy(validation)
    for one in result.results:
        for key in _VALUE_KEYS:
            one.result.pop(key, None)
    return result


def write_data_docs(validation, suite, out_dir: Path, *, mask_pii: bool = True) -> Path:
    """Write `<out_dir>/validation.html` and `<out_dir>/suite.html`; returns the validation page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shown = _without_values(validation) if mask_pii else validation
    view = DefaultJinjaPageView()
    page = out_dir / VALIDATION_PAGE
    page.write_text(view.render(ValidationResultsPageRenderer().render(shown)), encoding="utf-8")
    (out_dir / SUITE_PAGE).write_text(
        view.render(ExpectationSuitePageRenderer().render(suite)), encoding="utf-8"
    )
    return page


def merged_validation(
    base, rules: list[Rule], counts: dict[str, tuple[int, int, int, bool]], *, whole_run: bool
):
    """The validation of a date validated incrementally (dq_project.expectations.partition), for its
    Data Docs: GX's own results of the rules run on the whole partition (`base` is that run's
    validation when `whole_run`), and for the row-local rules GX's map-result format of the merged
    counts (element, evaluated, failed, passed), without sample values (the unchanged rows were not
    read)."""
    own = {r.expectation_config.meta["rule_id"]: r for r in base.results} if whole_run else {}
    configs = {e.meta["rule_id"]: e.configuration for e in build_suite(rules).expectations}
    results = []
    for rule in rules:
        if not is_row_local(rule) and rule.id in own:
            results.append(own[rule.id])
            continue
        element, evaluated, failed, passed = counts[rule.id]
        nonnull = None if rule.type in _EVERY_ROW else evaluated
        out = _format_map_output(parse_result_format("BASIC"), passed, element, nonnull, failed, [])
        no_error = {"raised_exception": False, "exception_message": None, "exception_traceback": None}
        results.append(
            ExpectationValidationResult(
                success=passed,
                expectation_config=configs[rule.id],
                result=out["result"],
                exception_info=no_error,
            )
        )
    return with_statistics(copy.copy(base), results)
