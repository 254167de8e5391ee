"""`dq source check` proposal accuracy on an export corpus: per file, the fields proposed right
against each file's hand-written source block, and the time per proposal.

By default the export corpus (tests/fixtures/exports), whose synonyms were written with its headers
in view; `--folder tests/fixtures/exports/heldout` measures the held-out corpus of systems the
proposer was not written against (the honest number)."""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from dq_project.settings import PROJECT_ROOT
from dq_project.sources.onboarding.accuracy import Score, score
from dq_project.sources.onboarding.propose import propose
from dq_project.sources.onboarding.sample import read_sample

EXPORTS = PROJECT_ROOT / "tests" / "fixtures" / "exports"
HELDOUT = EXPORTS / "heldout"


@dataclass(frozen=True)
class FileScore:
    name: str
    score: Score
    ms: float


def measure(folder: Path = EXPORTS) -> list[FileScore]:
    """Propose a mapping for every export in `folder` that has a `<name>.toml` source block, unaided
    (no `--source`), and score it against that block's mapping."""
    out = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".xlsx", ".jsonl")):
        block = path.with_suffix(".toml")
        if not block.exists():
            continue
        truth = tomllib.loads(block.read_text(encoding="utf-8"))["sources"][0]["mapping"]
        started = time.perf_counter()
        result = score(truth, propose(read_sample(path).frame).mapping)
        out.append(FileScore(path.name, result, (time.perf_counter() - started) * 1000))
    return out


def main(folder: Path | None = None) -> None:
    folder = folder or EXPORTS
    results = measure(folder)
    right = sum(len(r.score.right) for r in results)
    total = sum(r.score.total for r in results)
    print(f"source check on {folder}")
    print(f"{'file':<32} {'right':>9}  {'ms':>6}  missed / wrong / extra")
    for r in results:
        s = r.score
        print(
            f"{r.name:<32} {len(s.right):>4} / {s.total:<3} {r.ms:6.0f}  {s.missed} / {s.wrong} / {s.extra}"
        )
    print(f"{'all':<32} {right:>4} / {total:<3} ({right / max(total, 1):.0%})")
