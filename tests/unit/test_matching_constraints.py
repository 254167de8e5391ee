"""Cannot-link / must-link constraints applied after clustering (dq_project.matching.constraints)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dq_project.matching.constraints import apply_constraints, decision_constraints, id_labels

NO_FORCED = pl.DataFrame(schema={"record_key_l": pl.String, "record_key_r": pl.String})


def _clusters(groups: list[list[str]]) -> pl.DataFrame:
    rows = [(k, min(g)) for g in groups for k in g]
    return pl.DataFrame(rows, schema=["record_key", "cluster_key"], orient="row")


def _edges(*edges: tuple[str, str, float]) -> pl.DataFrame:
    return pl.DataFrame(list(edges), schema=["record_key_l", "record_key_r", "match_weight"], orient="row")


def _groups(frame: pl.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g) for g in frame.group_by("cluster_key").agg("record_key")["record_key"].to_list()}


def _labels(records: dict[str, str | None], status: str = "ok") -> pl.DataFrame:
    frame = pl.DataFrame({"record_key": list(records), "id_number": list(records.values())})
    return id_labels(frame.with_columns(id_number_status=pl.lit(status)))


def test_two_valid_ids_split_and_id_less_records_follow_their_strongest_link() -> None:
    # a(ID1) - x - b(ID2) chained by Splink; x links more strongly to b; y hangs off a.
    clusters = _clusters([["a", "b", "x", "y"], ["z"]])
    edges = _edges(("a", "x", 5.0), ("b", "x", 9.0), ("a", "y", 7.0))
    labels = _labels({"a": "ID1", "b": "ID2", "x": None, "y": None})
    result = apply_constraints(clusters, edges, labels, NO_FORCED)
    assert _groups(result) == {frozenset({"b", "x"}), frozenset({"a", "y"}), frozenset({"z"})}
    assert result["record_key"].to_list() == clusters["record_key"].to_list()
    assert dict(result.iter_rows())["x"] == "b"


def test_invalid_ids_do_not_cut_and_clean_clusters_are_untouched() -> None:
    clusters = _clusters([["a", "b"], ["c", "d"]])
    edges = _edges(("a", "b", 5.0), ("c", "d", 5.0))
    labels = _labels({"a": "ID1", "b": "ID2"}, status="invalid")
    assert labels.is_empty()
    assert apply_constraints(clusters, edges, labels, NO_FORCED).equals(clusters)


def test_company_credit_codes_are_cannot_link_too() -> None:
    records = pl.DataFrame({"record_key": ["a", "b"], "credit_code": ["91X", "91Y"],
                            "credit_code_status": ["ok", "normalized"]})  # fmt: skip
    labels = id_labels(records)
    result = apply_constraints(_clusters([["a", "b"]]), _edges(("a", "b", 20.0)), labels, NO_FORCED)
    assert _groups(result) == {frozenset({"a"}), frozenset({"b"})}


def _decisions(*rows: tuple[str, str, str | None, str | None]) -> pl.DataFrame:
    base = dt.datetime(2026, 1, 1)
    return pl.DataFrame(
        [
            (f"D{i}", base + dt.timedelta(minutes=i), action, left, right, None)
            for i, (action, left, right, _) in enumerate(rows)
        ],
        schema=["decision_id", "decided_at", "action", "record_key_l", "record_key_r", "golden_id"],
        orient="row",
    )


def test_keep_apart_and_merge_decisions() -> None:
    clusters = _clusters([["a", "b", "c"], ["d"], ["e"]])
    edges = _edges(("a", "b", 9.0), ("b", "c", 8.0))
    labels, forced = decision_constraints(
        _decisions(("keep_apart", "a", "c", None), ("merge", "e", "d", None))
    )
    result = apply_constraints(clusters, edges, labels, forced)
    assert _groups(result) == {frozenset({"a", "b"}), frozenset({"c"}), frozenset({"d", "e"})}


def test_latest_pair_decision_wins_and_merge_overrides_an_id_conflict() -> None:
    decisions = _decisions(("keep_apart", "a", "b", None), ("merge", "b", "a", None))
    labels, forced = decision_constraints(decisions)
    labels = pl.concat([labels, _labels({"a": "ID1", "b": "ID2"})])
    result = apply_constraints(_clusters([["a"], ["b"]]), _edges(), labels, forced)
    assert _groups(result) == {frozenset({"a", "b"})}


def test_unmerge_makes_every_record_its_own_entity() -> None:
    decisions = _decisions(
        ("unmerge", "a", None, None), ("unmerge", "b", None, None), ("unmerge", "c", None, None)
    )
    decisions = decisions.with_columns(decision_id=pl.lit("D9"))
    labels, forced = decision_constraints(decisions)
    edges = _edges(("a", "b", 9.0), ("b", "c", 8.0), ("a", "c", 7.0))
    result = apply_constraints(_clusters([["a", "b", "c"]]), edges, labels, forced)
    assert _groups(result) == {frozenset({"a"}), frozenset({"b"}), frozenset({"c"})}


def test_merge_joins_two_entities_whole() -> None:
    """A steward merge of a1 and b3 joins both entities: b3 is not pulled out of its four-record
    entity, even when the merge-band edges at hand (an incremental run scores only changed records)
    do not connect all of it."""
    clusters = _clusters([["a1", "a2"], ["b1", "b2", "b3", "b4"], ["c"]])
    edges = _edges(("a1", "a2", 9.0), ("b1", "b2", 9.0))
    labels, forced = decision_constraints(_decisions(("merge", "a1", "b3", None)))
    result = apply_constraints(clusters, edges, labels, forced)
    assert _groups(result) == {frozenset({"a1", "a2", "b1", "b2", "b3", "b4"}), frozenset({"c"})}


def test_merge_still_respects_a_keep_apart_inside_the_other_entity() -> None:
    clusters = _clusters([["a"], ["b", "c"]])
    decisions = _decisions(("keep_apart", "a", "c", None), ("merge", "a", "b", None))
    labels, forced = decision_constraints(decisions)
    result = apply_constraints(clusters, _edges(("b", "c", 9.0)), labels, forced)
    assert _groups(result) == {frozenset({"a"}), frozenset({"b", "c"})}
