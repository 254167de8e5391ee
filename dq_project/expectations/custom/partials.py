"""A column condition that may read the normalizer's companion columns (`<column>_status`, `_reason`).

GX's `column_condition_partial` hands a metric function the one domain column. dq's validity checks
read what the normalizer decided about that column (GB 11643 checksums, phone metadata and division
lookups run once, in dq_project/normalize), so this variant passes the row-conditioned domain frame
as well (pandas; on Spark, GX hands the partial the table and the column name, so the providers'
`_spark` methods read the companion columns with F.col and need no wrapper).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.core.metric_function_types import MetricPartialFunctionTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.metrics.metric_provider import metric_partial
from great_expectations.expectations.metrics.util import get_dbms_compatible_metric_domain_kwargs


def frame_condition_partial(filter_column_isnull: bool = True) -> Callable:
    """Like `column_condition_partial(engine=PandasExecutionEngine)`, but the metric function is
    called as ``fn(cls, column, frame, **value_kwargs)`` and returns the boolean 'meets' Series."""

    def wrapper(metric_fn: Callable) -> Callable:
        @metric_partial(
            engine=PandasExecutionEngine,
            partial_fn_type=MetricPartialFunctionTypes.MAP_CONDITION_SERIES,
            domain_type=MetricDomainTypes.COLUMN,
        )
        @wraps(metric_fn)
        def inner_func(
            cls: Any,
            execution_engine: PandasExecutionEngine,
            metric_domain_kwargs: dict,
            metric_value_kwargs: dict,
            metrics: dict[str, Any],
            runtime_configuration: dict,
        ):
            metric_domain_kwargs = get_dbms_compatible_metric_domain_kwargs(
                metric_domain_kwargs=metric_domain_kwargs, batch_columns_list=metrics["table.columns"]
            )
            df, compute_kwargs, accessor_kwargs = execution_engine.get_compute_domain(
                domain_kwargs=metric_domain_kwargs, domain_type=MetricDomainTypes.COLUMN
            )
            column_name = accessor_kwargs["column"]
            if filter_column_isnull:
                df = df[df[column_name].notnull()]
            meets = metric_fn(cls, df[column_name], df, **metric_value_kwargs, _metrics=metrics)
            return ~meets, compute_kwargs, accessor_kwargs

        return inner_func

    return wrapper
