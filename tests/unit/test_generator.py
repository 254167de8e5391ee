"""The sample-data generator: files, determinism, ground truth, checksums and hard negatives."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import numpy as np
import phonenumbers
import polars as pl
import pytest
from dq_generator import GeneratedSnapshot, duplicates, generate
from dq_generator.defects import KINDS, PLACEHOLDERS
from dq_generator.divisions import divisions
from dq_generator.entities import build_entities
from dq_generator.names import SURNAMES
from dq_generator.writer import HEADERS
from pypinyin import lazy_pinyin
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum

from dq_project.settings import CANONICAL_FIELDS

SNAPSHOT = dt.date(2025, 6, 30)
ROWS = 1000
LARGE_ROWS = 20_000  # for shares of duplicates: about 4,400 person and 900 company duplicates
CANONICAL = ("source", *CANONICAL_FIELDS)
TRUTH_FILES = ("entities.csv", "defects.csv")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSnapshot:
    return generate(ROWS, 11, tmp_path_factory.mktemp("gen"), SNAPSHOT)


def _read(snapshot: GeneratedSnapshot) -> pl.DataFrame:
    frames = []
    for position, source in enumerate(("crm", "erp")):
        raw = pl.read_csv(snapshot.files[source], infer_schema=False)
        renamed = raw.rename({names[position]: field for field, names in HEADERS.items()})
        frames.append(renamed.with_columns(source=pl.lit(source)))
    truth = pl.read_csv(snapshot.truth_dir / "entities.csv", infer_schema=False)
    truth = truth.rename({"customer_type": "true_type"})
    return pl.concat(frames).join(truth, on=["source", "source_record_id"], how="left")


@pytest.fixture(scope="module")
def records(snapshot: GeneratedSnapshot) -> pl.DataFrame:
    """Both sources on canonical column names, joined to their true entity."""
    return _read(snapshot)


@pytest.fixture(scope="module")
def defects(snapshot: GeneratedSnapshot) -> pl.DataFrame:
    return pl.read_csv(snapshot.truth_dir / "defects.csv", infer_schema=False)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records, defects) of a 20k-row snapshot."""
    snap = generate(LARGE_ROWS, 2, tmp_path_factory.mktemp("large"), SNAPSHOT)
    return _read(snap), pl.read_csv(snap.truth_dir / "defects.csv", infer_schema=False)


def _flagged(defects: pl.DataFrame, field: str, kind: str) -> set[tuple[str, str]]:
    rows = defects.filter((pl.col("field") == field) & (pl.col("defect") == kind))
    return set(rows.select("source", "source_record_id").iter_rows())


def _key(row: dict) -> tuple[str, str]:
    return row["source"], row["source_record_id"]


def _present(value: str | None) -> bool:
    return value is not None and value.strip() != "" and value not in PLACEHOLDERS


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def test_files_and_headers(snapshot: GeneratedSnapshot) -> None:
    crm, erp = snapshot.files["crm"], snapshot.files["erp"]
    assert crm == snapshot.truth_dir.parent / "crm" / "crm_2025-06-30.csv"
    assert erp == snapshot.truth_dir.parent / "erp" / "erp_2025-06-30.csv"
    crm_head = crm.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    erp_bytes = erp.read_bytes()
    assert erp_bytes.startswith(b"\xef\xbb\xbf") and not crm.read_bytes().startswith(b"\xef\xbb\xbf")
    erp_head = erp_bytes[3:].split(b"\n", 1)[0].decode("utf-8")
    assert crm_head.split(",") == [names[0] for names in HEADERS.values()]
    assert erp_head.split(",") == [names[1] for names in HEADERS.values()]
    assert erp_head.startswith("客户编号,客户类型,姓名") and crm_head.startswith("customer_id,type,full_name")
    entities_head = (snapshot.truth_dir / "entities.csv").read_text().split("\n", 1)[0]
    defects_head = (snapshot.truth_dir / "defects.csv").read_text().split("\n", 1)[0]
    assert entities_head == "source,source_record_id,entity_id,customer_type,hard_negative,hn_group"
    assert defects_head == "source,source_record_id,field,defect"


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate(500, 5, tmp_path / "a", SNAPSHOT)
    second = generate(500, 5, tmp_path / "b", SNAPSHOT)
    other = generate(500, 6, tmp_path / "c", SNAPSHOT)
    for source in ("crm", "erp"):
        assert first.files[source].read_bytes() == second.files[source].read_bytes()
        assert first.files[source].read_bytes() != other.files[source].read_bytes()
    for name in TRUTH_FILES:
        assert (first.truth_dir / name).read_bytes() == (second.truth_dir / name).read_bytes()


def test_another_snapshot_date_keeps_entities_and_moves_times(tmp_path: Path) -> None:
    early = generate(500, 5, tmp_path / "a", dt.date(2024, 1, 31))
    late = generate(500, 5, tmp_path / "b", dt.date(2025, 6, 30))
    for name in TRUTH_FILES:
        assert (early.truth_dir / name).read_bytes() == (late.truth_dir / name).read_bytes()
    times = ["created_time", "last_modified"]
    a, b = (pl.read_csv(s.files["crm"], infer_schema=False) for s in (early, late))
    assert a.drop(times).equals(b.drop(times))
    assert not a.select(times).equals(b.select(times))
    assert a["created_time"].max() < "2024-02-01" <= b["created_time"].max()


def test_entities_cover_every_record(snapshot: GeneratedSnapshot, records: pl.DataFrame) -> None:
    assert records.height == snapshot.record_count == ROWS
    assert records["entity_id"].null_count() == 0
    assert not records.select(pl.struct("source", "source_record_id").is_duplicated().any()).item()
    assert records["entity_id"].n_unique() == snapshot.entity_count
    assert 1.25 < ROWS / snapshot.entity_count < 1.5
    assert 0.48 < (records["source"] == "crm").mean() < 0.62
    per_entity = records.group_by("entity_id").agg(n=pl.len(), sources=pl.col("source").n_unique())
    assert per_entity["n"].max() <= 4
    assert per_entity.filter(pl.col("sources") == 2).height > 0
    written = records["customer_type"].replace_strict(
        {"person": "person", "个人": "person", "company": "company", "企业": "company"}
    )
    assert written.equals(records["true_type"], check_names=False)
    assert 0.12 < (records["true_type"] == "company").mean() < 0.28


def test_resident_ids_pass_gb11643_unless_planted(records: pl.DataFrame, defects: pl.DataFrame) -> None:
    planted = _flagged(defects, "id_number", "invalid_id_checksum")
    assert planted
    checked = 0
    for row in records.filter(pl.col("id_number").is_not_null()).iter_rows(named=True):
        number = _nfkc(row["id_number"])
        if len(number) != 18:
            continue
        checked += 1
        if _key(row) in planted:
            with pytest.raises(InvalidChecksum):
                ric.validate(number)
        else:
            assert ric.is_valid(number), number
    assert checked > 0.6 * ROWS


def test_credit_codes_pass_gb32100_unless_planted(records: pl.DataFrame, defects: pl.DataFrame) -> None:
    planted = _flagged(defects, "credit_code", "invalid_credit_code")
    codes = records.filter(pl.col("credit_code").is_not_null())
    assert codes.height > 0.1 * ROWS
    for row in codes.filter(~pl.col("credit_code").is_in(PLACEHOLDERS)).iter_rows(named=True):
        code = row["credit_code"]
        if _key(row) in planted:
            with pytest.raises(InvalidChecksum):
                uscc.validate(code)
        else:
            assert uscc.is_valid(code), code


def test_mobiles_valid_unless_planted(records: pl.DataFrame, defects: pl.DataFrame) -> None:
    invalid = _flagged(defects, "mobile", "invalid_mobile")
    for row in records.filter(pl.col("mobile").is_not_null()).iter_rows(named=True):
        if not _present(row["mobile"]):
            continue
        number = phonenumbers.parse(_nfkc(row["mobile"]), "CN")
        is_mobile = (
            phonenumbers.is_valid_number(number)
            and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        )
        assert is_mobile != (_key(row) in invalid), row["mobile"]


def test_missing_fullwidth_and_time_defects_are_exact(records: pl.DataFrame, defects: pl.DataFrame) -> None:
    fullwidth = re.compile("[\uff01-\uff5e]")
    for field in ("name", "mobile", "email"):
        missing, wide = _flagged(defects, field, "missing"), _flagged(defects, field, "fullwidth")
        for row in records.iter_rows(named=True):
            assert _present(row[field]) != (_key(row) in missing), (field, row[field])
            assert bool(fullwidth.search(row[field] or "")) == (_key(row) in wide), (field, row[field])
    backwards = _flagged(defects, "updated_at", "updated_before_created")
    assert backwards
    for row in records.iter_rows(named=True):
        assert (row["updated_at"].replace("/", "-") < row["created_at"].replace("/", "-")) == (
            _key(row) in backwards
        )


def test_defects_list_real_rows_and_known_kinds(records: pl.DataFrame, defects: pl.DataFrame) -> None:
    assert defects.height > 0
    assert set(defects["defect"]) <= set(KINDS)
    assert set(defects["field"]) <= set(CANONICAL)
    assert not defects.is_duplicated().any()
    assert not defects.select(pl.struct("source", "source_record_id", "field").is_duplicated().any()).item()
    unknown = defects.join(records, on=["source", "source_record_id"], how="anti")
    assert unknown.height == 0
    rates = defects.group_by("field", "defect").len().with_columns(rate=pl.col("len") / ROWS)
    assert rates["rate"].max() < 0.12


def test_hard_negatives_present(records: pl.DataFrame) -> None:
    chinese = records.filter(pl.col("name").str.contains(r"^\p{Han}+$") & pl.col("city").is_not_null())
    namesakes = chinese.group_by("name", "city").agg(pl.col("entity_id").n_unique().alias("entities"))
    assert namesakes.filter(pl.col("entities") > 1).height > 0
    digits = records.with_columns(
        mobile_digits=pl.col("mobile").map_elements(
            lambda m: re.sub(r"\D", "", _nfkc(m))[-11:], return_dtype=pl.String
        )
    )
    sharing = (
        digits.filter(pl.col("mobile_digits").str.len_chars() == 11)
        .group_by("mobile_digits")
        .agg(pl.col("entity_id").n_unique().alias("entities"))
    )
    assert sharing.filter(pl.col("entities") > 1).height > 0


def test_companies_share_trade_names_across_cities() -> None:
    entities = build_entities(np.random.default_rng(0), ROWS)
    firms = entities.filter(pl.col("is_company"))
    twins = firms.group_by("trade_cn", "industry").agg(
        pl.col("entity_id").n_unique().alias("entities"), pl.col("city_full").n_unique().alias("cities")
    )
    assert twins.filter((pl.col("entities") > 1) & (pl.col("cities") > 1)).height > 0
    # Within one city a company name is registered once; the look-alikes (another legal form or a
    # branch of the same name, generator.look_alikes) are the only exceptions.
    registered = firms.filter(~pl.col("hard_negative").is_in([5, 6]))
    assert not registered.select(pl.struct("trade_cn", "industry", "city_full").is_duplicated().any()).item()
    look_alikes = firms.filter(pl.col("hard_negative").is_in([5, 6]))
    assert look_alikes.select(pl.struct("trade_cn", "industry", "city_full").is_duplicated().all()).item()


def test_duplicates_vary_like_real_data(records: pl.DataFrame) -> None:
    assert records["name"].str.contains(r"^[A-Za-z]+( [A-Za-z]+)?$").any()  # pinyin spellings
    assert records["mobile"].str.starts_with("+86").any() and records["mobile"].str.contains(" ").any()
    assert records["company_name"].str.ends_with("有限公司").any()
    assert records["company_name"].drop_nulls().str.ends_with("公司").not_().any()
    erp = records.filter(pl.col("source") == "erp")
    # Both left empty: the address names them (a blank province alone is a planted missing_province).
    blank_region = erp.filter(pl.col("province").is_null() & pl.col("city").is_null())
    assert blank_region.height > 0 and blank_region["address"].str.contains("省|市").all()


@pytest.mark.parametrize("rows", [1, 2, 7])
def test_tiny_snapshots(tmp_path: Path, rows: int) -> None:
    result = generate(rows, 3, tmp_path, SNAPSHOT)
    assert result.record_count == rows and 1 <= result.entity_count <= rows


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(0, 1, tmp_path, SNAPSHOT)
    with pytest.raises(ValueError):
        generate(10, 1, tmp_path, dt.date(2017, 6, 1))


def _listed(
    records: pl.DataFrame, defects: pl.DataFrame, kinds: dict[str, tuple[str, ...]], name: str
) -> pl.DataFrame:
    """records plus a boolean column `name`: a defect of one of `kinds` (field -> defects) is listed."""
    listed = defects.filter(
        pl.any_horizontal([(pl.col("field") == f) & pl.col("defect").is_in(k) for f, k in kinds.items()])
    )
    flags = listed.select("source", "source_record_id").unique().with_columns(pl.lit(True).alias(name))
    joined = records.join(flags, on=["source", "source_record_id"], how="left")
    return joined.with_columns(pl.col(name).fill_null(False))


def _blank(value: pl.Expr) -> pl.Expr:
    text = value.cast(pl.String).str.strip_chars()
    return text.is_null() | (text == "") | text.is_in([p for p in PLACEHOLDERS if p])


def test_duplicates_without_resident_id_or_credit_code(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    records, defects = large
    for kind, field, rate in (
        ("person", "id_number", duplicates.DUP_WITHOUT_ID),
        ("company", "credit_code", duplicates.DUP_WITHOUT_CREDIT_CODE),
    ):
        rows = _listed(records.filter(pl.col("true_type") == kind), defects, {field: ("missing",)}, "listed")
        assert not rows.filter("listed").select(_blank(pl.col(field)).not_().any()).item()
        rows = rows.with_columns(uncollected=_blank(pl.col(field)) & ~pl.col("listed"))
        # First records always carry the code: only duplicates lack it without a listed defect.
        per_entity = rows.group_by("entity_id").agg(n=pl.len(), uncollected=pl.col("uncollected").sum())
        assert (per_entity["uncollected"] < per_entity["n"]).all()
        share = rows["uncollected"].sum() / (rows.height - per_entity.height)
        assert abs(share - rate) < 0.03 if kind == "person" else 0.05, (kind, share)


def test_duplicates_carry_other_mobiles(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    records, defects = large
    usable = _listed(records, defects, {"mobile": ("missing", "invalid_mobile", "dummy_mobile")}, "spoiled")
    usable = usable.filter(~pl.col("spoiled") & pl.col("mobile").is_not_null()).with_columns(
        number=pl.col("mobile").str.normalize("NFKC").str.replace_all(r"\D", "").str.slice(-11)
    )
    per_entity = usable.group_by("entity_id").agg(pl.col("number").n_unique().alias("numbers"), n=pl.len())
    multi = per_entity.filter(pl.col("n") > 1)
    changed = multi.filter(pl.col("numbers") > 1)
    assert 0.08 < changed.height / multi.height < 0.35, changed.height / multi.height
    for number in usable.join(changed, on="entity_id")["number"].unique():
        assert phonenumbers.is_valid_number(phonenumbers.parse(number, "CN")), number


_CITY_PREFIX = "|".join(sorted({c.removesuffix("市") for c in divisions().city}, key=len, reverse=True))
_SURNAME_PINYIN = dict(sorted(((s, p) for s, p, _ in SURNAMES), key=lambda sp: -len(sp[0])))
_BRANCH = pl.col("district").str.replace(r"(?:新区|区|县|市)$", "")  # a branch's suffix (look_alikes)
_TRADE_NAME = (
    pl.col("company_name")
    .str.strip_suffix(_BRANCH + "分公司")
    .str.strip_suffix(_BRANCH + "分店")
    .str.replace_all(r"[（(].*?[）)]", "")
    .str.replace(rf"^(?:{_CITY_PREFIX})市?", "")
    .str.replace(r"(?:(?:集团|股份)?有限(?:责任)?公司|集团公司|公司)$", "")
)
# Evidence field -> (its normalized value, the defects that spoil it).
_EVIDENCE = {
    "name": (
        pl.when(pl.col("true_type") == "company").then(_TRADE_NAME).otherwise("person_key"),
        {"name": ("missing", "dirty_name")},
    ),
    "birth": (
        pl.concat_str(
            [
                pl.col("birth_date").str.extract(r"^(\d{4})\D(\d{1,2})\D(\d{1,2})", g).cast(pl.Int32)
                for g in (1, 2, 3)
            ],
            separator="-",
        ),
        {"birth_date": ("invalid_birth_date",)},
    ),
    "mobile": (
        pl.col("mobile").str.normalize("NFKC").str.replace_all(r"\D", "").str.slice(-11),
        {"mobile": ("missing", "invalid_mobile", "dummy_mobile")},
    ),
    "email": (
        pl.col("email").str.normalize("NFKC").str.to_lowercase(),
        {"email": ("missing", "invalid_email")},
    ),
    "code": (
        pl.coalesce("id_number", "credit_code").str.normalize("NFKC").str.to_uppercase(),
        {"id_number": ("missing", "invalid_id_checksum"), "credit_code": ("missing", "invalid_credit_code")},
    ),
}


def _name_key(name: str) -> str:
    """Sorted letters of the pinyin: 张伟明, "Zhang Weiming" and "Weiming Zhang" share one key."""
    if re.search(r"[\u4e00-\u9fff]", name):
        surname = next((s for s in _SURNAME_PINYIN if name.startswith(s)), "")
        name = _SURNAME_PINYIN.get(surname, "") + "".join(lazy_pinyin(name[len(surname) :]))
    return "".join(sorted(c for c in name.lower() if c.isalpha()))


def _evidence(records: pl.DataFrame, defects: pl.DataFrame) -> pl.DataFrame:
    """Per record its normalized evidence values; null where blank or spoiled by a listed defect
    (a company's name evidence is its trade name, which no defect touches)."""
    names = records["name"].drop_nulls().unique()
    frame = records.join(
        pl.DataFrame({"name": names, "person_key": [_name_key(n) for n in names]}), on="name", how="left"
    )
    for key, (_, kinds) in _EVIDENCE.items():
        frame = _listed(frame, defects, kinds, f"bad_{key}")
    frame = frame.with_columns(bad_name=pl.col("bad_name") & (pl.col("true_type") == "person"))
    return frame.select(
        "source",
        "source_record_id",
        "entity_id",
        "district",
        *[
            pl.when(~_blank(value) & ~pl.col(f"bad_{key}")).then(value).alias(key)
            for key, (value, _) in _EVIDENCE.items()
        ],
    )


def _pairs(evidence: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """Ordered pairs of distinct records with equal `on` values."""
    pairs = evidence.drop_nulls(on).join(evidence.drop_nulls(on), on=on, suffix="_o")
    same = [pl.col(c) == pl.col(f"{c}_o") for c in ("source", "source_record_id")]
    return pairs.filter(~(same[0] & same[1]))


def test_every_duplicate_keeps_two_pieces_of_evidence(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    """Stricter than needed: the address (always the same place) is not counted."""
    evidence = _evidence(*large)
    pairs = _pairs(evidence, ["entity_id"]).with_columns(
        shared=pl.sum_horizontal([(pl.col(f) == pl.col(f"{f}_o")).fill_null(False) for f in _EVIDENCE])
    )
    best = pairs.group_by("source", "source_record_id").agg(pl.col("shared").max())
    assert best.height == evidence.filter(pl.col("entity_id").is_duplicated()).height
    assert best["shared"].min() >= duplicates.MIN_EVIDENCE, best.sort("shared").head(5)
    # ...and duplicates are hard: most pairs lack part of the evidence.
    assert (pairs["shared"] < len(_EVIDENCE)).mean() > 0.5


def test_hard_negative_records_differ_in_a_strong_identifier(
    large: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    """Namesakes (same name and district), families (one mobile), twins (same trade name): every
    pair of their records has a strong identifier present in both and different."""
    evidence = _evidence(*large)
    for on in (["name", "district"], ["mobile"]):
        pairs = _pairs(evidence, on).filter(pl.col("entity_id") != pl.col("entity_id_o"))
        assert pairs.height > 0, on
        strong = [f for f in _EVIDENCE if f not in on]
        differ = pl.any_horizontal([(pl.col(f) != pl.col(f"{f}_o")).fill_null(False) for f in strong])
        assert pairs.filter(~differ).height == 0, on


def test_duplicate_variations_occur(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    records, evidence = large[0], _evidence(*large)
    per_entity = evidence.group_by("entity_id").agg(
        *[pl.col(f).drop_nulls().n_unique().alias(f) for f in ("name", "birth", "email")]
    )
    for field in ("name", "birth", "email"):  # a typo, day and month swapped, another mailbox
        assert per_entity.filter(pl.col(field) > 1).height > 0, field
    assert records["address"].str.contains("#").any() and records["address"].str.contains("号").any()
    firms = records.filter(pl.col("true_type") == "company")
    contacts = firms.group_by("entity_id").agg(pl.col("name").drop_nulls().n_unique().alias("contacts"))
    assert contacts.filter(pl.col("contacts") > 1).height > 0
    assert firms["company_name"].str.ends_with("有限责任公司").any()
    assert firms["company_name"].str.contains(rf"^(?:{_CITY_PREFIX})市").any()


def test_entities_keep_look_alikes_apart() -> None:
    entities = build_entities(np.random.default_rng(1), 20_000)
    look_alikes = (
        (1, ("name_cn", "district_name")), (2, ("mobile",)), (3, ("trade_cn", "industry")),
        (4, ("birth_y", "birth_m", "birth_d", "district_name")), (5, ("trade_cn", "industry", "city_full")),
        (6, ("trade_cn", "industry", "suffix", "city_full")), (7, ("industry", "suffix", "city_full")),
    )  # fmt: skip
    for kind, key in look_alikes:
        alike = entities.filter((pl.col("hard_negative") == kind) & pl.struct(key).is_duplicated())
        assert alike.height > 0, kind
        for field in ("id_number", "credit_code", "email"):
            assert alike[field].drop_nulls().is_unique().all(), (kind, field)
    # the twins' given names differ, and so do the legal forms, branches and trade names of companies
    for kind, column in ((4, "name_cn"), (5, "suffix"), (6, "branch_text"), (7, "trade_cn")):
        pairs = entities.filter(pl.col("hard_negative") == kind).group_by("hn_group").agg(pl.col(column))
        assert pairs[column].list.n_unique().min() == 2, kind
    # Only families and twins share a mobile; new numbers and second mailboxes are nobody else's.
    assert entities.filter(~pl.col("hard_negative").is_in([2, 4]))["mobile"].is_unique().all()
    assert pl.concat([entities["mobile_alt"], entities["mobile"].unique()]).is_unique().all()
    assert pl.concat([entities["email"], entities["email_alt"]]).is_unique().all()


def test_web_share_moves_erp_records_to_a_jsonl_source(tmp_path: Path) -> None:
    """A third source (bench day): the same records, a share of erp's written as a web JSONL export
    with crm's English keys; the ground truth follows them."""
    day = dt.date(2026, 11, 20)
    plain = generate(3000, 4, tmp_path / "plain", day)
    split = generate(3000, 4, tmp_path / "split", day, web_share=0.27)
    assert set(split.files) == {"crm", "erp", "web"} and split.files["web"].suffix == ".jsonl"
    web = pl.read_ndjson(split.files["web"])
    assert web.columns[:3] == ["customer_id", "type", "full_name"]
    erp = pl.read_csv(split.files["erp"], infer_schema=False)
    erp_before = pl.read_csv(plain.files["erp"], infer_schema=False)
    assert 0.5 < web.height / erp_before.height < 0.7
    assert sorted(erp[erp.columns[0]].to_list() + web["customer_id"].to_list()) == sorted(
        erp_before[erp_before.columns[0]].to_list()
    )
    truth = pl.read_csv(split.truth_dir / "entities.csv", infer_schema=False)
    assert truth.filter(pl.col("source") == "web").height == web.height
    with pytest.raises(ValueError):
        generate(10, 4, tmp_path / "bad", day, web_share=1.0)
