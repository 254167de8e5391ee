"""The fast matching features equal the frozen reference (features_reference) on varied input:
CJK and compound surnames, run-together and hyphenated pinyin, Western names, full-width and
decomposed text, exotic digits and whitespace, statuses, absent columns, many-chunk frames."""

import datetime as dt

import features_reference as reference
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dq_project.matching.features import prepare_features
from dq_project.normalize import clean as text
from dq_project.normalize import name_keys as names
from dq_project.normalize.comparable import with_comparable_names

NAMES = [
    "张伟明", "欧阳娜", "尉迟恭", "万俟卨", "长孙无忌", "单田芳", "曾", "区", "欧阳", "司马 懿", "张·伟",
    "zhangweiming", "Zhang Wei-Ming", "Weiming Zhang", "ZHANG  WEI", "shangguanwaner", "lü bu", "LV Bu",
    "Isla Hall", "Hall Isla", "Ann-Marie Smith", "lucas", "Li", "xx", "", " ", "123", "Ｚｈａｎｇ Ｗｅｉ",
    "a张b", "John 李", "İlhan", "\u212aang", "Lu\u0308 Bu", "O'Brien", "䷀䷁", "\u3400\u4db5", "\uf900",
]  # fmt: skip
_NAME_CHARS = (
    "张王李赵欧阳司马诸葛尉迟万俟长孙令狐单曾解查区朴乐覃翟种召秘伟明娜华芳玲\u3400\u4dc0\u9fff\uf900"
    "abceghilmnorstuwyzZWHLIüÜvV -'·•\u3000\t\nＺｈ01٣İ\u212a\u0308é"
)
_SYLLABLES = ["wei", "ming", "hua", "xiao", "lan", "jun", "yu", "cas", "xyz", "er", "lv", "a"]
_PINYIN_NAMES = st.builds(
    lambda surname, given, sep, upper: (surname + sep + given).upper() if upper else surname + sep + given,
    st.sampled_from(sorted(names.SURNAME_PINYIN) + ["hall", "smith"]),
    st.lists(st.sampled_from(_SYLLABLES), max_size=3).map("".join),
    st.sampled_from(["", " ", "-", "  ", "·"]),
    st.booleans(),
)
NAME = st.one_of(
    st.sampled_from(NAMES), st.text(_NAME_CHARS, max_size=10), _PINYIN_NAMES, st.text(max_size=6)
)
REGIONS = [
    None, "", " ", "深圳市", "深圳", "广东省", "上海市", "北京",
    "内蒙古自治区", "香港特别行政区", "ｓｈ", "重庆 市",
]  # fmt: skip
ADDRESS = st.one_of(
    st.builds(
        lambda *parts: "".join(parts),
        st.sampled_from(["", "广东省", "内蒙古自治区", "香港特别行政区", "北京市", " 浙江省 "]),
        st.sampled_from(["", "深圳市", "呼和浩特市", "广州 市"]),
        st.sampled_from(["", "南山区", "昆山县", "达尔罕旗", "浦东新区"]),
        st.text("文化路号楼栋单元层室#-Ff 0123456789０１٣\u3000", max_size=18),
    ),
    st.text(max_size=8),
    st.none(),
)
COMPANY = st.one_of(
    st.builds(
        lambda *parts: "".join(parts),
        st.sampled_from(["", "深圳", "深圳市", "广东省", "北京", "(北京)"]),
        st.sampled_from(["恒达科技", "Acme, Inc.", "华为 技术", "A&B-C's"]),
        st.sampled_from(["", "有限公司", "集团股份有限公司", "集团公司", "分公司", "（深圳）有限责任公司"]),
    ),
    st.none(),
)
EMAIL = st.one_of(
    st.text("abcXY._-@ 1２\u3000ü", max_size=14),
    st.sampled_from(["Li.Ming@QQ.com", "a@@b", "@x", "a@", "x_y-z@corp.cn", "ＬＩ＠１６３.ＣＯＭ", None]),
)
MOBILE = st.one_of(st.text("+86 1380０٣-()\u3000x", max_size=16), st.sampled_from(["+8613812345678", None]))
CODE = st.one_of(st.text("0123456789Xx ０A", max_size=19), st.just("11010519491231002x"), st.none())
STATUS = st.sampled_from(["ok", "normalized", "invalid", "missing", None])
DATE = st.one_of(st.none(), st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)))
ROW = st.fixed_dictionaries(
    {
        "customer_type": st.sampled_from(["person", "company", None]),
        "name": NAME, "gender": st.sampled_from(["M", "F", "", None]), "birth_date": DATE,
        "id_number": CODE, "company_name": COMPANY, "credit_code": CODE, "mobile": MOBILE, "phone": MOBILE,
        "email": EMAIL, "province": st.sampled_from(REGIONS), "city": st.sampled_from(REGIONS),
        "district": st.sampled_from([None, "", "南山区", " 南山 区 "]), "address": ADDRESS,
        "id_birth_date": DATE, "id_gender": st.sampled_from(["M", "F", None]),
        **{f"{field}_status": STATUS for field in ("mobile", "email", "phone", "gender")},
    }
)  # fmt: skip
OPTIONAL = [c for c in ROW.wrapped_strategy.mapping if c != "customer_type"]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _frame(rows: list[dict], repeat: int, dropped: list[str]) -> pl.DataFrame:
    """rows (repeated: few distinct regions take the once-per-value path), as two chunks."""
    rows = rows * repeat
    frame = pl.DataFrame(rows, schema={c: pl.Date if "date" in c else pl.String for c in rows[0]})
    frame = frame.with_columns(record_key=pl.int_range(pl.len()).cast(pl.String)).drop(dropped)
    half = frame.height // 2
    return pl.concat([frame[:half], frame[half:]], rechunk=False)


@SETTINGS
@given(st.lists(ROW, min_size=1, max_size=12), st.sampled_from([1, 15]), st.lists(st.sampled_from(OPTIONAL)))
def test_prepare_features_equals_the_reference(rows, repeat, dropped) -> None:
    records = _frame(rows, repeat, sorted(set(dropped)))
    expected = reference.prepare_features(records)
    actual = prepare_features(records)
    # birth_digits came after the frozen reference: the birth date as yyyymmdd
    assert actual["birth_digits"].equals(actual["birth_date"].dt.strftime("%Y%m%d").alias("birth_digits"))
    # the international and company-form columns came after it too (tests/unit/test_matching_derive.py,
    # test_matching_cannot_link.py); without those source fields they are null or the name's form
    actual = actual.drop("birth_digits", "given_name", "family_name", "postcode", "identifier")
    assert actual["company_branch"].null_count() == actual.height
    actual = actual.drop("company_form", "company_branch")
    assert actual.schema == expected.schema
    assert actual.equals(expected)


@SETTINGS
@given(
    st.lists(ROW, min_size=1, max_size=12), st.lists(st.sampled_from(["company_name", "city", "province"]))
)
def test_with_comparable_names_equals_the_reference(rows, dropped) -> None:
    records = _frame(rows, 1, sorted(set(dropped)))
    assert with_comparable_names(records).equals(reference.with_comparable_names(records))


def test_with_comparable_names_without_a_name_column() -> None:
    """(The reference failed here on more than one row: a length-1 literal against the frame.)"""
    records = pl.DataFrame({"record_key": ["a", "b"], "company_name": ["恒达科技有限公司", None]})
    keyed = with_comparable_names(records)
    assert keyed.columns == ["record_key", "company_name", "company_key"] + ["name_key"]
    assert keyed["name_key"].to_list() == [None, None]
    assert keyed["company_key"].to_list() == ["恒达科技", None]


def test_cleaning_leaves_its_input_alone() -> None:
    values = pl.Series(["  张 三 ", "ＡＢ", "ok"])
    assert text.clean_text(values).to_list() == ["张 三", "AB", "ok"]
    assert values.to_list() == ["  张 三 ", "ＡＢ", "ok"]


@SETTINGS
@given(st.lists(NAME, unique=True, max_size=40))
def test_name_keys_equal_the_per_name_reference(values) -> None:
    series = pl.Series("name_clean", values, pl.String)
    assert names.name_keys(series).equals(reference.name_keys(series))


@pytest.mark.parametrize("name", NAMES)
def test_each_listed_name_keys_like_the_reference(name) -> None:
    series = pl.Series([name])
    assert names.name_keys(series).equals(reference.name_keys(series))


def test_text_the_fast_path_skips_is_its_own_clean_form() -> None:
    """Every character ALREADY_CLEAN admits is left alone by NFKC and the whitespace cleanup (one
    at a time: none of them composes with a neighbour)."""
    chars = [chr(c) for c in (*range(0x21, 0x7F), *range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    values = pl.Series(chars)
    assert values.str.contains(text.ALREADY_CLEAN).all()
    assert pl.select(reference._clean(pl.lit(values))).to_series().to_list() == chars
