"""The audit report in a real browser (headless Debian Chromium via Selenium): no console errors,
the trend charts are drawn. .ci/run installs chromium and chromium-driver; elsewhere the test skips
with a message saying what to install."""

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
                 "--no-first-run", "--window-size=1280,2400"):  # fmt: skip
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
