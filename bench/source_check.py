"""`dq source check` proposal accuracy on the export corpus (tests/fixtures/exports): per file, the
fields proposed right against each file's hand-written source block, and the time per proposal."""

from __future__ import annotations

import time
import tomllib

from dq_project.onboarding.accuracy import score
from dq_project.onboarding.propose import propose
from dq_project.onboarding.sample import read_sample
from dq_project.settings import PROJECT_ROOT

EXPORTS = PROJECT_ROOT / "tests" / "fixtures" / "exports"


def main() -> None:
    right = total = 0
    print(f"{'file':<28} {'right':>9}  {'ms':>6}  missed / wrong / extra")
    for path in sorted(p for p in EXPORTS.iterdir() if p.suffix in (".csv", ".xlsx", ".jsonl")):
        truth = tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))["sources"][0]["mapping"]
        started = time.perf_counter()
        result = score(truth, propose(read_sample(path).frame).mapping)
        elapsed = (time.perf_counter() - started) * 1000
        right, total = right + len(result.right), total + result.total
        print(f"{path.name:<28} {len(result.right):>4} / {result.total:<3} {elapsed:6.0f}  "
              f"{result.missed} / {result.wrong} / {result.extra}")  # fmt: skip
    print(f"{'all':<28} {right:>4} / {total:<3} ({right / total:.0%})")
