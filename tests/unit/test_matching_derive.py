"""The model follows the data: field profile -> comparisons, blocking rules and training blocks
(dq_project.matching.derive), and a dataset with only name, birth date and postcode links."""

from __future__ import annotations

import datetime as dt
import random
import warnings

import polars as pl
import pytest

from dq_project.matching import derive as derive_module
from dq_project.matching.derive import InsufficientFieldsError, derive, legacy_derivation
from dq_project.matching.evaluation import pairwise_score
from dq_project.matching.features import prepare_features
from dq_project.matching.model import UntrainedLevelWarning
from dq_project.matching.model_meta import load_derivation, load_meta
from dq_project.matching.resolve import model_path, resolve_entities
from dq_project.normalize import normalize_frame
from dq_project.settings import MatchingSettings


def _features(columns: dict[str, list], customer_type: str = "person") -> pl.DataFrame:
    n = len(next(iter(columns.values())))
    frame = pl.DataFrame(
        {"record_key": [f"r{i}" for i in range(n)], "customer_type": [customer_type] * n, **columns}
    )
    return prepare_features(frame)


def _chinese() -> pl.DataFrame:
    return _features(
        {
            "name": ["张伟", "张伟", "李娜", "李娜", "王芳", "王芳"],
            "id_number": ["110101199003071234", "110101199003071234", None, None, "11010119900307123X", None],
            "birth_date": [dt.date(1990, 3, 7)] * 2 + [dt.date(1985, 1, 2)] * 2 + [dt.date(1970, 5, 5)] * 2,
            "gender": ["M", "M", "F", "F", "F", "F"],
            "mobile": ["+8613800000001", "+8613800000001", "+8613900000002", None, None, "+8613700000003"],
            "email": ["a@x.cn", None, "b@y.cn", "b@y.cn", None, None],
            "city": ["北京市"] * 6,
            "district": ["朝阳区"] * 6,
            "address": ["朝阳路1号", "朝阳路1号", "建国路2号", None, "长安街3号", "长安街3号"],
        }
    )


def test_chinese_crm_data_keeps_every_comparison_and_rule_it_had() -> None:
    derived = derive(_chinese(), "person")
    legacy = legacy_derivation("person")
    assert derived.comparisons == legacy.comparisons
    # every legacy rule whose columns are filled is kept (no Latin name tokens here: those are not)
    kept = [r for r in legacy.predict if "name_token" not in str(r)]
    assert [r for r in derived.predict if r in legacy.predict] == kept
    assert derived.em == [("id_number",), ("name_key", "birth_date")]
    assert derived.fill["mobile"] == pytest.approx(4 / 6, abs=1e-3)
    assert derived.distinct["name_key"] == 3


def test_international_fields_replace_the_chinese_ones() -> None:
    features = _features(
        {
            "given_name": ["anna", "anna", "john", "jon"],
            "family_name": ["smith", "smith", "brown", "browne"],
            "birth_date": [dt.date(1901, 2, 3)] * 2 + [dt.date(1950, 1, 1)] * 2,
            "postcode": ["2000", "2000", "3000", "3001"],
            "identifier": ["123456", "123456", "987654", "987645"],
        }
    )
    derived = derive(features, "person")
    assert derived.comparisons == ["identifier", "given_name", "family_name", "birth_date", "postcode"]
    assert ("identifier",) in derived.predict and ("postcode",) in derived.predict
    assert not any("mobile" in str(r) or "id_number" in str(r) for r in derived.predict)
    # EM on the identifier trains everything but the identifier; name + birth date trains that
    assert derived.em == [("identifier",), ("name_key", "birth_date")]


def test_training_blocks_fall_back_to_what_finds_pairs() -> None:
    features = _features({"name": ["Ann Lee", "Ann Lee", "Bob Ray"],
                          "birth_date": [dt.date(1980, 1, 1)] * 2 + [None],
                          "email": ["x@y.com", "x@y.com", None]})  # fmt: skip
    derived = derive(features, "person")
    assert derived.em == [("name_key", "birth_date"), ("email",)]
    assert derived.prior == [("name_key", "birth_date"), ("email",)]


def test_a_rule_over_the_pair_budget_is_not_used(monkeypatch) -> None:
    features = _features({"name": [f"P{i} Q" for i in range(40)], "birth_date": [dt.date(1980, 1, 1)] * 40})
    assert ("birth_date",) in derive(features, "person").predict  # 780 pairs: within 50,000
    monkeypatch.setattr(derive_module, "MIN_PAIR_BUDGET", 100)
    derived = derive(features, "person")
    assert ("birth_date",) not in derived.predict
    assert derived.rule_pairs["birth_date"] == 40 * 39 // 2


def test_too_few_fields_say_what_to_map() -> None:
    with pytest.raises(InsufficientFieldsError, match=r"missing: a second field.*map `name`.*`postcode`"):
        derive(_features({"name": ["Ann Lee", "Ann Lee"]}), "person")
    with pytest.raises(InsufficientFieldsError, match=r"missing: a name.*`company_name`"):
        derive(_features({"phone": ["+4420", "+4420"]}, "company"), "company")


def _name_birth_postcode(entities: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Latin-script people, 1-3 records each, with typos in names, a digit of the postcode or the
    birth date; only name, birth date and postcode."""
    rng = random.Random(seed)
    given = [
        "oliver",
        "amelia",
        "harry",
        "isla",
        "jack",
        "ava",
        "noah",
        "mia",
        "leo",
        "ella",
        "oscar",
        "grace",
    ]
    family = ["smith", "jones", "taylor", "brown", "wilson", "evans", "thomas", "roberts", "walker", "wright"]
    rows, truth = [], []

    def typo(text: str) -> str:
        i = rng.randrange(1, len(text))
        return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + "x" + text[i:]

    for e in range(entities):
        name = f"{rng.choice(given)} {rng.choice(family)}"
        born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(25_000))
        postcode = f"{rng.randrange(1000, 9999)}"
        for k in range(rng.choice([1, 2, 2, 3])):
            n, b, p = name, born, postcode
            error = rng.choice(["none", "name", "postcode", "birth"]) if k else "none"
            if error == "name":
                n = typo(name)
            elif error == "postcode":
                p = postcode[:3] + str((int(postcode[3]) + 1) % 10)
            elif error == "birth":
                b = born.replace(day=min(born.day + 1, 28))
            key = f"e{e}r{k}"
            rows.append({"source_record_id": key, "name": n, "birth_date": b.isoformat(), "postcode": p})
            truth.append({"record_key": key, "entity_id": f"e{e}"})
    return pl.DataFrame(rows), pl.DataFrame(truth)


def test_name_birth_date_and_postcode_alone_train_and_link(tmp_path) -> None:
    raw, truth = _name_birth_postcode(300)
    staged = normalize_frame(raw.with_columns(customer_type=pl.lit("person"))).with_columns(
        record_key=pl.col("source_record_id")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UntrainedLevelWarning)
        result = resolve_entities(staged, tmp_path, MatchingSettings(max_pairs_u=1e5))
    score = pairwise_score(result.clusters, truth)
    assert score.precision >= 0.97 and score.recall >= 0.9, score
    path = model_path(tmp_path, "person")
    assert load_derivation(path, "person").comparisons == ["name", "birth_date", "postcode"]
    meta = load_meta(path)
    assert meta["training"]["records"] == staged.height
    assert 0.5 <= meta["thresholds"]["merge_threshold"] < 1 and "expected F" in meta["thresholds"]["reason"]
