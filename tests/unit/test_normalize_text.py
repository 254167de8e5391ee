import polars as pl
import pytest

from dq_project.normalize import clean_text, normalize_tags, normalize_text, null_placeholders, to_halfwidth
from dq_project.normalize.text import PLACEHOLDERS, keep_if, once


def apply(expr_fn, values: list[str | None]) -> list[str | None]:
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(expr_fn(pl.col("v")))["v"].to_list()


def test_halfwidth_folds_fullwidth_ascii_and_ideographic_space() -> None:
    assert apply(
        to_halfwidth,
        ["ＡＢＣ１２３", "ｚｈａｎｇ＠ｑｑ．ｃｏｍ", "张\u3000三", "（北京）", "１３８－１２３４"],
    ) == [
        "ABC123",
        "zhang@qq.com",
        "张 三",
        "(北京)",
        "138-1234",
    ]


def test_halfwidth_leaves_other_compatibility_characters_alone() -> None:
    # Blanket NFKC would turn these into 1, 2 and 1⁄2.
    assert apply(to_halfwidth, ["①号楼", "m²", "½", "。", "北京市"]) == ["①号楼", "m²", "½", "。", "北京市"]


def test_clean_text_trims_and_collapses_whitespace() -> None:
    assert apply(
        clean_text, ["  张三  ", "a \t\n b", "科技园\u3000\u3000南区", "x\u200by", "\ufeffabc", "a  b"]
    ) == [
        "张三",
        "a b",
        "科技园 南区",
        "xy",
        "abc",
        "a b",
    ]


@pytest.mark.parametrize(
    "placeholder",
    [
        "无",
        "暂无",
        "没有",
        "空",
        "N/A",
        "NA",
        "n/a",
        "null",
        "NULL",
        "None",
        "none",
        "-",
        "--",
        "/",
        "?",
        " 无 ",
        "ＮＵＬＬ",
        "？",
        "－",
        "",
        "   ",
    ],
)
def test_placeholders_become_null(placeholder: str) -> None:
    assert apply(clean_text, [placeholder]) == [None]


def test_real_values_are_not_placeholders() -> None:
    values = ["无锡市", "Nana", "空港物流", "-1", "n/a2", "Li Na", "A"]
    assert apply(clean_text, values) == values
    assert apply(null_placeholders, ["null", "nullx"]) == [None, "nullx"]
    assert "无" in PLACEHOLDERS


def test_normalize_text_status() -> None:
    out = normalize_text(pl.Series(["张三", " 张三 ", "ＬＩ　Ｎａ", "无", None, "a  b"]))
    assert out["value"].to_list() == ["张三", "张三", "LI Na", None, None, "a b"]
    assert out["status"].to_list() == ["ok", "ok", "normalized", "missing", "missing", "normalized"]


def test_normalize_tags_tidies_separators() -> None:
    out = normalize_tags(pl.Series(["vip ； 老客户", "vip;重点;", " ; ", None, "新客户"]))
    assert out.columns == ["value"]
    assert out["value"].to_list() == ["vip;老客户", "vip;重点", None, None, "新客户"]


def test_once_and_keep_if_keep_the_output_name() -> None:
    frame = pl.DataFrame({"v": [1, 2, 3]})
    assert frame.select(keep_if(pl.col("v"), lambda x: x > 1))["v"].to_list() == [None, 2, 3]
    assert frame.select(once(pl.col("v") * 10, lambda x: x + x))["v"].to_list() == [20, 40, 60]
