"""Raw rows (JSON text records keyed by the source's own column names) -> canonical columns + attributes.

Each mapping value (dq_project/sources/mapping_spec.py) is compiled once per frame to one Polars expression
over the decoded record; nothing runs per row in Python. Column references are resolved against the
records' own keys with header matching (dq_project/sources/headers.py). JSON held in a column is decoded once
per column (types inferred over every row), and a path walks its structs and lists, lists joined.
"""

from __future__ import annotations

import json

import polars as pl

from dq_project.settings import CANONICAL_FIELDS, SourceSettings
from dq_project.sources.headers import ColumnRef, header_key, resolve, rule_refs
from dq_project.sources.mapping_spec import MappingRule, as_rule, references

RECORD = "__record"
# The keys of a JSON object text: `"key":` not inside a string (values are strings or null here).
_KEY = r'"((?:[^"\\]|\\.)*)"\s*:'


def record_columns(rows: pl.DataFrame, jsonl: bool) -> list[str]:
    """The keys of the raw records, in first-seen order: of each load's first record, or (JSON Lines,
    where each record holds only its own keys) of every record."""
    if rows.is_empty():
        return []
    if jsonl:
        keys = rows.select(
            pl.col("record").str.extract_all(_KEY).explode().drop_nulls().unique(maintain_order=True)
        )
        return [json.loads(k[: k.rindex(":")].rstrip()) for k in keys["record"]]
    firsts = rows.group_by("load_id", maintain_order=True).agg(pl.col("record").first())["record"]
    return list(dict.fromkeys(key for record in firsts for key in json.loads(record)))


class Compiler:
    """Compiles mapping values against one frame's record columns."""

    def __init__(self, frame: pl.DataFrame, columns: list[str]) -> None:
        self.frame, self.columns = frame, columns
        self.json_dtypes: dict[str, pl.DataType] = {}
        self.json_names: dict[str, str] = {}

    def field(self, column: str) -> pl.Expr:
        return pl.col(RECORD).struct.field(column)

    def prepare_json(self, value: str | list[str] | MappingRule) -> None:
        """Decode (once) every column that a path of this value reads, to learn its JSON types."""
        for ref in _refs_with_paths(as_rule(value), self.columns):
            if ref.column in self.json_dtypes:
                continue
            text = self.field(ref.column)
            starts = text.str.strip_chars_start().str.slice(0, 1)
            name = f"__json_{len(self.json_dtypes)}"
            texts = self.frame.select(pl.when(starts.is_in(["{", "["])).then(text)).to_series()
            try:  # the Series API infers the types over every row (the union of their keys)
                decoded = texts.str.json_decode(infer_schema_length=None)
            except pl.exceptions.PolarsError:
                self.json_dtypes[ref.column] = pl.Null()  # not JSON throughout: the path maps to null
                continue
            self.frame = self.frame.with_columns(decoded.alias(name))
            self.json_dtypes[ref.column] = decoded.dtype
            self.json_names[ref.column] = name

    def reference(
        self, written: str, path: str | None = None, separator: str = ", ", *, json: bool = False
    ) -> pl.Expr:
        ref = resolve(written, self.columns, path, json=json)
        if ref.column is None:
            return pl.lit(None, pl.String)
        if not ref.json:
            return self.field(ref.column)
        dtype = self.json_dtypes.get(ref.column, pl.Null())
        if dtype == pl.Null():
            return pl.lit(None, pl.String)
        return _walk(pl.col(self.json_names[ref.column]), dtype, ref.path, separator)

    def compile(self, value: str | list[str] | MappingRule) -> pl.Expr:
        rule = as_rule(value)
        if rule.when is not None:
            test = self._condition(rule)
            otherwise = self.compile(rule.else_) if rule.else_ is not None else pl.lit(None, pl.String)
            return pl.when(test).then(self.compile(rule.then)).otherwise(otherwise)
        if rule.columns is not None:
            parts = [self.reference(c).str.strip_chars() for c in rule.columns]
            joined = pl.concat_str(
                [pl.when(p != "").then(p) for p in parts],
                separator=" " if rule.separator is None else rule.separator,
                ignore_nulls=True,
            )
            expr = pl.when(joined != "").then(joined)
        elif rule.column is not None:
            expr = self.reference(rule.column, rule.path, _sep(rule))
        else:
            expr = self.reference(rule.path, None, _sep(rule), json=True)
        if rule.pattern is not None:
            expr = expr.str.extract(rule.pattern, rule.group)
        if rule.codes is not None:
            expr = _codes(expr, rule.codes, rule.codes_other)
        return expr

    def _condition(self, rule: MappingRule) -> pl.Expr:
        when = rule.when
        value = self.reference(when.column).str.strip_chars()
        if when.is_null is not None:
            blank = value.is_null() | (value == "")
            return blank if when.is_null else ~blank
        if when.equals is not None:
            return value == when.equals
        return value.is_in(when.in_)


def _sep(rule: MappingRule) -> str:
    return ", " if rule.separator is None else rule.separator


def _refs_with_paths(rule: MappingRule, columns: list[str]) -> list[ColumnRef]:
    return [ref for ref in rule_refs(rule, columns) if ref.column is not None and ref.json]


def _walk(expr: pl.Expr, dtype: pl.DataType, path: tuple[str, ...], separator: str) -> pl.Expr:
    """Follow a JSON path through decoded structs and lists of structs; end as text (lists joined,
    objects as JSON); a key the data never has gives null."""
    for part in path:
        inner = dtype.inner if isinstance(dtype, pl.List) else dtype
        if not isinstance(inner, pl.Struct):
            return pl.lit(None, pl.String)
        fields = {f.name: f.dtype for f in inner.fields}
        name = (
            part if part in fields else next((n for n in fields if header_key(n) == header_key(part)), None)
        )
        if name is None:
            return pl.lit(None, pl.String)
        if isinstance(dtype, pl.List):
            expr, dtype = expr.list.eval(pl.element().struct.field(name)), pl.List(fields[name])
            if isinstance(fields[name], pl.List):  # a list inside each list element: flatten
                expr, dtype = expr.list.eval(pl.element().explode()), fields[name]
        else:
            expr, dtype = expr.struct.field(name), fields[name]
    if isinstance(dtype, pl.List):
        joined = expr.list.eval(_as_text(pl.element(), dtype.inner)).list.join(separator, ignore_nulls=True)
        return pl.when(joined != "").then(joined)
    return _as_text(expr, dtype)


def _as_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.Struct | pl.List):
        return pl.struct(expr.alias("v")).struct.json_encode().str.slice(5).str.strip_suffix("}")
    return expr.cast(pl.String)


def _codes(expr: pl.Expr, codes: dict[str, str], other: str) -> pl.Expr:
    """A code table on the trimmed value; values not in it kept, nulled or replaced (`other`)."""
    value = expr.str.strip_chars()
    default = value if other == "keep" else pl.lit(None if other == "null" else other, pl.String)
    mapped = value.replace_strict(list(codes), list(codes.values()), default=default, return_dtype=pl.String)
    return pl.when(value != "").then(mapped)


def attribute_names(source: SourceSettings, columns: list[str]) -> dict[str, str | list[str] | MappingRule]:
    """The source's attributes, with every column no mapping value names when keep_unmapped is set."""
    attributes = dict(source.attributes)
    if source.keep_unmapped:
        named = {resolve(c, columns).column for v in [*source.mapping.values(), *attributes.values()]
                 for c in references(v)}  # fmt: skip
        for column in columns:
            if column not in named and column not in attributes:
                attributes[column] = column
    return attributes


def mapped_columns(source: SourceSettings, columns: list[str]) -> list[str]:
    """The record columns some mapping or attribute value of the source reads (an export may have
    hundreds of others: only these are decoded)."""
    values = [*source.mapping.values(), *attribute_names(source, columns).values()]
    used = {ref.column for value in values for ref in rule_refs(as_rule(value), columns) if ref.column}
    return [c for c in columns if c in used]


def to_canonical(rows: pl.DataFrame, source: SourceSettings) -> pl.DataFrame:
    """Map raw records (load_id, row_number, record as JSON text) onto the canonical schema; see
    map_records."""
    columns = record_columns(rows, source.format == "jsonl")
    wanted = pl.Struct({c: pl.String for c in mapped_columns(source, columns)} or {"_": pl.String})
    frame = rows.select("load_id", "row_number", pl.col("record").str.json_decode(dtype=wanted).alias(RECORD))
    return map_records(frame, columns, source)


def map_records(frame: pl.DataFrame, columns: list[str], source: SourceSettings) -> pl.DataFrame:
    """Map decoded records (load_id, row_number and RECORD, a struct of the mapped columns as text;
    `columns` every key of the records) onto the canonical schema; unmapped canonical fields become
    null text (or the source's default). `attributes` holds the source's attributes as a JSON object
    (null values left out; null when there are none). Keeps load_id and row_number and adds source,
    source_record_id and record_key."""
    attributes = attribute_names(source, columns)
    values = [*source.mapping.values(), *attributes.values()]
    compiler = Compiler(frame, columns)
    for value in values:
        compiler.prepare_json(value)
    fields = []
    for field in CANONICAL_FIELDS:
        value = source.mapping.get(field)
        expr = compiler.compile(value) if value is not None else pl.lit(source.defaults.get(field), pl.String)
        fields.append(expr.cast(pl.String).alias(field))
    attribute_exprs = [compiler.compile(v).cast(pl.String).alias(k) for k, v in attributes.items()]
    canonical = compiler.frame.select("load_id", "row_number", *fields, _attributes_json(attribute_exprs))
    key = pl.col("source_record_id").str.strip_chars()
    return canonical.with_columns(
        pl.lit(source.name).alias("source"),
        key.alias("source_record_id"),
        pl.when(key != "").then(pl.lit(source.name + ":") + key).alias("record_key"),
    )


def _attributes_json(exprs: list[pl.Expr]) -> pl.Expr:
    """The attributes as one JSON object text per record, blank values left out; null when empty."""
    if not exprs:
        return pl.lit(None, pl.String).alias("attributes")
    cleaned = [
        pl.when(e.str.strip_chars() != "").then(e.str.strip_chars()).alias(e.meta.output_name())
        for e in exprs
    ]
    text = pl.struct(cleaned).struct.json_encode()
    # json_encode writes nulls: drop `"k":null` members (keys are JSON-escaped strings, so this is exact).
    text = text.str.replace_all(r'"(?:[^"\\]|\\.)*":null,?', "").str.replace(r",\}$", "}")
    return pl.when(text != "{}").then(text).alias("attributes")
