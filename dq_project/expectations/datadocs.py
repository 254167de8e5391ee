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

from great_expectations.render.renderer import ExpectationSuitePageRenderer, ValidationResultsPageRenderer
from great_expectations.render.view import DefaultJinjaPageView

VALIDATION_PAGE = "validation.html"
SUITE_PAGE = "suite.html"
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
