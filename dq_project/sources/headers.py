"""Header matching: which of a file's columns each column reference of a source's mapping names.

Real exports decorate their headers: FEBRL writes a space after each comma, Excel-minded exports start
with a BOM, systems disagree on case. A reference matches a column exactly, else ignoring surrounding
whitespace (full-width too), a BOM and case; a loose match is reported, so the config can be fixed,
and never silent. A dotted reference (`profile.region.province`) that names no column is a JSON path:
its longest leading part that is a column holds the JSON, the rest is the path inside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dq_project.settings import SourceSettings
from dq_project.sources.mapping_spec import MappingRule, as_rule


@dataclass(frozen=True)
class ColumnRef:
    """A reference as written in the config and what it resolved to in one file's columns."""

    written: str
    column: str | None  # the file's column (None: the file has no such column)
    path: tuple[str, ...] = ()  # JSON path inside that column
    note: str | None = None  # what loose matching did, when it did something
    json: bool = False  # the column holds JSON to walk (a path was given, maybe empty: a whole array)


def header_key(name: str) -> str:
    """A header as compared loosely: no BOM, no surrounding whitespace, case-folded."""
    return name.replace("\ufeff", "").strip().casefold()


def _match(name: str, columns: Sequence[str]) -> tuple[str | None, str | None]:
    if name in columns:
        return name, None
    loose = [c for c in columns if header_key(c) == header_key(name)]
    if not loose:
        return None, None
    note = f"{name!r} matched column {loose[0]!r} (ignoring surrounding spaces, BOM and case)"
    if len(loose) > 1:
        note += f"; also matching {loose[1:]!r}, which are ignored"
    return loose[0], note


def resolve(
    written: str, columns: Sequence[str], path: str | None = None, *, json: bool = False
) -> ColumnRef:
    """Resolve one reference; `path` is an explicit JSON path inside the column `written`; `json`
    says the column holds JSON even where no path is left (a `path` naming a column of arrays)."""
    json = json or bool(path)
    column, note = _match(written, columns)
    if column is not None:
        return ColumnRef(written, column, tuple(path.split(".")) if path else (), note, json)
    parts = written.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        column, note = _match(".".join(parts[:cut]), columns)
        if column is not None:
            inner = tuple(parts[cut:]) + (tuple(path.split(".")) if path else ())
            return ColumnRef(written, column, inner, note, True)
    return ColumnRef(written, None)


def rule_refs(rule: MappingRule, columns: Sequence[str]) -> Iterable[ColumnRef]:
    """Every reference of one mapping value resolved (nested then/else included)."""
    if rule.column is not None:
        yield resolve(rule.column, columns, rule.path)
    elif rule.path is not None and rule.columns is None:
        yield resolve(rule.path, columns, json=True)
    for name in rule.columns or []:
        yield resolve(name, columns)
    if rule.when is not None:
        yield resolve(rule.when.column, columns)
        for branch in (rule.then, rule.else_):
            if branch is not None:
                yield from rule_refs(as_rule(branch), columns)


def source_refs(source: SourceSettings, columns: Sequence[str]) -> dict[str, ColumnRef]:
    """Every reference of the source's mapping and attributes, keyed by its written form (with the
    explicit path, for `column` + `path`)."""
    refs: dict[str, ColumnRef] = {}
    for value in [*source.mapping.values(), *source.attributes.values()]:
        for ref in rule_refs(as_rule(value), columns):
            refs[ref_key(ref)] = ref
    return refs


def ref_key(ref: ColumnRef) -> str:
    return ref.written if not ref.path or ref.column != ref.written else f"{ref.written}:{'.'.join(ref.path)}"


def resolve_primary_key(source: SourceSettings, columns: Sequence[str]) -> str | None:
    """The file's column holding the source's primary key (matched like any reference)."""
    return resolve(source.primary_key, columns).column
