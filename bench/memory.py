"""Peak memory per Dagster step of a run in this process (issue 25: which step peaks at 1M).

A background thread reads the process's high-water mark (VmHWM in /proc/self/status) every
`interval` seconds and resets it by writing "5" to /proc/self/clear_refs (Linux >= 4.0). Each
sample is therefore the true peak RSS since the one before, however short the spike: DuckDB and
Polars allocate and free within a step, so RSS sampled alone would miss the peaks. Samples are then
assigned to the steps whose [start, end] window they fall in (Dagster's own step stats). A step
shorter than the interval can share its peak with its neighbour; the steps measured here last
seconds. Where clear_refs is not writable, the sampler falls back to VmRSS samples and says so.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

STATUS, CLEAR_REFS = Path("/proc/self/status"), Path("/proc/self/clear_refs")


def _status_kb(field: str) -> int:
    text = STATUS.read_text(encoding="utf-8")
    return next(int(line.split()[1]) for line in text.splitlines() if line.startswith(field + ":"))


def _reset_high_water_mark() -> bool:
    try:
        CLEAR_REFS.write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


class PeakSampler:
    """`with PeakSampler() as s: ...`, then `s.peaks(windows)`: the peak GB in each time window."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int]] = []  # (time.time() at the read, peak kB since the last)
        self.exact = _reset_high_water_mark()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="peak-sampler")

    def _sample(self) -> None:
        self.samples.append((time.time(), _status_kb("VmHWM" if self.exact else "VmRSS")))
        if self.exact:
            _reset_high_water_mark()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def peak_gb(self, start: float, end: float) -> float:
        """The peak RSS (GB) between two time.time() readings: every sample read in the window, and
        the first after it (it covers the window's tail)."""
        inside = [kb for at, kb in self.samples if start <= at <= end]
        after = next((kb for at, kb in self.samples if at > end), 0)
        return max([*inside, after], default=0) / 1024**2

    def overall_gb(self) -> float:
        return max((kb for _, kb in self.samples), default=0) / 1024**2
