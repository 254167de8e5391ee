"""Steward decisions as training labels: merge labels refine m, keep-apart labels check the model."""

from __future__ import annotations

import datetime as dt
import json
import warnings

import numpy as np
import polars as pl
import pytest

from dq_project.matching import prepare_features, resolve_entities
from dq_project.matching.labels import label_report_path
from dq_project.matching.model import UntrainedLevelWarning, comparable_model, train_with_labels
from dq_project.settings import MatchingSettings

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀英华平刚桂兰建国志文海东晓红玉梅"
CITIES = ["北京市", "上海市", "广州市", "深圳市", "杭州市"]
SETTINGS = MatchingSettings(max_pairs_u=2e5, min_training_records=20, min_label_pairs=20)
TYPO_PAIRS = 40  # entities whose second record has its birth date one digit off


def _day_typo(day: dt.date) -> dt.date:
    """The same date with its last digit changed (one digit apart, not a day/month swap)."""
    return day + dt.timedelta(days=1 if day.day % 10 != 9 and day.day < 28 else -1)


@pytest.fixture(scope="module")
def staged() -> pl.DataFrame:
    rng = np.random.default_rng(11)
    rows = []
    for i in range(300):
        name = SURNAMES[rng.integers(len(SURNAMES))] + "".join(rng.choice(list(GIVEN), size=2))
        born = dt.date(1950, 1, 1) + dt.timedelta(int(rng.integers(0, 20000)))
        person = {
            "customer_type": "person",
            "name": name,
            "gender": "MF"[rng.integers(2)],
            "birth_date": born,
            "id_number": f"{rng.integers(10**16, 10**17 - 1)}{rng.integers(10)}",
            "mobile": f"+861{rng.integers(3 * 10**9, 9 * 10**9)}",
            "city": CITIES[rng.integers(len(CITIES))],
        }
        copies = 2 if i < TYPO_PAIRS else int(rng.choice([1, 2, 3], p=[0.4, 0.4, 0.2]))
        for k in range(copies):
            row = {**person, "record_key": f"src{k}:P{i:03d}"}
            if k and i < TYPO_PAIRS:
                row["birth_date"], row["id_number"] = _day_typo(born), None
            elif k and rng.random() < 0.3:
                row["id_number"] = None
            rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)


@pytest.fixture(scope="module")
def features(staged) -> pl.DataFrame:
    return prepare_features(staged)


def _decisions(action: str, pairs: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "decision_id": [f"D{action[0]}{n}" for n in range(len(pairs))],
            "decided_at": [dt.datetime(2026, 1, 1)] * len(pairs),
            "action": [action] * len(pairs),
            "record_key_l": [left for left, _ in pairs],
            "record_key_r": [right for _, right in pairs],
            "golden_id": [None] * len(pairs),
        },
        schema_overrides={"golden_id": pl.String},
    )


def _typo_merges(n: int) -> pl.DataFrame:
    return _decisions("merge", [(f"src0:P{i:03d}", f"src1:P{i:03d}") for i in range(n)])


def _train(features: pl.DataFrame, decisions: pl.DataFrame | None = None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UntrainedLevelWarning)
        return train_with_labels(features, "person", SETTINGS, decisions)


def _m(model: dict, comparison: str, label: str) -> float:
    (found,) = [c for c in model["comparisons"] if c["output_column_name"] == comparison]
    (level,) = [lv for lv in found["comparison_levels"] if lv.get("label_for_charts") == label]
    return level["m_probability"]


@pytest.fixture(scope="module")
def unlabelled(features):
    return _train(features)


def test_merge_labels_move_m_towards_what_they_show(features, unlabelled) -> None:
    model, report = unlabelled
    labelled, labelled_report = _train(features, _typo_merges(30))
    assert (report.merge_pairs, report.used_for_m) == (0, False)
    assert (labelled_report.merge_pairs, labelled_report.used_for_m) == (30, True)
    typo, exact = "Birth dates one digit apart", "Exact match on birth_date"
    assert _m(labelled, "birth_date", typo) > _m(model, "birth_date", typo) + 0.05
    assert _m(labelled, "birth_date", exact) < _m(model, "birth_date", exact) - 0.05
    # Blended, not replaced: EM's exact-date matches still dominate after 30 typo labels.
    assert _m(labelled, "birth_date", exact) > _m(labelled, "birth_date", typo)
    # The labelled pairs have no second ID: the id_number comparison keeps EM's m.
    assert _m(labelled, "id_number", "Exact match on id_number") == _m(
        model, "id_number", "Exact match on id_number"
    )


def test_too_few_labels_leave_the_model_as_without_labels(features, unlabelled) -> None:
    model, _ = unlabelled
    few, report = _train(features, _typo_merges(SETTINGS.min_label_pairs - 1))
    assert report.merge_pairs == SETTINGS.min_label_pairs - 1 and not report.used_for_m
    assert comparable_model(few) == comparable_model(model)


def test_keep_apart_labels_are_counted_and_checked(features) -> None:
    # Two records of one person labelled apart: the model still scores them as one.
    same = [(f"src0:P{i:03d}", f"src1:P{i:03d}") for i in range(50, 60)]
    different = [("src0:P100", "src0:P101"), ("src0:P102", "src0:P103")]
    decisions = pl.concat([_decisions("keep_apart", same + different), _typo_merges(5)])
    _, report = _train(features, decisions)
    keys = set(features["record_key"])
    present = sum(1 for left, right in same if left in keys and right in keys)  # others: not in the data
    assert present >= 3
    assert (report.merge_pairs, report.keep_apart_pairs, report.used_for_m) == (5, present + 2, False)
    assert report.keep_apart_merged is not None and report.keep_apart_merged >= present
    assert report.merges_missed is not None and 0 <= report.merges_missed <= 5


def test_resolve_passes_decisions_to_training_and_saves_the_label_report(staged, tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UntrainedLevelWarning)
        result = resolve_entities(staged, tmp_path, SETTINGS, retrain=True, decisions=_typo_merges(25))
    report = json.loads(label_report_path(result.model_paths["person"]).read_text(encoding="utf-8"))
    assert report["merge_pairs"] == 25 and report["used_for_m"] is True
