"""A range run (one run over several dates, BackfillPolicy.single_run): each asset goes through its
dates in date order and stops at a failing one; its checks and metadata say which dates."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import dagster as dg
import pytest

from dq_project.assets.keys import RULE_RESULTS
from dq_project.partitions import BACKFILL_POLICY, each_date, range_checks, range_metadata

DATES = ["2026-03-01", "2026-03-02", "2026-03-03"]


class _Warehouse:
    """Counts the shared-connection blocks a range opens."""

    def __init__(self) -> None:
        self.shared = 0

    @contextlib.contextmanager
    def sharing(self):
        self.shared += 1
        yield


def _context(keys: list[str]) -> SimpleNamespace:
    return SimpleNamespace(partition_keys=keys)


def test_the_backfill_policy_is_one_run_per_range() -> None:
    assert BACKFILL_POLICY.max_partitions_per_run is None  # single_run(): the whole range in one run


def test_dates_run_in_date_order_whatever_order_they_come_in() -> None:
    seen: list[str] = []
    warehouse = _Warehouse()
    done = each_date(_context([DATES[2], DATES[0], DATES[1]]), warehouse, lambda d: seen.append(d) or d)
    assert seen == DATES and list(done) == DATES
    assert warehouse.shared == 1  # one connection for the range


def test_a_failing_date_stops_the_later_ones_and_is_named() -> None:
    seen: list[str] = []

    def body(day: str) -> None:
        seen.append(day)
        if day == DATES[1]:
            raise ValueError("broken file")

    with pytest.raises(ValueError, match="broken file") as caught:
        each_date(_context(DATES), _Warehouse(), body)
    assert seen == DATES[:2]
    assert caught.value.__notes__ == [
        f"snapshot date {DATES[1]} failed; later dates of the run were not processed"
    ]


def test_a_one_date_run_is_unchanged() -> None:
    def body(day: str) -> None:
        raise ValueError(day)

    warehouse = _Warehouse()
    with pytest.raises(ValueError) as caught:
        each_date(_context(DATES[:1]), warehouse, body)
    assert not getattr(caught.value, "__notes__", None) and warehouse.shared == 0
    assert range_metadata({DATES[0]: {"dagster/row_count": 3, "files": {"a": "loaded"}}}) == {
        "dagster/row_count": 3,
        "files": {"a": "loaded"},
    }


def test_range_metadata_keeps_what_is_true_of_the_range() -> None:
    metadata = range_metadata({d: {"dagster/row_count": n, "mode": "full"} for n, d in enumerate(DATES, 1)})
    assert metadata == {"dagster/row_count": 6, "snapshot_dates": f"{DATES[0]}..{DATES[2]} (3 dates)"}


def _check(
    name: str, passed: bool, severity=dg.AssetCheckSeverity.WARN, failed: int = 0
) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=RULE_RESULTS, check_name=name, passed=passed, severity=severity, metadata={"failed": failed}
    )


def test_a_check_fails_for_the_range_when_it_failed_on_any_date() -> None:
    error = dg.AssetCheckSeverity.ERROR
    by_date = {
        DATES[0]: [_check("unique", True), _check("phone", False, failed=2)],
        DATES[1]: [_check("unique", False, error, failed=5), _check("phone", True)],
        DATES[2]: [_check("unique", False, error, failed=1), _check("phone", True)],
    }
    merged = {r.check_name: r for r in range_checks(by_date)}
    unique, phone = merged["unique"], merged["phone"]
    assert not unique.passed and unique.severity == error
    assert unique.metadata["dates_failed"].value == DATES[1:]
    assert unique.metadata["checked_date"].value == DATES[1] and unique.metadata["failed"].value == 5
    assert not phone.passed and phone.severity == dg.AssetCheckSeverity.WARN
    assert phone.metadata["dates_failed"].value == DATES[:1]
    passing = {r.check_name: r for r in range_checks({d: [_check("unique", True)] for d in DATES})}
    assert passing["unique"].passed and passing["unique"].metadata["checked_date"].value == DATES[2]
    assert passing["unique"].metadata["dates_failed"].value == []
