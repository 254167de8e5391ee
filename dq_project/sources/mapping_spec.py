"""The mapping language: how one canonical field (or attribute) is taken from a source's raw columns.

A mapping value is a column name (`"Column"`), columns joined with a space (`["A", "B"]`), or an
inline table (`MappingRule`): one source of text -- `column`, `columns` (+ `separator`), a JSON
`path` into a column holding JSON, or a conditional `when` / `then` / `else` -- and then, in this
order, `pattern` (regex extraction of `group`) and `codes` (a code table on the trimmed value, with
`codes_other` for values not in it). Validated on load with pydantic, so a typo is an error that
names the source and the key, never a silently null field. Compiled to Polars in dq_project.sources.mapping.

This module knows nothing of the project's settings so that settings can import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

# Route a value to one union member by its Python type, so an error names only that member.
_KINDS = {str: "column-name", list: "column-list", dict: "inline-table"}
UNION_TAGS = frozenset(_KINDS.values())


def _kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return "inline-table"
    return next((tag for kind, tag in _KINDS.items() if isinstance(value, kind)), None)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """`when` of a conditional field: a column's trimmed value equals one value, is in a list, or is
    null (missing or blank)."""

    column: str = Field(min_length=1)
    equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in", min_length=1)
    is_null: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [
            k
            for k, v in (("equals", self.equals), ("in", self.in_), ("is_null", self.is_null))
            if v is not None
        ]
        if len(given) != 1:
            raise ValueError(f"needs exactly one of equals, in, is_null (got {given or 'none'})")
        return self


class MappingRule(_Strict):
    """One mapping value in its inline-table form (see the module docstring)."""

    column: str | None = Field(default=None, min_length=1)
    columns: list[Annotated[str, Field(min_length=1)]] | None = Field(default=None, min_length=1)
    separator: str | None = None
    path: str | None = Field(default=None, min_length=1)
    codes: dict[str, str] | None = Field(default=None, min_length=1)
    codes_other: str = Field(default="keep", description='"keep" | "null" | a value for codes not listed')
    pattern: str | None = Field(default=None, min_length=1)
    group: int = Field(default=1, ge=0)
    when: Condition | None = None
    then: MappingValue | None = None  # noqa: F821 (defined below: the rule is recursive)
    else_: MappingValue | None = Field(default=None, alias="else")  # noqa: F821

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:  # Polars' (Rust) regex syntax is what runs; Python's is checked for the group count
                pl.select(pl.lit("x").str.extract(pattern, 0))
            except pl.exceptions.PolarsError as exc:
                detail = " ".join(str(exc).split())[:300]
                raise ValueError(f"not a valid regular expression: {detail}") from exc
        return pattern

    @model_validator(mode="after")
    def _consistent(self) -> MappingRule:
        sources = [k for k in ("column", "columns", "when") if getattr(self, k) is not None]
        if self.path is not None and self.columns is not None:
            raise ValueError(
                "path goes with column (or alone, its first part naming the column), not columns"
            )
        if self.path is not None and "column" not in sources:
            sources.append("path")
        if len(sources) != 1:
            raise ValueError(
                "needs exactly one of column, columns, path or when "
                f"(got {sources or 'none'}; keys: column, columns, separator, path, codes, codes_other, "
                "pattern, group, when, then, else)"
            )
        if self.when is None and (self.then is not None or self.else_ is not None):
            raise ValueError("then/else need a when")
        if self.when is not None:
            if self.then is None:
                raise ValueError("when needs a then")
            extra = [k for k in ("codes", "pattern", "separator") if getattr(self, k) is not None]
            if extra:
                raise ValueError(f"a conditional takes only when/then/else: put {extra} inside then/else")
        if self.pattern is not None and self.group > _groups(self.pattern):
            raise ValueError(f"group {self.group} but the pattern has {_groups(self.pattern)} group(s)")
        if self.codes_other != "keep" and self.codes is None:
            raise ValueError("codes_other needs codes")
        return self


MappingValue = Annotated[
    Annotated[str, Tag("column-name"), Field(min_length=1)]
    | Annotated[list[Annotated[str, Field(min_length=1)]], Tag("column-list"), Field(min_length=1)]
    | Annotated[MappingRule, Tag("inline-table")],
    Discriminator(
        _kind,
        custom_error_type="mapping_value",
        custom_error_message="expected a column name, a list of column names or an inline table",
    ),
]

MappingRule.model_rebuild()


def _groups(pattern: str) -> int:
    try:
        return re.compile(pattern).groups
    except re.error:
        return 99  # Rust syntax Python lacks; Polars checked it compiles


def as_rule(value: str | list[str] | MappingRule) -> MappingRule:
    """The inline-table form of any mapping value."""
    if isinstance(value, str):
        return MappingRule(column=value)
    if isinstance(value, list):
        return MappingRule(columns=value)
    return value


def references(value: str | list[str] | MappingRule) -> Iterator[str]:
    """Every column reference of a mapping value (a `path` alone yields the whole dotted path)."""
    rule = as_rule(value)
    if rule.column is not None:
        yield rule.column
    yield from rule.columns or []
    if rule.path is not None and rule.column is None:
        yield rule.path
    if rule.when is not None:
        yield rule.when.column
        for branch in (rule.then, rule.else_):
            if branch is not None:
                yield from references(branch)


def json_pointer(column: str) -> str:
    """The JSON pointer of a raw record's column (raw records are keyed by the file's column names)."""
    return "/" + column.replace("~", "~0").replace("/", "~1")
