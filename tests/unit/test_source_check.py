"""`dq source check`: proposal accuracy on the export corpus (files no one on the team wrote the
proposer against... see docs/onboarding.md for how far that holds), determinism, masking, and a written
block that really loads the file."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dq_project import settings as dq_settings
from dq_project.cli.app import app
from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.sources.mapping import to_canonical
from dq_project.sources.onboarding.accuracy import score
from dq_project.sources.onboarding.block import pattern_for, profile, source_block, source_settings
from dq_project.sources.onboarding.propose import propose
from dq_project.sources.onboarding.sample import read_sample
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import query_sql

EXPORTS = PROJECT_ROOT / "tests" / "fixtures" / "exports"
CORPUS = sorted(p for p in EXPORTS.iterdir() if p.suffix in (".csv", ".xlsx", ".jsonl"))
# Fields proposed right per corpus file (docs/onboarding.md "dq source check"): a floor, so a change to the
# synonyms or scoring that loses a field fails here.
FLOOR = {
    "febrl3_head.csv": 6, "fxiaoke_customers.xlsx": 13, "hubspot_contacts.csv": 12,
    "hubspot_contacts_api.jsonl": 10, "jiandaoyun_members.xlsx": 13, "kingdee_customers.csv": 18,
    "salesforce_accounts.csv": 10, "salesforce_contacts.csv": 13, "wechat_signups.jsonl": 12,
    "zoho_contacts.csv": 14,
}  # fmt: skip
FAKE_1000 = Path("/work/shared/data/fake_1000/fake_1000.csv")


def _truth(path: Path) -> dict:
    return tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))["sources"][0]["mapping"]


def test_the_corpus_is_measured_whole() -> None:
    assert {p.name for p in CORPUS} == set(FLOOR)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_proposal_accuracy_per_corpus_file(path: Path) -> None:
    result = score(_truth(path), propose(read_sample(path).frame).mapping)
    assert len(result.right) >= FLOOR[path.name], (result.wrong, result.missed)
    assert result.ratio >= 0.8 and not result.wrong


def test_overall_accuracy_reaches_the_goal() -> None:
    results = [score(_truth(p), propose(read_sample(p).frame).mapping) for p in CORPUS]
    right, total = sum(len(r.right) for r in results), sum(r.total for r in results)
    assert right / total >= 0.95, f"{right}/{total}"


@pytest.mark.skipif(not FAKE_1000.exists(), reason="fake_1000 not on this machine")
def test_held_out_fake_1000() -> None:
    """A file the synonym table was not written against (headers seen only after it was)."""
    truth = {"source_record_id": "unique_id", "name": ["first_name", "surname"], "birth_date": "dob",
             "city": "city", "email": "email"}  # fmt: skip
    result = score(truth, propose(read_sample(FAKE_1000).frame).mapping)
    assert result.right == list(truth), (result.wrong, result.missed)


@pytest.mark.parametrize("name", ["kingdee_customers.csv", "jiandaoyun_members.xlsx", "wechat_signups.jsonl"])
def test_a_second_run_gives_the_same_proposal(name: str) -> None:
    path = EXPORTS / name
    blocks = []
    for _ in range(2):
        sample = read_sample(path)
        proposal = propose(sample.frame)
        blocks.append(
            source_block(source_settings("s", sample, proposal, pattern_for(path)), proposal.mapping, [])
        )
    assert blocks[0] == blocks[1]


def test_detection_of_encoding_title_row_sheet_and_codes() -> None:
    kingdee, jdy = (
        read_sample(EXPORTS / "kingdee_customers.csv"),
        read_sample(EXPORTS / "jiandaoyun_members.xlsx"),
    )
    assert (kingdee.format, kingdee.encoding, kingdee.header_row) == ("csv", "gb18030", 1)
    assert (jdy.format, jdy.header_row, jdy.sheet) == ("xlsx", 2, "Sheet1")
    mapping = propose(kingdee.frame).mapping
    assert mapping["gender"] == {"column": "性别", "codes": {"1": "M", "2": "F"}}
    assert mapping["customer_type"]["codes"] == {"个人": "person", "单位": "company"}
    assert propose(jdy.frame).mapping["city"] == {"column": "所在地区", "pattern": r"^\S+\s+(\S+)"}


def test_profile_masks_pii_examples() -> None:
    sample = read_sample(EXPORTS / "kingdee_customers.csv")
    rows = {r["column"]: r for r in profile(sample, propose(sample.frame))}
    raw = set(sample.frame["移动电话"].to_list()) | set(sample.frame["证件号码"].to_list())
    shown = rows["移动电话"]["examples"] + rows["证件号码"]["examples"]
    assert shown and not raw & set(shown) and all("*" in e for e in shown)
    assert rows["联系人"]["fill"] == pytest.approx(2 / 6) and rows["客户类别"]["distinct"] == 2


def test_new_canonical_fields_are_proposed_only_once_they_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = read_sample(EXPORTS / "febrl3_head.csv").frame
    mapping = propose(frame).mapping
    assert (mapping["given_name"], mapping["family_name"], mapping["postcode"]) == (
        "given_name",
        "surname",
        "postcode",
    )
    international = {"given_name", "family_name", "postcode", "identifier"}
    older = tuple(f for f in dq_settings.CANONICAL_FIELDS if f not in international)
    monkeypatch.setattr(dq_settings, "CANONICAL_FIELDS", older)  # a dq before issue 20
    assert propose(frame).mapping["name"] == ["given_name", "surname"]


@pytest.mark.parametrize(("name", "rows"), [("kingdee_customers.csv", 6), ("jiandaoyun_members.xlsx", 4)])
def test_write_appends_a_block_that_loads_the_file(tmp_path: Path, name: str, rows: int) -> None:
    config = tmp_path / "dq.toml"
    shutil.copyfile(PROJECT_ROOT / "dq.toml", config)
    result = CliRunner().invoke(
        app, ["source", "check", str(EXPORTS / name), "--write", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    source_name = Path(name).stem
    settings = load_settings(config, home=tmp_path / "home", env={})
    source = settings.source(source_name)
    con = open_warehouse(settings.warehouse_path)
    try:
        outcome = load_file(con, source, LandedFile(source_name, EXPORTS / name, dt.date(2026, 1, 2)))
        raw = query_sql(con, "raw/select_partition_rows", snapshot_date="2026-01-02", source=source_name).pl()
    finally:
        con.close()
    assert (outcome.status, outcome.rows_loaded + outcome.rows_quarantined) == ("loaded", rows)
    canonical = to_canonical(raw, source)
    assert (
        canonical["source_record_id"].null_count() == 0
        and canonical["mobile"].null_count() < canonical.height
    )
    again = CliRunner().invoke(
        app, ["source", "check", str(EXPORTS / name), "--write", "--config", str(config)]
    )
    assert again.exit_code != 0 and config.read_text(encoding="utf-8").count(f'name = "{source_name}"') == 1


def test_one_column_two_meanings_gets_conditions_like_the_hand_written_block() -> None:
    """Kingdee: the ID column by 证件类型, the name column by 客户类别 with the contact person for
    companies, the owner's employee number cut off -- as the corpus's own block writes them."""
    truth = _truth(EXPORTS / "kingdee_customers.csv")
    mapping = propose(read_sample(EXPORTS / "kingdee_customers.csv").frame).mapping
    for field in ("name", "company_name", "id_number", "credit_code", "customer_type"):
        assert mapping[field] == truth[field], field
    assert mapping["owner"]["column"] == "业务员" and mapping["owner"]["pattern"].startswith("^(.*?)")


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("gzip_named.csv", "gzip data"),
        ("utf16_le.csv", "NUL bytes"),
        ("binary_junk.xlsx", "not a readable workbook"),
    ],
)
def test_a_file_it_cannot_read_is_a_clear_message(name: str, said: str) -> None:
    path = PROJECT_ROOT / "tests" / "fixtures" / "hostile" / name
    result = CliRunner().invoke(app, ["source", "check", str(path)])
    assert result.exit_code == 1 and said in result.output and "to do:" in result.output
