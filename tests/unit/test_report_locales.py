"""Every report label exists in every locale."""

from dq_project.report import TEMPLATES_DIR, locale_labels


def test_locales_have_the_same_keys() -> None:
    locales = sorted(p.stem for p in (TEMPLATES_DIR / "locales").glob("*.toml"))
    assert locales == ["en", "zh-CN"]
    keys = {locale: set(locale_labels(locale)) for locale in locales}
    assert keys["en"] == keys["zh-CN"]
