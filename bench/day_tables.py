"""The tables `python -m bench day` prints (and `--compare` prints beside a saved run)."""

from __future__ import annotations

STEPS = {  # Dagster step key -> the row name
    "customer_rows": "raw",
    "staging__customers": "staging",
    "rule_results": "rule results",
    "entity_resolution": "entity resolution",
    "golden_customers": "golden",
    "quality__kpi_history": "KPIs",
    "audit__report": "report",
}


def _peak(run: dict, key: str) -> float:
    return run.get("peak_gb", {}).get(key, 0.0)


def print_tables(out: dict, before: dict | None = None) -> None:
    print(f"\nfiles: {out['files']}")
    print(f"\n  {'ingest':<14} {'rows':>9} {'dq s':>7} {'DuckDB s':>9}  ratio (goal <= 1.5x)")
    for name, r in out["ingest"].items():
        print(f"  {name:<14} {r['rows']:9,} {r['dq']:7.2f} {r['duckdb']:9.2f}  "
              f"{r['dq'] / r['duckdb']:.2f}x {r['reader']}")  # fmt: skip
    full, day2 = out["full"], out.get("day2", {})
    head = f"  {'step':<20} {'full day':>9} {'1% day':>8} {'full GB':>8} {'1% GB':>7}"
    print("\n" + head + (f" {'before full':>12} {'before 1%':>10} {'before GB':>10}" if before else ""))
    for key, label in [*STEPS.items(), ("whole run", "whole run")]:
        cells = [full.get(key, 0.0), day2.get(key, 0.0), _peak(full, key), _peak(day2, key)]
        if before:
            cells += [before["full"].get(key, 0.0), before["day2"].get(key, 0.0), _peak(before["full"], key)]
        widths = [9, 8, 8, 7, 12, 10, 10]
        print(f"  {label:<20} " + " ".join(f"{c:{w}.{2 if 'GB' in h else 1}f}" for c, w, h in zip(
            cells, widths, ["", "", "GB", "GB", "", "", "GB"], strict=False)))  # fmt: skip
    if not full.get("peak_exact", True):
        print("  (peaks per step are sampled RSS: /proc/self/clear_refs was not writable)")
    print(f"  full day <= 45 s: {full['whole run']:.1f}s  success={full['success']}/{day2.get('success')}")
    if not day2:  # --full-only
        print(f"  peak memory (process VmHWM): full day {out['full_peak_gb']:.2f} GB (goal <= 5); "
              f"load at its end {out['full_load']:.1f}")  # fmt: skip
        return
    plain = out["plain"]["predict"] + out["plain"]["cluster"]
    print(f"  {'plain Splink predict + cluster (same persons)':<48} {plain:7.1f}")
    ratio = day2["whole run"] / full["whole run"]
    print(f"  1% day ({out['changed']:,} rows changed, ingest {day2['ingest']:.1f}s not in the run): "
          f"{ratio:.1%} of the full day (goal <= 10%)")  # fmt: skip
    peaks, loads = (out["full_peak_gb"], out["day2_peak_gb"]), (out["full_load"], out["day2_load"])
    print(f"  peak memory (process VmHWM): full day {peaks[0]:.2f} GB, 1% day {peaks[1]:.2f} GB (goal <= 5)")
    print(f"  load average (1 min) at the end of: full day {loads[0]:.1f}, 1% day {loads[1]:.1f}")
