"""Every report label exists in every locale."""

from dq_project.reporting.report import TEMPLATES_DIR, locale_labels


def test_locales_have_the_same_keys() -> None:
    locales = sorted(p.stem for p in (TEMPLATES_DIR / "locales").glob("*.toml"))
    assert locales == ["en", "zh-CN"]
    keys = {locale: set(locale_labels(locale)) for locale in locales}
    assert keys["en"] == keys["zh-CN"]


def test_numbers_and_dates_follow_the_locale() -> None:
    import datetime as dt

    from dq_project.reporting.report import locale_filters

    en, zh = locale_filters("en"), locale_filters("zh-CN")
    assert (en["pct"](0.95349), en["thousands"](1234567), en["signed_pct"](-0.0123)) == (
        "95.3%",
        "1,234,567",
        "-1.2 pt",
    )
    assert en["date"]("2026-11-03") == "Nov 3, 2026" and zh["date"](dt.date(2026, 11, 3)) == "2026年11月3日"
    assert zh["signed_pct"](0.004) == "+0.4 个百分点" and zh["pct"](None) == "–"
    assert zh["datetime"](dt.datetime(2026, 11, 3, 16, 5)) == "2026年11月3日 16:05:00 UTC"
