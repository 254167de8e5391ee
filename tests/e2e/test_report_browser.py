"""The audit report and the index in a real browser (headless Debian Chromium via Selenium), in en
and zh-CN: no console errors, the trend charts are drawn with their axes, the review explanations
are drawn; screenshots of each go to test-artifacts/
(audit_report_<locale>.png, index_<locale>.png, review_explanation_<locale>.png). .ci/run installs
chromium and chromium-driver; elsewhere the test skips with a message saying what to install."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dq_project.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e
# The screenshot is kept as a test artifact (git-ignored) for a human to look at.
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def driver():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,2400"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def report(report_history) -> Path:
    return report_history.settings.reports_dir / report_history.days[-1].isoformat() / "audit.html"


def test_report_renders_without_errors_and_draws_charts(driver, report: Path, report_history) -> None:
    driver.get(report.as_uri())
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    charts = driver.find_elements("css selector", "#trends svg")
    assert len(charts) >= 5
    for chart in charts:
        assert chart.find_elements("css selector", "polyline")
        assert len(chart.find_elements("css selector", "circle")) >= len(report_history.days)
        assert chart.size["width"] > 100 and chart.size["height"] > 50
    sparklines = driver.find_elements("css selector", "#rules svg.spark")
    assert sparklines and all(len(s.find_elements("css selector", "circle")) == len(report_history.days)
                              for s in sparklines)  # fmt: skip
    driver.find_element("css selector", "#rules th").click()  # the sort script runs without error
    assert [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"] == []
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "audit_report.png"
    assert driver.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000
    print(f"report screenshot: {screenshot}")


def _pages(report_history, zh_reports) -> dict[str, Path]:
    reports = report_history.settings.reports_dir
    return {
        "en": reports / report_history.days[-1].isoformat() / "audit.html",
        "zh-CN": zh_reports.report,
        "index_en": reports / "index.html",
        "index_zh-CN": zh_reports.index,
    }


def _no_errors(driver) -> None:
    assert [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"] == []


@pytest.mark.parametrize("page", ["en", "zh-CN", "index_en", "index_zh-CN"])
def test_pages_draw_charts_with_axes_in_both_locales(driver, page, report_history, zh_reports) -> None:
    path = _pages(report_history, zh_reports)[page]
    driver.set_window_size(1400, 2400)
    driver.get(path.as_uri())
    _no_errors(driver)
    charts = driver.find_elements("css selector", "#trends svg.line-chart")
    assert len(charts) >= 5
    for chart in charts:
        for axis in ("x-axis-title", "y-axis-title"):
            title = chart.find_element("css selector", f"text.{axis}")
            assert title.text.strip() and title.size["width"] > 10, axis
        ticks = chart.find_elements("css selector", "text.x-tick")
        assert len(ticks) == len(report_history.days) and all(t.text for t in ticks)
    if page.startswith("zh"):
        assert "年" in driver.find_element("css selector", "body").text
    ARTIFACTS.mkdir(exist_ok=True)
    name = f"audit_report_{page}.png" if not page.startswith("index") else f"{page}.png"
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1400, min(height + 100, 12000))
    assert driver.save_screenshot(str(ARTIFACTS / name)) and (ARTIFACTS / name).stat().st_size > 10_000


@pytest.mark.parametrize("page", ["en", "zh-CN"])
def test_review_explanations_are_drawn(driver, page, report_history, zh_reports) -> None:
    driver.set_window_size(1400, 2400)
    driver.get(_pages(report_history, zh_reports)[page].as_uri())
    _no_errors(driver)
    table = driver.find_element("css selector", "#review")
    waterfalls = table.find_elements("css selector", "svg.waterfall")
    assert waterfalls
    for svg in waterfalls:
        bars = svg.find_elements("css selector", "g.bar rect")
        assert len(bars) >= 3 and all(b.size["width"] >= 1 for b in bars)
    driver.execute_script("arguments[0].scrollIntoView()", table)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"review_explanation_{page}.png"
    assert table.screenshot(str(shot)) and shot.stat().st_size > 5_000
