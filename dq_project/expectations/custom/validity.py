"""Custom expectations that read what the normalizer decided about a value (`<column>_status`).

The checks themselves (GB 11643 check digit and region of a resident ID, GB 32100 check character of a
credit code, phonenumbers' validity and type of a number in the record's region, e-mail syntax and
domain typos) run once, vectorized, in dq_project/normalize; the status they leave is
`ok | normalized | missing | invalid`. These expectations fail the rows whose status is 'invalid', so
a GX user reads `expect_column_values_to_be_valid_cn_resident_id` on `id_number` instead of a status
comparison. Nulls are not filtered: a value the normalizer could not parse may be null (an impossible
date) and still count.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from great_expectations.compatibility.pyspark import functions as F
from great_expectations.execution_engine import SparkDFExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from dq_project.expectations.custom.columns import per_value
from dq_project.expectations.custom.partials import frame_condition_partial

INVALID = "invalid"


def status_not_invalid(column: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """True where the column's normalizer status is not 'invalid' (missing and unchecked pass)."""
    return ~per_value(frame[f"{column.name}_status"], lambda status: status == INVALID)


class _StatusMetric(ColumnMapMetricProvider):
    filter_column_isnull = False

    @frame_condition_partial(filter_column_isnull=False)
    def _pandas(cls, column, frame, **kwargs):
        return status_not_invalid(column, frame)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column, _accessor_domain_kwargs, **kwargs):
        status = F.col(f"{_accessor_domain_kwargs['column']}_status")
        return ~F.coalesce(status == INVALID, F.lit(False))


class ColumnValuesValidCnResidentId(_StatusMetric):
    condition_metric_name = "column_values.valid_cn_resident_id"


class ColumnValuesValidCnCreditCode(_StatusMetric):
    condition_metric_name = "column_values.valid_cn_credit_code"


class ColumnValuesValidPhoneNumber(_StatusMetric):
    condition_metric_name = "column_values.valid_phone_number"


class ColumnValuesValidEmail(_StatusMetric):
    condition_metric_name = "column_values.valid_email"


class ExpectColumnValuesToBeValidCnResidentId(ColumnMapExpectation):
    """Expect a resident ID (GB 11643) to be 18 characters with a correct check digit, a real birth
    date and a known region code (the normalizer's `<column>_status` is not 'invalid')."""

    map_metric = "column_values.valid_cn_resident_id"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeValidCnCreditCode(ColumnMapExpectation):
    """Expect a unified social credit code (GB 32100) to pass its check character."""

    map_metric = "column_values.valid_cn_credit_code"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeValidPhoneNumber(ColumnMapExpectation):
    """Expect a phone number to be a valid number of the expected kind (mobile for `mobile`, fixed
    line for `phone`) in the record's region, as phonenumbers decided when the value was normalized."""

    map_metric = "column_values.valid_phone_number"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeValidEmail(ColumnMapExpectation):
    """Expect an e-mail address to have valid syntax and no known domain typo (qq.con, 163.cmo)."""

    map_metric = "column_values.valid_email"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
