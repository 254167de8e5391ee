"""Every report label exists in every locale."""

from dq_project.reporting.locale import TEMPLATES_DIR, locale_labels


def test_locales_have_the_same_keys() -> None:
    locales = sorted(p.stem for p in (TEMPLATES_DIR / "locales").glob("*.toml"))
    assert locales == ["en", "zh-CN"]
    keys = {locale: set(locale_labels(locale)) for locale in locales}
    assert keys["en"] == keys["zh-CN"]


def test_numbers_and_dates_follow_the_locale() -> None:
    import datetime as dt

    from dq_project.reporting.locale import locale_filters

    en, zh = locale_filters("en"), locale_filters("zh-CN")
    assert (en["pct"](0.95349), en["thousands"](1234567), en["signed_pct"](-0.0123)) == (
        "95.3%",
        "1,234,567",
        "-1.2 pt",
    )
    assert en["date"]("2026-11-03") == "Nov 3, 2026" and zh["date"](dt.date(2026, 11, 3)) == "2026年11月3日"
    assert zh["signed_pct"](0.004) == "+0.4 个百分点" and zh["pct"](None) == "–"
    assert zh["datetime"](dt.datetime(2026, 11, 3, 16, 5)) == "2026年11月3日 16:05:00 UTC"


def test_no_label_is_shadowed_by_a_dict_method() -> None:
    """Jinja2 reads `t.values` as the dict's method before the key: the review-queue header printed
    `<built-in method values of dict object>` (issue 24). No label may be named like a dict attribute."""
    for locale in ("en", "zh-CN"):
        assert not set(locale_labels(locale)) & set(dir(dict)), locale


def test_review_header_renders_its_label() -> None:
    from dq_project.reporting.locale import template_environment

    env = template_environment("en")
    source = env.loader.get_source(env, "audit.html.j2")[0]
    for used in set(__import__("re").findall(r"\bt\.(\w+)", source)):
        assert used in locale_labels("en"), used
