"""The survivorship SQL of sql/golden/, transpiled from DuckDB to Spark SQL: one definition.

sqlglot (read="duckdb", write="spark") does most of the translation. What it gets wrong or cannot
express is the explicit list of fix-ups below, each applied to the DuckDB syntax tree before Spark
SQL is generated. The spike (docs/spark.md) found that sqlglot reports no problem for 34 of 34 golden
statements while Spark's parser refuses 13 of them, so a fix-up is added only for a statement Spark
refused or computed differently, and tests/spark/test_golden_sql.py runs every statement through
Spark's analyzer.

Fix-ups (DuckDB -> Spark):
- `schema.table` -> `schema__table`: Spark's temporary views have no schema; the engine registers
  the warehouse/lake tables under these names (golden.spark_golden);
- `arg_min_null(a, o)` -> `min_by(a, o)`: both keep a null `a` of the least `o`;
- `any_value(x) [filter (where c)]`: DuckDB skips nulls; Spark's form is `any_value(x, true)`
  (sqlglot's `IGNORE NULLS FILTER(...)` does not parse in Spark);
- `epoch(ts)` -> `unix_micros(ts)`: sqlglot writes `unix_timestamp`, whole seconds, which would
  reorder two updates in the same second (DuckDB's epoch keeps the fraction);
- `list(x order by k)` -> `array_sort(collect_list(x))`: sqlglot drops the ORDER BY; x is a struct
  whose first field is k (or k without a prefix all rows share), so sorting the structs is
  ordering by k;
- `* replace (e as c)` -> the star's columns with c replaced, read from the CTE it selects from;
- `t.* exclude (c)` -> t's columns but c, read from the CTE named t;
- DuckDB's `unpivot (query) on (v, s) as f, ... into name n value v, s` -> Spark's
  `select * from (query) unpivot ((v, s) for n in ((v, s) as f, ...))`;
- `unnest(json_keys(j)) as k(key)` with `j ->> '/' || key` (DuckDB's JSON pointer) -> a lateral
  `explode(from_json(j, 'map<string,string>')) k as key, json_value`, the value read from the map.

Statements that change tables (ALTER ... ADD COLUMN, UPDATE ... FROM, INSERT ... BY NAME, DROP,
RENAME) have no Spark SQL on plain Parquet: `spark_statements` returns them as `Step`s the engine
carries out on DataFrames (golden.spark_golden), with their queries transpiled the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import sqlglot
from sqlglot import exp

from dq_project.warehouse.sql import statements

# The golden build on Spark, in the order survivorship.build_golden runs it on DuckDB.
GOLDEN_FILES = (
    "golden/build_members",
    "golden/build_provenance",
    "golden/build_attributes",
    "golden/build_customers",
    "golden/attach_attributes",
)


@dataclass(frozen=True)
class Step:
    """One statement as the Spark engine runs it.

    kind: "view" (register `sql`'s result as temp view `target`), "append" (union `sql`'s rows into
    `target` by name), "add_column" (`target` gains null column `column`), "update" (`target`'s
    `column` from `sql`'s rows joined on `keys`), "drop" (forget `target`), "rename" (`target`
    becomes `column`)."""

    kind: str
    target: str
    sql: str = ""
    column: str = ""
    keys: tuple[str, ...] = field(default=())


@cache
def spark_statements(name: str) -> tuple[Step, ...]:
    """The statements of sql/<name>.sql as Spark steps (parameters stay `:name` markers)."""
    return tuple(_step(sqlglot.parse_one(text, read="duckdb")) for text in statements(name))


def _step(tree: exp.Expression) -> Step:
    if isinstance(tree, exp.Create):
        return Step("view", tree.this.name, _spark(tree.expression))
    if isinstance(tree, exp.Insert):
        return Step("append", tree.this.name, _spark(tree.expression))
    if isinstance(tree, exp.Drop):
        (table,) = tree.args["tables"]
        return Step("drop", table.name)
    if isinstance(tree, exp.Alter):
        (action,) = tree.args["actions"]
        if isinstance(action, exp.ColumnDef):
            return Step("add_column", tree.this.name, column=action.name)
        if isinstance(action, exp.AlterRename):
            return Step("rename", tree.this.name, column=action.this.name)
    if isinstance(tree, exp.Update):
        return _update(tree)
    raise ValueError(f"no Spark form for this golden statement: {tree.sql('duckdb')[:120]}")


def _update(tree: exp.Update) -> Step:
    """`update t as c set col = a.col from (query) as a where a.k = c.k [and ...]`: the query's rows
    and the join keys (the Spark engine joins them on; a row without a match keeps its value)."""
    (assignment,) = tree.expressions
    source = tree.args["from_"].this
    keys = tuple(eq.this.name for eq in tree.args["where"].this.find_all(exp.EQ))
    return Step("update", tree.this.name, _spark(source.this), column=assignment.this.name, keys=keys)


def _spark(query: exp.Expression) -> str:
    tree = query.copy()
    for fix in (_tables, _functions, _ordered_lists, _stars, _unpivots, _json_keys):
        tree = fix(tree)
    return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)


def view_name(table: exp.Table | str) -> str:
    """The temp view a warehouse table `schema.table` is registered under on Spark."""
    text = table if isinstance(table, str) else f"{table.db}.{table.name}"
    return text.replace(".", "__")


def _tables(tree: exp.Expression) -> exp.Expression:
    for table in list(tree.find_all(exp.Table)):
        if table.db:
            table.replace(exp.Table(this=exp.to_identifier(view_name(table)), alias=table.args.get("alias")))
    return tree


def _functions(tree: exp.Expression) -> exp.Expression:
    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.lower() == "arg_min_null":
            return exp.Anonymous(this="min_by", expressions=node.expressions)
        if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
            return exp.Anonymous(this="any_value", expressions=[node.this.this, exp.true()])
        if isinstance(node, exp.AnyValue) and not isinstance(node.parent, exp.IgnoreNulls):
            return exp.Anonymous(this="any_value", expressions=[node.this, exp.true()])
        if isinstance(node, exp.TimeToUnix):
            return exp.Anonymous(this="unix_micros", expressions=[node.this])
        return node

    return tree.transform(fix)


def _ordered_lists(tree: exp.Expression) -> exp.Expression:
    for agg in list(tree.find_all(exp.ArrayAgg)):
        if isinstance(agg.this, exp.Order):
            value, (order,) = agg.this.this, agg.this.expressions
            first = value.expressions[0] if isinstance(value, exp.Struct) else None
            # ordering by k or by the column k strips a common prefix from (golden_attributes'
            # 'attributes.<key>' fields): the same order as the struct's first field
            if first is None or order.args.get("desc") or order.this not in first.expression.walk():
                raise ValueError(
                    f"list(... order by ...) not by its struct's first field: {agg.sql('duckdb')}"
                )
            agg.replace(exp.Anonymous(this="array_sort", expressions=[exp.ArrayAgg(this=value)]))
    return tree


def _cte_columns(node: exp.Expression, name: str) -> list[str]:
    """The output names of CTE `name` of the statement holding `node`."""
    for cte in node.root().find_all(exp.CTE):
        if cte.alias == name:
            return [column.alias_or_name for column in cte.this.selects]
    raise ValueError(f"star over {name!r}: its columns are not known (not a CTE of the statement)")


def _stars(tree: exp.Expression) -> exp.Expression:
    for star in list(tree.find_all(exp.Star)):
        replace, exclude = star.args.get("replace"), star.args.get("except_")
        if not (replace or exclude):
            continue
        column = star.parent if isinstance(star.parent, exp.Column) else None
        select = star.find_ancestor(exp.Select)
        source = column.table if column else select.args["from_"].this.name
        replaced = {e.alias: e for e in replace or []}
        dropped = {c.name for c in exclude or []}
        tables = {t.alias_or_name: t.name for t in select.find_all(exp.Table)}
        names = [n for n in _cte_columns(star, tables.get(source, source)) if n not in dropped]
        columns = [replaced.get(n) or exp.column(n, table=column.table if column else None) for n in names]
        target = column or star
        index = select.expressions.index(target)
        select.set("expressions", select.expressions[:index] + columns + select.expressions[index + 1 :])
    return tree


def _unpivots(tree: exp.Expression) -> exp.Expression:
    for pivot in list(tree.find_all(exp.Pivot)):
        if not pivot.args.get("unpivot") or not pivot.args.get("into"):
            continue
        into = pivot.args["into"]
        values = [v.name for v in into.expressions]
        cases = []
        for case in pivot.expressions:
            if isinstance(case, exp.Alias) and isinstance(case.this, exp.Tuple):
                inner = ", ".join(c.sql("spark") for c in case.this.expressions)
                cases.append(f"({inner}) AS {case.alias}")
            else:
                cases.append(case.sql("spark"))
        value_list = values[0] if len(values) == 1 else f"({', '.join(values)})"
        text = (
            f"SELECT * FROM ({_spark(pivot.this.this)}) UNPIVOT ({value_list} FOR {into.this.name} IN "
            f"({', '.join(cases)}))"
        )
        pivot.replace(sqlglot.parse_one(text, read="spark"))
    return tree


def _json_keys(tree: exp.Expression) -> exp.Expression:
    for unnest in list(tree.find_all(exp.Unnest)):
        keys = unnest.expressions[0]
        if not isinstance(keys, exp.JSONKeys) and not (
            isinstance(keys, exp.Anonymous) and keys.name.lower() == "json_keys"
        ):
            continue
        document, alias = (
            keys.this if isinstance(keys, exp.JSONKeys) else keys.expressions[0],
            unnest.args["alias"],
        )
        table, key = alias.name, alias.columns[0].name
        select = unnest.find_ancestor(exp.Select)
        for extract in list(select.find_all(exp.JSONExtractScalar)):
            extract.replace(exp.column("json_value", table=table))
        (unnest.parent if isinstance(unnest.parent, exp.Join) else unnest).pop()
        lateral = sqlglot.parse_one(
            f"SELECT 1 FROM x LATERAL VIEW EXPLODE(FROM_JSON({document.sql('spark')}, 'map<string,string>')) "
            f"{table} AS {key}, json_value",
            read="spark",
        ).args["laterals"][0]
        select.append("laterals", lateral)
    return tree
