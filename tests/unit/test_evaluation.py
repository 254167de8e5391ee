import polars as pl
import pytest

from dq_project.matching.evaluation import pairwise_score


def test_pairwise_score_counts_pairs() -> None:
    truth = pl.DataFrame({"record_key": list("abcde"), "entity_id": [1, 1, 1, 2, 2]})
    predicted = pl.DataFrame({"record_key": list("abcde"), "cluster_key": ["a", "a", "c", "c", "e"]})
    score = pairwise_score(predicted, truth)
    # true pairs: ab ac bc de = 4; predicted: ab cd = 2; correct: ab = 1
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (4, 2, 1)
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(0.25)
    assert score.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_perfect_and_empty() -> None:
    truth = pl.DataFrame({"record_key": ["a", "b"], "entity_id": [1, 1]})
    assert pairwise_score(truth.rename({"entity_id": "cluster_key"}), truth).f1 == 1.0
    singletons = pl.DataFrame({"record_key": ["a"], "entity_id": [1]})
    assert pairwise_score(singletons.rename({"entity_id": "cluster_key"}), singletons).f1 == 1.0
