"""The bulk phone classification (phonenumbers' metadata as polars regexes) agrees with phonenumbers
per value: on every phone-like value of the export corpus and of the generator, and for regions
other than CN (nothing in the bulk path is specific to one country)."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import phonenumbers
import polars as pl
import pytest
from dq_generator import generate

from dq_project.normalize import phone
from dq_project.normalize.phone import _classify_one, classify_dial_strings, dial_string, strip_extension

EXPORTS = Path(__file__).parents[1] / "fixtures" / "exports"


def _corpus_texts() -> list[str]:
    """Every short digit-bearing text value of the corpus's CSV and JSONL files."""
    values: list[str] = []
    for path in sorted(EXPORTS.rglob("*.csv")):
        frame = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True, encoding="utf8-lossy")
        values += [v for c in frame.columns for v in frame[c].drop_nulls().to_list()]
    for path in sorted(EXPORTS.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                values += [str(v) for v in record.values() if v is not None]
    return [v for v in values if len(v) < 40 and sum(ch.isdigit() for ch in v) >= 5]


def _dials(texts: list[str], region: str) -> list[str]:
    column = pl.Series("t", texts, dtype=pl.String).to_frame()
    out = column.select(
        pl.concat_list(dial_string(pl.col("t"), region), dial_string(strip_extension(pl.col("t")), region))
    )
    return out.to_series().explode().drop_nulls().unique().sort().to_list()


@pytest.fixture(scope="module")
def cn_dials(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    snapshot = generate(20_000, 7, tmp_path_factory.mktemp("gen"), dt.date(2026, 11, 20))
    texts = _corpus_texts()
    for path in snapshot.files.values():
        frame = pl.read_csv(path, infer_schema=False)
        texts += [v for c in frame.columns[8:10] for v in frame[c].drop_nulls().to_list()]
    return _dials(texts, "CN")


def test_bulk_path_agrees_with_phonenumbers_per_value_on_corpus_and_generator(cn_dials) -> None:
    bulk = classify_dial_strings(cn_dials, "CN")
    expected = [_classify_one(dial, "CN") for dial in cn_dials]
    assert bulk["dial"].to_list() == cn_dials
    assert list(zip(bulk["e164"], bulk["number_type"], strict=True)) == expected
    settled = pl.Series(cn_dials).str.contains(phone._own_form("CN"))
    assert settled.sum() > 0.8 * len(cn_dials) > 10_000  # most go the bulk way


def test_bulk_path_runs_no_phonenumbers_per_value_for_own_form_numbers(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(phone, "_classify_one", lambda dial, region: calls.append(dial) or (None, 0))
    out = classify_dial_strings(["+8613912345670", "+861062345678", "+85291234567"], "CN")
    assert calls == ["+85291234567"]
    assert out["number_type"].to_list()[:2] == [
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
    ]


@pytest.mark.parametrize("region", ["AU", "DE", "FR", "JP", "IN", "BR", "US", "GB"])
def test_bulk_path_agrees_with_number_type_in_other_regions(region: str) -> None:
    rng = random.Random(region)
    code = phonenumbers.country_code_for_region(region)
    dials = sorted(
        {f"+{code}{rng.randrange(1, 10)}{rng.randrange(10 ** rng.randrange(4, 11))}" for _ in range(3000)}
    )
    examples = [phonenumbers.example_number_for_type(region, t) for t in range(11)]
    dials += [phonenumbers.format_number(n, 0) for n in examples if n is not None]
    ours = classify_dial_strings(dials, region)
    for dial, e164, number_type in zip(dials, ours["e164"], ours["number_type"], strict=True):
        try:
            parsed = phonenumbers.parse(dial, region)
        except phonenumbers.NumberParseException:
            assert e164 is None, dial
            continue
        assert number_type == phonenumbers.number_type(parsed), dial
        assert e164 == phonenumbers.format_number(parsed, 0), dial
