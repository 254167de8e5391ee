"""Entity resolution on a small synthetic staged frame (frozen seed): merges, hard negatives, models."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl
import pytest
from pypinyin import lazy_pinyin

from dq_project.matching import (
    ModelTrainingError,
    UntrainedLevelWarning,
    prepare_features,
    resolve_entities,
)
from dq_project.matching.evaluation import pairwise_score
from dq_project.matching.model import UNOBSERVED_M, complete_parameters, unmix_u
from dq_project.settings import MatchingSettings

# fmt: off
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀英华平刚桂兰建国志文海东晓红玉梅"
PLACES = [("北京市", "北京市", "海淀区"), ("北京市", "北京市", "朝阳区"), ("上海市", "上海市", "浦东新区"),
          ("广东省", "广州市", "天河区"), ("广东省", "深圳市", "南山区"), ("浙江省", "杭州市", "西湖区")]
STREETS = ["中山路", "人民路", "解放路", "建设路", "和平路", "新华路", "长江路", "黄河路", "文化路", "胜利路"]
TRADES = ["华为", "腾讯", "恒达", "鑫源", "宏图", "盛世", "天成", "博远", "金泰",
          "瑞丰", "海纳", "中科", "东方", "新程", "万通", "汇丰", "德信", "正元"]
INDUSTRIES = ["科技", "贸易", "实业", "物流", "建设", "咨询"]
# fmt: on
SETTINGS = MatchingSettings(max_pairs_u=2e5, min_training_records=20)


def _pinyin(name: str, reverse: bool) -> str:
    sur, given = lazy_pinyin(name[0])[0].title(), "".join(lazy_pinyin(name[1:])).title()
    return f"{given} {sur}" if reverse else f"{sur} {given}"


def _mobile(rng: np.random.Generator) -> str:
    return f"+861{rng.integers(3 * 10**9, 9 * 10**9)}"


def _record_key(k: int, entity: str) -> str:
    return f"{'crm' if k % 2 == 0 else 'erp'}:{entity}-{k}"


def _person_entities(rng: np.random.Generator, n: int) -> list[dict]:
    people = []
    for i in range(n):
        place = PLACES[rng.integers(len(PLACES))]
        given = "".join(rng.choice(list(GIVEN), size=rng.integers(1, 3)))
        people.append(
            {
                "entity": f"P{i}",
                "name": SURNAMES[rng.integers(len(SURNAMES))] + given,
                "gender": "MF"[rng.integers(2)],
                "birth_date": dt.date(1950, 1, 1) + dt.timedelta(int(rng.integers(0, 20000))),
                "id_number": f"{rng.integers(10**16, 10**17 - 1)}{rng.integers(10)}",
                "mobile": _mobile(rng),
                "province": place[0],
                "city": place[1],
                "district": place[2],
                "address": f"{STREETS[rng.integers(len(STREETS))]}{rng.integers(1, 300)}号",
            }
        )
    return people


def _person_records(rng: np.random.Generator, people: list[dict]) -> list[dict]:
    rows = []
    for p in people:
        email = f"{''.join(lazy_pinyin(p['name']))}{rng.integers(10, 99)}@qq.com"
        for k in range(int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))):
            row = {
                **p,
                "record_key": _record_key(k, p["entity"]),
                "customer_type": "person",
                "email": email if rng.random() < 0.5 else None,
            }
            if k and rng.random() < 0.4:
                row["name"] = _pinyin(p["name"], reverse=rng.random() < 0.3)
            for field, drop in (("id_number", 0.3), ("mobile", 0.25), ("address", 0.3), ("birth_date", 0.2)):
                if k and rng.random() < drop:
                    row[field] = None
            rows.append(row)
    return rows


def _company_records(rng: np.random.Generator, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        place = PLACES[rng.integers(len(PLACES))]
        core = TRADES[i % len(TRADES)] + INDUSTRIES[(i // len(TRADES)) % len(INDUSTRIES)]
        code = "91" + "".join(rng.choice(list("0123456789ABCDEFGH"), size=16))
        phone, mobile = f"+86105{rng.integers(10**6, 10**7)}", _mobile(rng)
        contact = SURNAMES[rng.integers(len(SURNAMES))] + GIVEN[rng.integers(len(GIVEN))]
        for k in range(int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))):
            prefix = place[1].removesuffix("市") if rng.random() < 0.5 else ""
            suffix = ["有限公司", "股份有限公司", "有限责任公司"][rng.integers(3)]
            rows.append(
                {
                    "entity": f"C{i}",
                    "record_key": _record_key(k, f"C{i}"),
                    "customer_type": "company",
                    "company_name": prefix + core + suffix,
                    "credit_code": code if k == 0 or rng.random() < 0.7 else None,
                    "phone": phone if rng.random() < 0.7 else None,
                    "mobile": mobile if rng.random() < 0.5 else None,
                    "name": contact if rng.random() < 0.6 else None,
                    "province": place[0],
                    "city": place[1],
                    "district": place[2],
                    "address": f"{STREETS[rng.integers(len(STREETS))]}{rng.integers(1, 300)}号",
                }
            )
    return rows


# Hand-written cases: (record_key, entity, fields). Namesakes (a common name in one district) and a
# family on one mobile and address (one member without an ID).
BEIJING = {"city": "北京市", "district": "海淀区"}
FAMILY = {"mobile": "+8618912345678", "address": "长江路88号"}
SPECIAL = [
    ("crm:dup-id-a", "E1", {"name": "李秀英", "id_number": "110105196203041226", "gender": "F"}),
    ("erp:dup-id-b", "E1", {"name": "Li Xiuying", "id_number": "110105196203041226", "gender": "F"}),
    (
        "crm:dup-mob-a",
        "E2",
        {
            "name": "陈静",
            "mobile": "+8613911112222",
            "city": "上海市",
            "gender": "F",
            "birth_date": dt.date(1985, 6, 1),
        },
    ),
    ("erp:dup-mob-b", "E2", {"name": "chenjing", "mobile": "+8613911112222", "city": "上海市"}),
    (
        "crm:ns-a",
        "E3",
        {
            "name": "张伟",
            "id_number": "110108198001015678",
            "mobile": "+8613800001111",
            "birth_date": dt.date(1980, 1, 1),
            "gender": "M",
            **BEIJING,
        },
    ),
    (
        "erp:ns-b",
        "E4",
        {
            "name": "张伟",
            "id_number": "110108199205203456",
            "mobile": "+8613600002222",
            "birth_date": dt.date(1992, 5, 20),
            "gender": "M",
            **BEIJING,
        },
    ),
    (
        "crm:fam-a",
        "E5",
        {
            "name": "王建国",
            "id_number": "310115196005051234",
            "birth_date": dt.date(1960, 5, 5),
            "gender": "M",
            **FAMILY,
        },
    ),
    (
        "crm:fam-b",
        "E6",
        {
            "name": "王晓明",
            "id_number": "310115198809091111",
            "birth_date": dt.date(1988, 9, 9),
            "gender": "M",
            **FAMILY,
        },
    ),
    ("erp:fam-c", "E7", {"name": "王晓红", "birth_date": dt.date(1990, 3, 1), "gender": "F", **FAMILY}),
]


def _special_records() -> list[dict]:
    base = {"customer_type": "person", "province": "上海市", "city": "上海市", "district": "浦东新区"}
    return [{**base, **fields, "record_key": key, "entity": entity} for key, entity, fields in SPECIAL]


@pytest.fixture(scope="module")
def staged() -> pl.DataFrame:
    rng = np.random.default_rng(7)
    rows = _person_records(rng, _person_entities(rng, 260)) + _company_records(rng, 70) + _special_records()
    frame = pl.DataFrame(rows, infer_schema_length=None)
    # An invalid mobile must not count as evidence (the normalizer keeps the text, status 'invalid').
    status = pl.when(pl.col("record_key") == "erp:ns-b").then(pl.lit("invalid")).otherwise(pl.lit("ok"))
    return frame.with_columns(status.alias("mobile_status"))


@pytest.fixture(scope="module")
def resolved(staged: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory):
    model_dir = tmp_path_factory.mktemp("models")
    with pytest.warns(UntrainedLevelWarning):  # the tiny frame lacks some near-miss levels
        result = resolve_entities(staged, model_dir, SETTINGS, retrain=False)
    return result, model_dir


def _cluster_of(result, key: str) -> str:
    return result.clusters.filter(pl.col("record_key") == key)["cluster_key"].item()


def test_every_record_appears_once_with_the_smallest_key(staged, resolved) -> None:
    result, _ = resolved
    assert result.clusters["record_key"].sort().to_list() == staged["record_key"].sort().to_list()
    smallest = result.clusters.group_by("cluster_key").agg(pl.col("record_key").min())
    assert (smallest["cluster_key"] == smallest["record_key"]).all()
    assert result.trained == {"person": True, "company": True}
    assert set(result.model_paths) == {"person", "company"}


def test_persons_and_companies_never_share_a_cluster(staged, resolved) -> None:
    result, _ = resolved
    types = result.clusters.join(staged.select("record_key", "customer_type"), on="record_key")
    assert types.group_by("cluster_key").agg(pl.col("customer_type").n_unique())["customer_type"].max() == 1
    assert result.pairs["customer_type"].is_in(["person", "company"]).all()


def test_obvious_duplicates_merge(resolved) -> None:
    result, _ = resolved
    assert _cluster_of(result, "crm:dup-id-a") == _cluster_of(result, "erp:dup-id-b")
    assert _cluster_of(result, "crm:dup-mob-a") == _cluster_of(result, "erp:dup-mob-b")


def test_hard_negatives_stay_apart(resolved) -> None:
    result, _ = resolved
    assert _cluster_of(result, "crm:ns-a") != _cluster_of(result, "erp:ns-b")
    family = {_cluster_of(result, key) for key in ("crm:fam-a", "crm:fam-b", "erp:fam-c")}
    assert len(family) == 3


def test_clustering_quality_on_the_synthetic_frame(staged, resolved) -> None:
    result, _ = resolved
    joined = result.clusters.join(staged.select("record_key", "entity"), on="record_key")

    def pairs(by: list[str]) -> int:
        sizes = joined.group_by(by).len()["len"]
        return int((sizes * (sizes - 1) // 2).sum())

    correct, predicted, true = pairs(["entity", "cluster_key"]), pairs(["cluster_key"]), pairs(["entity"])
    assert correct / predicted > 0.95 and correct / true > 0.85


def test_pairs_carry_per_comparison_weights(resolved) -> None:
    result, _ = resolved
    assert result.pairs.filter(pl.col("match_probability") < SETTINGS.pair_floor).is_empty()
    person = result.pairs.filter(pl.col("customer_type") == "person").row(0, named=True)
    assert {"id_number", "name", "birth_date", "mobile_address"} <= set(json.loads(person["weights"]))


def test_saved_model_is_reused_and_predicts_the_same(staged, resolved, monkeypatch) -> None:
    result, model_dir = resolved
    stamps = {t: p.stat().st_mtime_ns for t, p in result.model_paths.items()}

    def no_training(*args, **kwargs):
        raise AssertionError("retrain=False must not train when the model JSON exists")

    monkeypatch.setattr("dq_project.matching.resolve.train_full", no_training)
    again = resolve_entities(staged, model_dir, SETTINGS, retrain=False)
    assert again.trained == {"person": False, "company": False}
    assert {t: p.stat().st_mtime_ns for t, p in again.model_paths.items()} == stamps
    assert again.clusters.equals(result.clusters)
    assert again.pairs.equals(result.pairs)


def test_pinyin_keys_join_characters_and_spellings() -> None:
    names = ["张伟", "Zhang Wei", "zhangwei", "Wei Zhang", "ZHANG Wei", "张 伟", "曾国藩"]
    records = pl.DataFrame(
        {"record_key": [str(i) for i in range(len(names))], "customer_type": "person", "name": names}
    )
    keys = prepare_features(records)["name_key"].to_list()
    assert len(set(keys[:-1])) == 1
    assert keys[-1] == "guofanzeng"  # the surname reading, not the everyday "ceng"


def test_invalid_contact_values_are_not_evidence() -> None:
    records = pl.DataFrame(
        {
            "record_key": ["a", "b"],
            "customer_type": "company",
            "mobile": ["+8613812345678", "12345"],
            "mobile_status": ["ok", "invalid"],
            "email": ["x@@y", "info@acme.cn"],
            "email_status": ["invalid", "ok"],
            "company_name": ["北京恒达科技有限公司", "恒达科技(北京)股份有限公司"],
            "city": ["北京市", "北京"],
            "id_number": ["11010119900101123X", "1101"],
        }
    )
    features = prepare_features(records)
    assert features["mobile"].to_list() == ["+8613812345678", None]
    assert features["email"].to_list() == [None, "info@acme.cn"]
    assert features["company_core"].to_list() == ["恒达科技", "恒达科技"]
    assert features["city"].to_list() == ["北京", "北京"]
    assert features["id_number"].to_list() == ["11010119900101123X", None]


def test_unobserved_levels_get_fallback_values_and_untrained_comparisons_raise() -> None:
    model = {
        "comparisons": [
            {
                "output_column_name": "mobile",
                "comparison_levels": [
                    {"sql_condition": "null", "is_null_level": True},
                    {"sql_condition": "exact", "m_probability": 0.9, "u_probability": 0.001},
                    {"sql_condition": "last8", "label_for_charts": "last 8", "u_probability": 0.002},
                    {"sql_condition": "ELSE", "m_probability": 1e-27},
                ],
            }
        ]
    }
    unobserved: list[str] = []
    # one short line per model; the levels themselves are kept for `dq model show`
    with pytest.warns(
        UntrainedLevelWarning, match=r"^person model: 2 level\(s\) not observed in training \(mobile 2\)"
    ):
        filled = complete_parameters(model, "person", 1e6, unobserved=unobserved)
    assert unobserved == ["mobile: last 8 (m)", "mobile: ELSE (u)"]
    levels = filled["comparisons"][0]["comparison_levels"]
    assert levels[2]["m_probability"] == pytest.approx(UNOBSERVED_M, rel=1e-5)  # never counts for a match
    assert levels[3]["u_probability"] == 1e-6  # never seen among 1e6 random pairs
    assert levels[3]["m_probability"] == pytest.approx(1e-6, rel=1e-5)  # floored: 1e-27 would veto any match
    # ...each by its own negligible factor: no two levels share a weight (cannot_link reads them)
    twins = {"comparisons": [{"output_column_name": "name", "comparison_levels": [
        {"sql_condition": "a", "m_probability": 0.9, "u_probability": 0.01},
        {"sql_condition": "b", "u_probability": 1e-4}, {"sql_condition": "c", "u_probability": 1e-4},
    ]}]}  # fmt: skip
    with pytest.warns(UntrainedLevelWarning):
        b, c = complete_parameters(twins, "person", 1e6)["comparisons"][0]["comparison_levels"][1:]
    assert b["m_probability"] / b["u_probability"] != c["m_probability"] / c["u_probability"]
    for level in levels[1:]:
        level.pop("m_probability", None)
    with pytest.raises(ModelTrainingError):
        complete_parameters(model, "person", 1e6)


def test_unknown_types_and_untrainable_types_stay_singletons(tmp_path) -> None:
    records = pl.DataFrame(
        {
            "record_key": ["a", "b", "c", "d"],
            "customer_type": ["person", "person", "company", None],
            "name": ["张伟", "张伟", None, "李娜"],
            "id_number": ["110108198001015678"] * 2 + [None, None],
        }
    )
    result = resolve_entities(records, tmp_path, SETTINGS)  # 2 persons < min_training_records
    assert result.clusters["cluster_key"].to_list() == ["a", "b", "c", "d"]
    assert result.trained == {"person": False, "company": False}
    assert result.model_paths == {} and result.pairs.is_empty()
    with pytest.raises(ValueError, match="unique"):
        resolve_entities(records.with_columns(record_key=pl.lit("x")), tmp_path, SETTINGS)


def test_latin_names_have_order_free_parts_and_pinyin_stays_pinyin() -> None:
    names = ["Isla Hall", "HALL, Isla", "Lucas", "Zhang Weiming", "张伟明", "Mary Ann Smith"]
    records = pl.DataFrame(
        {"record_key": [str(i) for i in range(len(names))], "customer_type": "person", "name": names}
    )
    features = prepare_features(records)
    assert features["name_key"][0] == features["name_key"][1] == "hallisla"
    assert features["name_tokens"][0].to_list() == ["hall", "isla"]
    assert features["name_key"][2] == "lucas"  # not "lu" + "cas": "cas" is not pinyin
    assert features["name_tokens"][3] is None and features["name_tokens"][4] is None
    assert features["name_key"][3] == features["name_key"][4]
    assert (features["name_token_lo"][5], features["name_token_hi"][5]) == ("ann", "smith")


def test_unmixing_takes_the_matches_out_of_u() -> None:
    level = {"sql_condition": "exact", "m_probability": 0.8, "u_probability": 0.003}
    rare = {"sql_condition": "rare", "m_probability": 0.1, "u_probability": 0.0001}
    model = {
        "probability_two_random_records_match": 0.002,
        "comparisons": [{"output_column_name": "email", "comparison_levels": [level, rare]}],
    }
    unmix_u(model, floor=1e-6)
    assert level["u_probability"] == pytest.approx((0.003 - 0.002 * 0.8) / 0.998)
    assert rare["u_probability"] == 1e-6  # all its random agreements were matches


def _western_records(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """n Western people, 3 records each, with the errors of Splink's fake_1000: typos in names,
    e-mail domains and dates, given name and surname swapped, a name part or a field missing."""
    firsts = [
        "oliver",
        "amelia",
        "george",
        "isla",
        "harry",
        "ava",
        "jack",
        "mia",
        "noah",
        "grace",
        "leo",
        "lily",
    ]
    lasts = ["smith", "jones", "taylor", "brown", "davies", "evans", "wilson", "thomas", "roberts", "walker"]
    cities = ["London", "Leeds", "Bristol", "Cardiff", "Hull"]

    def typo(word: str) -> str:
        i = int(rng.integers(1, len(word)))
        return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i - 1] + word[i:]

    rows = []
    for i in range(n):
        first, last = rng.choice(firsts), rng.choice(lasts)
        born = dt.date(1950, 1, 1) + dt.timedelta(int(rng.integers(0, 20000)))
        email, city = f"{first}.{last}{i}@mail{i % 7}.com", rng.choice(cities)
        for k in range(3):
            name = [first.title(), last.title()]
            error = (i + k) % 5 if k else -1
            if error == 0:
                name[rng.integers(2)] = typo(name[0]).title()
            elif error == 1:
                name.reverse()
            elif error == 2:
                name = name[:1]
            birth = born + dt.timedelta(days=int(rng.choice([1, 10, 30]))) if error == 3 else born
            mail = email.replace("@mail", "@mial") if error == 4 else email
            rows.append(
                {
                    "record_key": f"{i}-{k}",
                    "entity": str(i),
                    "customer_type": "person",
                    "name": " ".join(name),
                    "birth_date": birth,
                    "email": None if k == 2 else mail,
                    "city": city,
                }
            )
    return pl.DataFrame(rows)


def test_western_names_with_typos_merge(tmp_path) -> None:
    records = _western_records(np.random.default_rng(7), 80)
    result = resolve_entities(records.drop("entity"), tmp_path, SETTINGS)
    truth = records.select("record_key", pl.col("entity").alias("entity_id"))
    score = pairwise_score(result.clusters, truth)
    assert score.precision >= 0.98
    assert score.recall >= 0.9
