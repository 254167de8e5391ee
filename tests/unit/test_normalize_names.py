"""A missing name is joined from given_name and family_name in staging (normalize.names)."""

from __future__ import annotations

import polars as pl

from dq_project.normalize import normalize_frame


def test_name_is_joined_from_its_parts_only_when_missing() -> None:
    frame = pl.DataFrame(
        {
            "name": [None, None, "张伟", None, "无"],
            "given_name": ["Wei", "俊杰", "Zhang", None, " mary "],
            "family_name": ["Zhang", "林", "Wei", None, None],
        }
    )
    staged = normalize_frame(frame)
    assert staged["name"].to_list() == ["Wei Zhang", "林俊杰", "张伟", None, "mary"]
    assert staged["name_status"].to_list() == ["normalized", "normalized", "ok", "missing", "normalized"]
    derived = "derived_from:given_name,family_name"
    assert staged["name_reason"].to_list() == [derived, derived, None, "blank", derived]


def test_na_is_a_name_part_not_a_placeholder() -> None:
    """Salesforce's FirstName "Na", LastName "Li" is 李娜: "NA" means "not available" only elsewhere."""
    frame = pl.DataFrame({"given_name": ["Na", "n/a"], "family_name": ["Li", "Na"], "owner": ["NA", "Na"]})
    staged = normalize_frame(frame)
    assert staged["given_name"].to_list() == ["Na", None]
    assert staged["name"].to_list() == ["Na Li", "Na"]
    assert staged["owner"].to_list() == [None, None]
