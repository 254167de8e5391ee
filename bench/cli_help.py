"""How long `dq --help` and a config error take to answer (issue 24: under 1 s on this machine).

python -m bench.cli_help [--runs 5]

Each run is a fresh process, as a person typing the command starts one; prints min / median / max.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DQ = str(Path(sys.executable).parent / "dq")


def timed(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([DQ, *args], capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "dq.toml"
        bad.write_text("[warehouse]\nbogus = 1\n", encoding="utf-8")
        cases = {"dq --help": ["--help"], "dq run --config <invalid>": ["run", "--config", str(bad)]}
        for name, args in cases.items():
            times = timed(args, runs)
            print(
                f"{name:<28} min {min(times):.2f}s  median {statistics.median(times):.2f}s  "
                f"max {max(times):.2f}s  ({runs} runs)"
            )


if __name__ == "__main__":
    main()
