"""The audit report over several days of history: its numbers are the warehouse's, values are
masked (or deliberately not), and numbers and dates follow the configured locale."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest
from history_reads import read_history

from dq_project.reporting.locale import locale_filters
from dq_project.reporting.report import render_report
from dq_project.settings import ReportSettings

pytestmark = pytest.mark.e2e


def _html(history, day=None) -> str:
    day = day or history.days[-1]
    return (history.settings.reports_dir / day.isoformat() / "audit.html").read_text(encoding="utf-8")


def _cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def test_headline_cards_equal_the_kpi_table_on_every_day(report_history) -> None:
    fmt = locale_filters("en")
    kpis = read_history(
        report_history,
        "select snapshot_date, dimension, measure from quality.kpi_history "
        "where scope = 'overall' and kind in ('dimension', 'score') order by snapshot_date",
    )
    for i, day in enumerate(report_history.days):
        cards = dict(
            re.findall(
                r'data-dimension="(\w+)">\s*<div>[^<]*</div>\s*<div class="value">([^<]*)</div>',
                _html(report_history, day),
            )
        )
        today = kpis.filter(pl.col("snapshot_date") == day)
        assert today.height >= 5
        for dimension, measure in today.select("dimension", "measure").iter_rows():
            assert cards[dimension] == fmt["pct"](measure), (day, dimension)
        if i:
            html = _html(report_history, day)
            previous = kpis.filter(pl.col("snapshot_date") == report_history.days[i - 1])
            change = today.join(previous, on="dimension", suffix="_before").filter(
                pl.col("dimension") == "quality_score"
            )
            expected = fmt["signed_pct"](change["measure"][0] - change["measure_before"][0])
            card = re.search(r'data-dimension="quality_score">(.*?)</div>\s*</div>', html, re.S)
            assert card and expected in card.group(1)


def test_rule_rows_equal_rule_results_with_a_trend_per_day(report_history) -> None:
    fmt, day = locale_filters("en"), report_history.days[-1]
    results = read_history(
        report_history,
        "select rule_id, evaluated, failed, failed_ratio, "
        "(select count(*) from quality.rule_results h where h.rule_id = r.rule_id) as days "
        "from quality.rule_results r where snapshot_date = $d",
        d=day,
    )
    html = _html(report_history)
    rows = dict(re.findall(r'<tr data-rule="([^"]+)">(.*?)</tr>', html, re.S))
    assert set(rows) == set(results["rule_id"])
    for rule_id, evaluated, failed, ratio, days in results.iter_rows():
        cells = _cells(rows[rule_id])
        assert cells[3:6] == [fmt["thousands"](evaluated), fmt["thousands"](failed), fmt["pct"](ratio)]
        assert rows[rule_id].count("<circle") == days == len(report_history.days)


def test_source_scorecards_equal_the_kpi_table(report_history) -> None:
    fmt, day = locale_filters("en"), report_history.days[-1]
    kpis = read_history(
        report_history,
        "select scope, measure, denominator from quality.kpi_history "
        "where snapshot_date = $d and dimension = 'completeness' and scope like 'source:%'",
        d=day,
    )
    html = _html(report_history)
    for scope, measure, records in kpis.iter_rows():
        source = scope.removeprefix("source:")
        row = re.search(rf"<tr><td>{source}</td>(.*?)</tr>", html, re.S)
        assert row, source
        cells = _cells(f"<td>{source}</td>{row.group(1)}")
        assert cells[1] == fmt["thousands"](records) and cells[2] == fmt["pct"](measure)


def test_no_unmasked_contact_or_id_anywhere_in_any_report(report_history) -> None:
    staged = read_history(report_history, "select mobile, id_number, email, name from staging.customers")
    values = {
        v for c in ("mobile", "id_number", "email") for v in staged[c].drop_nulls().to_list() if len(v) > 5
    }
    for day in report_history.days:
        html = _html(report_history, day)
        assert not [v for v in values if v in html], day
    assert "data-rule" in html and "****" in html  # failing samples are shown, masked


def test_unmasked_when_the_config_says_so(report_history, tmp_path) -> None:
    settings = report_history.settings.model_copy(
        update={"home": tmp_path, "report": ReportSettings(mask_pii=False)}
    )
    con = duckdb.connect(str(report_history.settings.warehouse_path), read_only=True)
    try:
        private = render_report(con, settings, report_history.days[-1], private_for="wang")
        html = private.read_text(encoding="utf-8")
        shared = render_report(con, settings, report_history.days[-1]).read_text(encoding="utf-8")
        shown = con.sql(
            "select f.field, s.mobile, s.email from quality.rule_failures f "
            "join staging.customers s using (record_key, snapshot_date) "
            "where f.snapshot_date = $d and f.field in ('mobile', 'email') and f.rule_id like '%valid%'",
            params={"d": report_history.days[-1]},
        ).pl()
    finally:
        con.close()
    assert "report.mask_pii = false" in html
    assert (
        private
        == tmp_path / "private" / "wang" / "reports" / report_history.days[-1].isoformat() / "audit.html"
    )
    raw = [m for m in shown["mobile"].drop_nulls().to_list() + shown["email"].drop_nulls().to_list()]
    assert raw and any(v in html for v in raw)
    # the shared report ignores the unmasked policy: nobody's config can publish raw values there
    assert "report.mask_pii = false" not in shared and not [v for v in raw if v in shared]


def test_zh_cn_locale_formats_dates_and_numbers(report_history, tmp_path) -> None:
    settings = report_history.settings.model_copy(
        update={"home": tmp_path, "report": ReportSettings(locale="zh-CN")}
    )
    con = duckdb.connect(str(report_history.settings.warehouse_path), read_only=True)
    try:
        html = render_report(con, settings, report_history.days[-1]).read_text(encoding="utf-8")
    finally:
        con.close()
    day = report_history.days[-1]
    assert f"{day.year}年{day.month}月{day.day}日" in html
    assert "个百分点" in html and "客户数据" in html and 'lang="zh-CN"' in html
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert f"{day.year}年{day.month}月{day.day}日" in index


def test_count_cards_and_merges_equal_the_warehouse(report_history) -> None:
    fmt, day = locale_filters("en"), report_history.days[-1]
    counts = read_history(
        report_history,
        "select dimension, measure from quality.kpi_history "
        "where snapshot_date = $d and scope = 'overall' and kind in ('count', 'rate')",
        d=day,
    )
    html = _html(report_history)
    cards = dict(re.findall(r'data-count="(\w+)"><div>[^<]*</div>\s*<div class="value">([^<]*)</div>', html))
    assert {"merges", "splits", "golden_records", "review_queue"} <= set(cards)
    for name, measure in counts.iter_rows():
        expected = fmt["pct"](measure) if name == "duplicate_rate" else fmt["thousands"](measure)
        assert cards[name] == expected, name
    grown = read_history(
        report_history,
        "select golden_id, count(*) filter (where as_of_date = $d) as now, "
        "count(*) filter (where as_of_date = $before) as before from matching.clusters "
        "group by golden_id having now > 1 and now > before",
        d=day,
        before=report_history.days[-2],
    )
    shown = re.findall(
        r"<tr><td>(G[^<]*)</td><td class=\"num\">", html.split('id="merged"')[1].split("</table>")[0]
    )
    assert grown.height and sorted(shown) == sorted(grown["golden_id"].to_list()[:50])


def test_linkage_models_show_the_thresholds_chosen_and_why(report_history) -> None:
    import html as html_module
    import json

    html = html_module.unescape(_html(report_history))
    table = html.split('id="linkage-models"')[1].split("</table>")[0]
    rows = {cells[0]: cells for cells in map(_cells, re.findall(r"<tr>(.*?)</tr>", table, re.S)) if cells}
    for customer_type in ("person", "company"):
        meta = json.loads(
            (report_history.settings.models_dir / f"splink_{customer_type}.meta.json").read_text(
                encoding="utf-8"
            )
        )
        chosen = meta["thresholds"]
        _, trained_on, merge, review, reason, comparisons = rows[customer_type]
        assert (float(merge), float(review)) == (chosen["merge_threshold"], chosen["review_threshold"])
        assert reason == chosen["reason"] and "expected F" in reason
        assert comparisons == ", ".join(meta["derivation"]["comparisons"])
