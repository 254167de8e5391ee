"""The report's language: its labels (reports/locales/<locale>.toml), and Jinja2 filters that format
numbers and dates for the locale with Babel."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from functools import cache
from importlib import resources

import jinja2
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal, format_percent

# reports/ at the top of the repository, installed as the package dq_project.reportfiles (pyproject.toml).
TEMPLATES_DIR = resources.files("dq_project.reportfiles")


@cache
def locale_labels(locale: str) -> dict[str, str]:
    """The report's words in one locale (reports/locales/<locale>.toml)."""
    return tomllib.loads((TEMPLATES_DIR / "locales" / f"{locale}.toml").read_text(encoding="utf-8"))


def template_environment(locale: str = "en") -> jinja2.Environment:
    """Jinja2 with autoescape, StrictUndefined and the locale's number and date filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(locale_filters(locale))
    return env


def locale_filters(locale: str) -> dict[str, Callable]:
    """pct (95.3%), signed_pct (+1.2 pt), thousands (1,234), date and datetime, for one locale."""
    babel_locale = locale.replace("-", "_")
    points = locale_labels(locale)["percentage_points"]

    def signed_pct(value: float | None) -> str:
        if value is None:
            return ""
        return f"{format_decimal(value * 100, '+#,##0.0;-#,##0.0', locale=babel_locale)} {points}"

    def date(value: dt.date | str | None) -> str:
        if value is None:
            return "–"
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, "medium", locale=babel_locale)

    def datetime(value: dt.datetime | None) -> str:
        if value is None:
            return "–"
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return format_datetime(moment, "medium", tzinfo=dt.UTC, locale=babel_locale) + " UTC"

    def short_date(value: str) -> str:
        return format_skeleton("MMMd", dt.date.fromisoformat(value), locale=babel_locale)

    return {
        "short_date": short_date,
        "pct": lambda v: "–" if v is None else format_percent(v, "#,##0.0%", locale=babel_locale),
        "signed_pct": signed_pct,
        "thousands": lambda v: "–" if v is None else format_decimal(int(v), "#,##0", locale=babel_locale),
        "date": date,
        "datetime": datetime,
    }
