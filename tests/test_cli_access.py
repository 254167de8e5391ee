"""CLI roles: a viewer may only read, a steward may record decisions, destructive commands need admin;
the acting user comes from --user / DQ_USER / the login and is recorded; denials are logged."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dq_project.cli.access import DENIED_EXIT_CODE
from dq_project.cli.app import app
from dq_project.governance.access import PERMISSIONS, AccessDenied, acting_user, authorize, required_role
from dq_project.settings import PROJECT_ROOT, SettingsError, load_settings
from dq_project.warehouse.resource import open_warehouse

ACCESS = '[access]\ndefault_role = "viewer"\nusers = { wang = "steward", li = "engineer", dpo = "admin" }\n'


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """The shipped config with its [access] table replaced by named roles and a viewer default."""
    text = (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8")
    text = re.sub(r'\[access\].*?default_role = "admin"\n', ACCESS, text, flags=re.S)
    assert ACCESS in text
    path = tmp_path / "dq.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _invoke(config: Path, home: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, [*args, "--config", str(config), "--home", str(home)], env=env)


def _log(home: Path) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.sql("select actor, action, target, details from audit.log order by logged_at").fetchall()
    finally:
        con.close()


def test_viewer_may_read_but_not_run_and_the_denial_is_logged(config: Path, home: Path) -> None:
    report = _invoke(config, home, "--user", "zhao", "report", "--date", "2026-11-20")
    assert report.exit_code == 0, report.output
    denied = _invoke(config, home, "--user", "zhao", "run", "--date", "2026-11-20")
    assert denied.exit_code == DENIED_EXIT_CODE
    assert "permission denied: 'zhao' has role 'viewer'; `dq run` needs 'engineer'" in denied.output
    assert not (home / "landing").exists()  # nothing ran: no sample data was generated
    ((actor, action, target, details),) = _log(home)
    assert (actor, action, target) == ("zhao", "denied", "run")
    assert '"required": "engineer"' in details


@pytest.mark.parametrize(
    ("user", "args"),
    [
        ("zhao", ("review", "decide", "--left", "crm:1", "--right", "erp:2", "--merge")),
        ("zhao", ("export", "failures", "--out", "x.csv")),
        ("wang", ("export", "golden", "--out", "x.csv")),
        ("wang", ("backup",)),
        ("li", ("erase", "--source", "crm", "--id", "C1", "--yes")),
        ("li", ("restore", "somewhere")),
    ],
)
def test_each_role_is_denied_what_needs_more(config: Path, home: Path, user: str, args: tuple) -> None:
    result = _invoke(config, home, "--user", user, *args)
    assert result.exit_code == DENIED_EXIT_CODE, result.output
    assert "permission denied" in result.output
    assert _log(home)[-1][:2] == (user, "denied")


def test_steward_records_a_decision_under_their_name(config: Path, home: Path) -> None:
    con = open_warehouse(home / "warehouse.duckdb")  # two loaded records for the decision to name
    con.execute(
        "insert into staging.customers (snapshot_date, load_id, source, source_record_id, record_key, "
        "row_number) values ('2026-11-20', 'L', 'crm', '1', 'crm:1', 1), "
        "('2026-11-20', 'L', 'erp', '2', 'erp:2', 1)"
    )
    con.close()
    result = _invoke(
        config, home, "review", "decide", "--left", "crm:1", "--right", "erp:2", "--keep-apart",
        env={"DQ_USER": "wang"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    decided_by = con.sql("select decided_by from matching.steward_decisions").fetchall()
    con.close()
    assert decided_by == [("wang",)]
    assert [row[:2] for row in _log(home)] == [("wang", "steward_decision")]


def test_user_option_beats_dq_user_and_conflicting_by_is_refused(config: Path, home: Path) -> None:
    result = _invoke(config, home, "--user", "zhao", "backup", env={"DQ_USER": "li"})
    assert result.exit_code == DENIED_EXIT_CODE
    clash = _invoke(
        config, home, "--user", "wang", "review", "decide", "--left", "a", "--right", "b", "--merge",
        "--by", "li",
    )  # fmt: skip
    assert clash.exit_code == 2 and "name different users" in clash.output


def test_engineer_may_back_up_and_the_dpo_may_erase(config: Path, home: Path, tmp_path: Path) -> None:
    backup = _invoke(config, home, "--user", "li", "backup", "--out", str(tmp_path / "b"))
    assert backup.exit_code == 0, backup.output
    erase = _invoke(config, home, "--user", "dpo", "erase", "--source", "crm", "--id", "C1", "--yes")
    assert erase.exit_code == 0, erase.output
    assert [row[:2] for row in _log(home)] == [("li", "backup"), ("dpo", "erasure")]


def test_unknown_commands_need_admin_and_roles_are_validated(tmp_path: Path) -> None:
    settings = load_settings(PROJECT_ROOT / "dq.toml", env={})
    assert required_role("some future command") == "admin"
    assert set(PERMISSIONS.values()) <= {"viewer", "steward", "engineer", "admin"}
    viewer = settings.model_copy(
        update={"access": settings.access.model_copy(update={"default_role": "viewer"})}
    )
    with pytest.raises(AccessDenied):
        authorize(viewer, "anyone", "export clusters")
    assert authorize(viewer, "anyone", "review list") == "viewer"
    assert acting_user("x") == "x"
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (PROJECT_ROOT / "dq.toml")
        .read_text(encoding="utf-8")
        .replace('default_role = "admin"', 'default_role = "root"'),
        encoding="utf-8",
    )
    with pytest.raises(SettingsError, match="default_role"):
        load_settings(bad, env={})


def test_unmasked_report_is_private_needs_steward_and_is_logged(config: Path, home: Path) -> None:
    """A config with mask_pii = false never writes the shared report: a viewer is refused, a steward
    gets a private copy under <home>/private/<user>/, logged."""
    unmasked = config.parent / "mine.toml"
    text = config.read_text(encoding="utf-8").replace("mask_pii = true", "mask_pii = false", 1)
    unmasked.write_text(text, encoding="utf-8")
    shared = home / "reports" / "2026-11-20" / "audit.html"
    viewer = _invoke(unmasked, home, "--user", "zhao", "report", "--date", "2026-11-20")
    assert viewer.exit_code == DENIED_EXIT_CODE, viewer.output
    assert not shared.exists()
    steward = _invoke(unmasked, home, "--user", "wang", "report", "--date", "2026-11-20")
    assert steward.exit_code == 0, steward.output
    private = home / "private" / "wang" / "reports" / "2026-11-20" / "audit.html"
    assert private.is_file() and not shared.exists()
    assert "report.mask_pii = false" in private.read_text(encoding="utf-8")
    actor, action, target, _ = _log(home)[-1]
    assert (actor, action, target) == ("wang", "private_report", str(private))
