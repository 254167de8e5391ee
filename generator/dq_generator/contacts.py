"""Mobile numbers, landlines and email addresses: values per entity, written formats per record."""

from __future__ import annotations

import numpy as np
import polars as pl

from dq_generator.divisions import divisions
from dq_generator.text import choose, later_duplicates, take

# Mainland mobile prefixes and relative frequency (the 19x/16x ranges are the newer allocations).
_MOBILE_PREFIXES = {
    **{p: 3.0 for p in range(130, 140)},
    **{p: 2.0 for p in (150, 151, 152, 153, 155, 156, 157, 158, 159)},
    **{p: 2.0 for p in range(180, 190)},
    173: 1.0,
    175: 0.6,
    176: 1.0,
    177: 1.0,
    178: 0.8,
    166: 0.8,
    198: 0.8,
    199: 1.0,
    191: 0.4,
    193: 0.3,
    195: 0.3,
    145: 0.2,
    147: 0.3,
}
# Written forms of a mobile (a = 3-digit prefix, b = middle 4, c = last 4) and how often each occurs.
MOBILE_STYLES = (
    "{a}{b}{c}",
    "{a} {b} {c}",
    "{a}-{b}-{c}",
    "+86 {a}{b}{c}",
    "+86-{a}-{b}-{c}",
    "0086 {a}{b}{c}",
    "86-{a}{b}{c}",
    "(+86){a}{b}{c}",
    "+86{a}{b}{c}",
)
_MOBILE_STYLE_WEIGHTS = (40, 10, 9, 8, 5, 4, 4, 4, 8)
_PUBLIC_DOMAINS = (
    "qq.com",
    "163.com",
    "126.com",
    "gmail.com",
    "sina.com",
    "hotmail.com",
    "foxmail.com",
    "139.com",
    "sohu.com",
    "yeah.net",
    "outlook.com",
    "aliyun.com",
)
_PUBLIC_WEIGHTS = (20, 25, 12, 6, 6, 4, 6, 5, 3, 2, 3, 2)
_COMPANY_MAILBOXES = ("info", "contact", "sales", "service", "hr", "admin", "office", "market", "finance")
_COMPANY_TLDS = (".com", ".com.cn", ".cn", ".net")


def draw_mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct valid mainland mobile numbers as integers."""
    prefixes = np.array(list(_MOBILE_PREFIXES), dtype=np.int64)
    weights = list(_MOBILE_PREFIXES.values())

    def draw(size: int) -> np.ndarray:
        return prefixes[choose(rng, size, weights)] * 10**8 + rng.integers(0, 10**8, size)

    mobile = draw(n)
    for _ in range(50):
        dup = later_duplicates(mobile)
        if not dup.any():
            return mobile
        mobile[dup] = draw(int(dup.sum()))
    raise RuntimeError("could not draw distinct mobile numbers")


def mobile_styles(rng: np.random.Generator, n: int) -> np.ndarray:
    """A written-form index (into MOBILE_STYLES) per record."""
    return choose(rng, n, _MOBILE_STYLE_WEIGHTS)


def mobile_text(mobile: pl.Expr, style: pl.Expr) -> pl.Expr:
    """Mobile numbers (an Int64 expression) written in the given styles."""
    text = mobile.cast(pl.String)
    parts = {"a": text.str.slice(0, 3), "b": text.str.slice(3, 4), "c": text.str.slice(7, 4)}
    out = pl.when(style == 0).then(text)
    for i, template in enumerate(MOBILE_STYLES[1:], start=1):
        out = out.when(style == i).then(_fill(template, parts))
    return out.otherwise(text)


def _fill(template: str, parts: dict[str, pl.Expr]) -> pl.Expr:
    pieces: list[pl.Expr] = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        key, _, rest = tail.partition("}")
        pieces += [pl.lit(head), parts[key]] if head else [parts[key]]
    if rest:
        pieces.append(pl.lit(rest))
    return pl.concat_str(pieces)


def draw_landlines(rng: np.random.Generator, district: np.ndarray) -> np.ndarray:
    """Local landline numbers (7 or 8 digits by city, first digit 2-8) for the districts."""
    length = divisions().local_digits[district]
    first = rng.integers(2, 9, len(district))
    rest = rng.integers(0, 10**7, len(district))
    return np.where(length == 8, first * 10**7 + rest, first * 10**6 + rest // 10)


def landline_text(area: pl.Expr, local: pl.Expr, style: pl.Expr) -> pl.Expr:
    """Landlines written as 010-62345678, 0755 8888 6666, (010)62345678, 01062345678 or +86 10 62345678."""
    text = local.cast(pl.String)
    half = text.str.len_chars() // 2
    return (
        pl.when(style == 0)
        .then(pl.concat_str(area, pl.lit("-"), text))
        .when(style == 1)
        .then(pl.concat_str(area, pl.lit(" "), text.str.slice(0, half), pl.lit(" "), text.str.slice(half)))
        .when(style == 2)
        .then(pl.concat_str(pl.lit("("), area, pl.lit(")"), text))
        .when(style == 3)
        .then(pl.concat_str(area, text))
        .otherwise(pl.concat_str(pl.lit("+86 "), area.str.slice(1), pl.lit(" "), text))
    )


def landline_styles(rng: np.random.Generator, n: int) -> np.ndarray:
    """A written-form index (see landline_text) per record."""
    return choose(rng, n, (50, 15, 10, 15, 10))


def person_emails(
    rng: np.random.Generator, pinyin: tuple[pl.Series, pl.Series, pl.Series], birth_year: np.ndarray
) -> pl.Series:
    """Personal addresses from name pinyin (zhangwei, zhang.wei, wei.zhang, zhangwei1985, zw8823)
    or a QQ number, at public mail providers."""
    n = len(birth_year)
    sur, given, initials = pinyin
    form = choose(rng, n, (12, 8, 5, 12, 10, 20, 10))
    num = pl.Series(rng.integers(10, 10000, n)).cast(pl.String)
    qq = pl.Series(rng.integers(10**5, 3 * 10**9, n)).cast(pl.String)
    frame = pl.DataFrame(
        {
            "s": sur,
            "g": given,
            "i": initials,
            "f": form,
            "n": num,
            "q": qq,
            "y": pl.Series(birth_year).cast(pl.String),
            "d": take(_PUBLIC_DOMAINS, choose(rng, n, _PUBLIC_WEIGHTS)),
        }
    )
    f = pl.col("f")
    local = (
        pl.when(f == 0)
        .then(pl.concat_str("s", "g"))
        .when(f == 1)
        .then(pl.concat_str("s", pl.lit("."), "g"))
        .when(f == 2)
        .then(pl.concat_str("g", pl.lit("."), "s"))
        .when(f == 3)
        .then(pl.concat_str("s", "g", "y"))
        .when(f == 4)
        .then(pl.concat_str("i", "n"))
        .when(f == 5)
        .then(pl.col("q"))
        .otherwise(pl.concat_str("s", "g", pl.col("n").str.slice(0, 2)))
    )
    domain = pl.when(f == 5).then(pl.lit("qq.com")).otherwise(pl.col("d"))
    return frame.select(pl.concat_str(local, pl.lit("@"), domain).alias("email")).to_series()


def company_emails(
    rng: np.random.Generator, trade_pinyin: pl.Series, contact: tuple[pl.Series, pl.Series, pl.Series]
) -> pl.Series:
    """Company addresses: a role mailbox or the contact's name at the company's own domain, or the
    trade name plus digits at a public provider."""
    n = len(trade_pinyin)
    form = choose(rng, n, (50, 25, 25))
    frame = pl.DataFrame(
        {
            "t": trade_pinyin,
            "s": contact[0],
            "g": contact[1],
            "f": form,
            "box": take(_COMPANY_MAILBOXES, rng.integers(0, len(_COMPANY_MAILBOXES), n)),
            "tld": take(_COMPANY_TLDS, choose(rng, n, (45, 30, 15, 10))),
            "pub": take(_PUBLIC_DOMAINS[:3], rng.integers(0, 3, n)),
            "n": pl.Series(rng.integers(10, 10000, n)).cast(pl.String),
        }
    )
    f = pl.col("f")
    own = pl.concat_str("t", "tld")
    email = (
        pl.when(f == 0)
        .then(pl.concat_str("box", pl.lit("@"), own))
        .when(f == 1)
        .then(pl.concat_str("s", "g", pl.lit("@"), own))
        .otherwise(pl.concat_str("t", "n", pl.lit("@"), "pub"))
    )
    return frame.select(email.alias("email")).to_series()


def distinct_emails(rng: np.random.Generator, email: pl.Series) -> pl.Series:
    """Emails made unique across entities by appending digits to the local part of repeats."""
    for _ in range(50):
        dup = ~email.is_first_distinct()
        if not dup.any():
            return email
        suffix = pl.Series(rng.integers(1, 100, len(email))).cast(pl.String)
        frame = pl.DataFrame({"e": email, "x": suffix, "dup": dup})
        email = frame.select(
            pl.when("dup")
            .then(pl.col("e").str.replace("@", pl.concat_str("x", pl.lit("@")), literal=True))
            .otherwise("e")
        ).to_series()
    raise RuntimeError("could not make email addresses distinct")
