"""The wheel works outside the checkout: sql/, reports/ and the default dq.toml ship as package data.

Builds the wheel with pip, installs it into a fresh venv under a temporary directory, and runs
`dq run` there from a directory holding neither sql/ nor reports/. Dependencies are not downloaded:
the fresh venv sees this checkout's installed dependencies through a .pth line (site-packages of
.venv), which holds no dq_project (the checkout's own editable finder is not loaded that way), so
every dq file the run reads must come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
_NOT_SOURCES = (".git", ".venv", "build", "var", "*.egg-info", "__pycache__", "test-artifacts", ".ruff_cache")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the repository with the freshly built dq and dq-generator wheels in it."""
    base = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so the build leaves nothing (build/, *.egg-info) in the checkout.
    source = base / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(*_NOT_SOURCES))
    for project in (source, source / "generator"):
        _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist", project, cwd=base)
    (wheel,) = (base / "dist").glob("dq-0*.whl")
    (generator,) = (base / "dist").glob("dq_generator-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=base)
    python = venv / "bin" / "python"
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base).strip()
    )
    (site / "checkout_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # The sample-data generator is its own distribution (a dev tool); `dq run` uses it on an empty
    # landing folder, so it is installed beside dq here.
    _run(python, "-m", "pip", "install", "--no-deps", "-q", wheel, generator, cwd=base)
    return venv


def test_the_wheel_carries_its_files_and_runs_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DQ_", "DAGSTER_"))}
    probe = (
        "import dq_project, dq_project.warehouse.sql as s, dq_project.reporting.locale as r; "
        "from dq_project.settings import config_path; "
        "print(dq_project.__file__); print(s.SQL_DIR); print(r.TEMPLATES_DIR); print(config_path())"
    )
    package, sql_dir, templates, default_config = _run(python, "-c", probe, cwd=elsewhere, env=env).split()
    site = str(installed)
    assert all(p.startswith(site) for p in (package, sql_dir, templates, default_config)), (package, sql_dir)
    assert str(ROOT) not in " ".join((package, sql_dir, templates, default_config))

    # The shipped default config, with fewer sample rows so the run is short.
    config = tomllib.loads(Path(default_config).read_text(encoding="utf-8"))
    assert config["demo_rows"] > 0 and config["sources"]
    text = (
        Path(default_config)
        .read_text(encoding="utf-8")
        .replace(f"demo_rows = {config['demo_rows']}", "demo_rows = 400", 1)
    )
    (elsewhere / "dq.toml").write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    out = _run(
        installed / "bin" / "dq", "run", "--home", home, "--date", "2026-03-02", cwd=elsewhere, env=env
    )

    assert (home / "reports" / "2026-03-02" / "audit.html").is_file(), out
    assert (home / "reports" / "index.html").is_file()
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        (golden,) = con.sql(
            "select count(*) from golden.customers where as_of_date = date '2026-03-02'"
        ).fetchone()
        (rows,) = con.sql("select count(*) from raw.customer_rows").fetchone()
    finally:
        con.close()
    assert 400 <= rows < 1000  # the config written above was the one read
    assert 0 < golden < rows  # duplicates merged: fewer golden records than input rows
