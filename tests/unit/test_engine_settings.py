"""[engine] settings and the per-dialect comparisons: no Java needed."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from dq_project.engine import DUCKDB, engine_of
from dq_project.matching.comparisons import COMPARISONS, comparison_dialect
from dq_project.matching.model import model_settings
from dq_project.settings import EngineSettings


def test_duckdb_is_the_default_engine(settings):
    assert settings.engine.kind == "duckdb"
    assert engine_of(settings) is DUCKDB  # no pyspark import, no JVM


@pytest.mark.parametrize("master", ["local[*]", "local[2]", "spark://head:7077", "sc://head:15002", "yarn"])
def test_spark_masters_accepted(master):
    assert EngineSettings(kind="spark", master=master).master == master


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "flink"}, "kind"),
        ({"kind": "spark", "master": "head:7077"}, "not a Spark master"),
        ({"kind": "spark", "options": {"shuffle.partitions": 8}}, "spark.*"),
    ],
)
def test_bad_engine_settings_are_refused(fields, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        EngineSettings(**fields)


def test_lake_defaults_under_home(settings, home):
    assert settings.lake_root == str((home / "lake").absolute())


DUCKDB_ONLY = re.compile(r"\b(hamming|list_\w+|len|starts_with|jaro_winkler_similarity)\(|lambda ")


def _conditions(settings_dict: dict) -> list[str]:
    return [
        level["sql_condition"]
        for comparison in settings_dict["comparisons"]
        for level in comparison["comparison_levels"]
    ]


@pytest.mark.parametrize("customer_type", ["person", "company"])
def test_spark_levels_use_no_duckdb_only_function(customer_type):
    with comparison_dialect("spark"):
        spark = model_settings(customer_type).create_settings_dict("spark")
    duckdb = model_settings(customer_type).create_settings_dict("duckdb")
    spark_sql, duckdb_sql = _conditions(spark), _conditions(duckdb)
    assert len(spark_sql) == len(duckdb_sql)
    assert not [sql for sql in spark_sql if DUCKDB_ONLY.search(sql)]
    assert any("hamming(" in sql or "list_" in sql for sql in duckdb_sql)  # DuckDB keeps its own SQL
    labels = [lv["label_for_charts"] for c in spark["comparisons"] for lv in c["comparison_levels"]]
    assert labels == [lv["label_for_charts"] for c in duckdb["comparisons"] for lv in c["comparison_levels"]]


def test_dialect_is_scoped_to_the_block():
    with comparison_dialect("spark"):
        pass
    built = json.dumps([spec.build().get_comparison("duckdb").as_dict() for spec in COMPARISONS["person"]])
    assert "hamming(" in built and "`" not in built


def test_without_java_the_message_says_what_to_install(monkeypatch):
    from dq_project.engine.spark import session

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(session.shutil, "which", lambda name: None)
    reason = session.spark_missing()
    assert reason is not None and "openjdk-17-jre-headless" in reason and "dq[spark]" in reason
    with pytest.raises(session.SparkUnavailableError, match="openjdk-17-jre-headless"):
        session.start_session(EngineSettings(kind="spark", master="local[2]"), "/nonexistent")


def test_gx_import_under_python_c_survives_an_installed_pyspark():
    """pyspark.sql.connect (imported by GX when pyspark is installed) calls sys.exit(0) under
    `python -c` unless Spark Connect's packages are there: dq[spark] brings them (pyspark[connect])."""
    import subprocess
    import sys

    pytest.importorskip("pyspark")
    code = "import dq_project.expectations.runner; print('alive')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "alive", done.stderr[-500:]
