import polars as pl
import pytest

from dq_project.normalize import email_is_valid, normalize_email


@pytest.mark.parametrize(
    ("written", "value", "status"),
    [
        ("zhang.wei@qq.com", "zhang.wei@qq.com", "ok"),
        ("  Zhang.Wei@QQ.com ", "zhang.wei@qq.com", "normalized"),
        ("ＺＨＡＮＧ＠ＱＱ．ＣＯＭ", "zhang@qq.com", "normalized"),
        ("li_na88@163。com", "li_na88@163.com", "normalized"),
        ("sales@abc-tech.com.cn", "sales@abc-tech.com.cn", "ok"),
        ("first+tag@sub.example.org", "first+tag@sub.example.org", "ok"),
        ("zhangqq.com", "zhangqq.com", "invalid"),
        ("zhang@@qq.com", "zhang@@qq.com", "invalid"),
        ("zhang@qqcom", "zhang@qqcom", "invalid"),
        ("zh ang@qq.com", "zh ang@qq.com", "invalid"),
        ("zhang..wei@qq.com", "zhang..wei@qq.com", "invalid"),
        (".zhang@qq.com", ".zhang@qq.com", "invalid"),
        ("zhang@qq.c", "zhang@qq.c", "invalid"),
        ("zhang@-qq.com", "zhang@-qq.com", "invalid"),
        ("zhang@qq.123", "zhang@qq.123", "invalid"),
        ("张伟@qq.com", "张伟@qq.com", "invalid"),
        ("无", None, "missing"),
        (None, None, "missing"),
    ],
)
def test_normalize_email(written: str | None, value: str | None, status: str) -> None:
    assert normalize_email(pl.Series([written], dtype=pl.String)).select("value", "status").row(0) == (
        value,
        status,
    )


def test_length_limits() -> None:
    local = "a" * 65
    frame = pl.DataFrame({"e": [f"{local}@qq.com", f"{'a' * 64}@qq.com", f"a@{'b' * 250}.com"]})
    assert frame.select(email_is_valid(pl.col("e")))["e"].to_list() == [False, True, False]
