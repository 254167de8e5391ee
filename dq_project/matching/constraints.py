"""Cannot-link and must-link constraints applied after Splink's clustering.

Policy (documented in docs/matching.md, "Cannot-link and review"): a cluster holding two different *valid*
resident IDs (or credit codes) is split along the ID, never sent to review unsplit. The records of
such a cluster are re-clustered greedily over the same merge-band edges, strongest first, and two
parts join only when they carry no conflicting label; records without an ID therefore join the part
they link to most strongly. Steward decisions are labels and edges of the same algorithm:

- keep_apart (l, r): the two records get different values of one label, so they never meet;
- unmerge (a golden record's records): each record gets its own value of one label;
- merge (l, r): a forced edge, applied first; it overrides an ID conflict or an unmerge between
  the two parts, never a keep_apart (for one pair the latest of merge / keep_apart wins). It joins
  the two records' entities whole: a cluster without a conflict of its own enters the greedy loop
  as one piece (its records already united), so a merge never pulls a record out of its entity.

Only clusters touched by a conflict or a decision go through the (Python) greedy loop; every other
Splink cluster is kept as it is, so the cost follows the number of conflicts, not the data size.
"""

from __future__ import annotations

import polars as pl

# Staging statuses of a value that passed its checksum.
VALID_STATUSES = ("ok", "normalized")
DECISION_SCHEMA = {
    "decision_id": pl.String,
    "decided_at": pl.Datetime("us"),
    "action": pl.String,
    "record_key_l": pl.String,
    "record_key_r": pl.String,
    "golden_id": pl.String,
}


def id_labels(records: pl.DataFrame) -> pl.DataFrame:
    """record_key, kind, value for every valid resident ID and credit code (the cannot-link labels)."""
    frames = []
    for field in ("id_number", "credit_code"):
        if field not in records.columns:
            continue
        valid = pl.col(field).is_not_null()
        if f"{field}_status" in records.columns:
            valid = valid & pl.col(f"{field}_status").is_in(VALID_STATUSES)
        frames.append(
            records.filter(valid).select(
                pl.col("record_key"), pl.lit(field).alias("kind"), pl.col(field).alias("value")
            )
        )
    empty = pl.DataFrame(schema={"record_key": pl.String, "kind": pl.String, "value": pl.String})
    return pl.concat([empty, *frames])


def decision_constraints(decisions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Steward decisions -> (labels: record_key, kind, value; forced edges: record_key_l, record_key_r).

    For a pair, the latest merge / keep_apart decision wins. An unmerge decision has one row per
    record of the golden record it splits (same decision_id).
    """
    decisions = _decision_frame(decisions)
    latest = latest_pair_decisions(decisions)
    merges = latest.filter(pl.col("action") == "merge").select(record_key_l="a", record_key_r="b")
    apart = latest.filter(pl.col("action") == "keep_apart")
    labels = [
        apart.select(record_key="a", kind="ka:" + pl.col("decision_id"), value=pl.lit("l")),
        apart.select(record_key="b", kind="ka:" + pl.col("decision_id"), value=pl.lit("r")),
        decisions.filter(pl.col("action") == "unmerge").select(
            record_key="record_key_l", kind="um:" + pl.col("decision_id"), value="record_key_l"
        ),
    ]
    return pl.concat(labels).unique(), merges


def latest_pair_decisions(decisions: pl.DataFrame) -> pl.DataFrame:
    """a, b (the pair's smaller and larger record key), action, decision_id: the latest merge or
    keep_apart decision of every pair of records."""
    pair = _decision_frame(decisions).filter(
        pl.col("action").is_in(["merge", "keep_apart"]) & pl.col("record_key_r").is_not_null()
    )
    pair = pair.with_columns(
        pl.min_horizontal("record_key_l", "record_key_r").alias("a"),
        pl.max_horizontal("record_key_l", "record_key_r").alias("b"),
    ).sort("decided_at", "decision_id")
    return pair.group_by("a", "b", maintain_order=True).agg(
        pl.col("action").last(), pl.col("decision_id").last()
    )


def _decision_frame(decisions: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(
        [pl.DataFrame(schema=DECISION_SCHEMA), decisions.select(list(DECISION_SCHEMA)).cast(DECISION_SCHEMA)]
    )


def apply_constraints(
    clusters: pl.DataFrame,
    edges: pl.DataFrame,
    labels: pl.DataFrame,
    forced: pl.DataFrame,
) -> pl.DataFrame:
    """Re-cluster the clusters that violate a label or hold a forced edge.

    clusters: record_key, cluster_key (Splink's). edges: record_key_l, record_key_r, match_weight
    (the merge-band pairs). labels: record_key, kind, value (two records with different values of
    one kind never share a cluster). forced: record_key_l, record_key_r (steward merges).
    Returns record_key, cluster_key (smallest record_key of the final cluster), same order of rows.
    """
    labelled = labels.join(clusters, on="record_key")
    conflicted = (
        labelled.group_by("cluster_key", "kind")
        .agg(pl.col("value").n_unique().alias("n"))
        .filter(pl.col("n") > 1)
    )
    forced_keys = pl.concat([forced["record_key_l"], forced["record_key_r"]]).alias("record_key")
    touched = set(conflicted["cluster_key"]) | set(
        clusters.join(forced_keys.to_frame(), on="record_key")["cluster_key"]
    )
    if not touched:
        return clusters
    members = clusters.filter(pl.col("cluster_key").is_in(list(touched)))
    keys = set(members["record_key"])
    inside = edges.filter(pl.col("record_key_l").is_in(list(keys)) & pl.col("record_key_r").is_in(list(keys)))
    ordered = inside.sort(
        pl.col("match_weight"),
        pl.col("record_key_l"),
        pl.col("record_key_r"),
        descending=[True, False, False],
    )
    # Clusters touched only by a merge are consistent as they are: kept whole (their records are
    # united first), not re-cut over the merge-band edges, which need not connect all of them.
    whole = members.filter(~pl.col("cluster_key").is_in(list(conflicted["cluster_key"])))
    seeds = whole.select(
        pl.col("record_key").min().over("cluster_key").alias("record_key_l"),
        pl.col("record_key").alias("record_key_r"),
    )
    parent = _greedy(
        members["record_key"].to_list(),
        labels.filter(pl.col("record_key").is_in(list(keys))),
        forced.rows(),
        ordered.select("record_key_l", "record_key_r").rows(),
        seeds.filter(pl.col("record_key_l") != pl.col("record_key_r")).rows(),
    )
    recut = pl.DataFrame(
        {"record_key": list(parent), "root": list(parent.values())},
        schema_overrides={"record_key": pl.String, "root": pl.String},
    )
    recut = recut.with_columns(pl.col("record_key").min().over("root").alias("new_key"))
    out = clusters.join(
        recut.select("record_key", "new_key"), on="record_key", how="left", maintain_order="left"
    )
    return out.select("record_key", pl.coalesce("new_key", "cluster_key").alias("cluster_key"))


def _greedy(
    keys: list[str],
    labels: pl.DataFrame,
    forced: list[tuple[str, str]],
    edges: list[tuple[str, str]],
    seeds: list[tuple[str, str]] = (),
) -> dict[str, str]:
    """Union-find over seeds (records of one consistent cluster), forced edges (ignoring ID labels),
    then scored edges (respecting all labels)."""
    root = {k: k for k in keys}
    tags: dict[str, dict[str, frozenset[str]]] = {k: {} for k in keys}
    for key, kind, value in labels.select("record_key", "kind", "value").rows():
        tags[key][kind] = frozenset({value})

    def find(k: str) -> str:
        while root[k] != k:
            root[k] = root[root[k]]
            k = root[k]
        return k

    def union(a: str, b: str, force: bool) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        ta, tb = tags[ra], tags[rb]
        common = ta.keys() & tb.keys()
        clash = [k for k in common if ta[k] != tb[k]]
        # A steward merge overrides an ID conflict or an unmerge, never a keep-apart.
        if any(not force or k.startswith("ka:") for k in clash):
            return
        root[rb] = ra
        tags[ra] = {k: ta.get(k, frozenset()) | tb.get(k, frozenset()) for k in ta.keys() | tb.keys()}

    for a, b in seeds:  # a cluster without a conflict: no label clashes inside
        union(a, b, force=False)
    for a, b in forced:
        if a in root and b in root:
            union(a, b, force=True)
    for a, b in edges:
        union(a, b, force=False)
    return {k: find(k) for k in keys}
