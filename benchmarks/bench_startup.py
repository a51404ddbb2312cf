"""Benchmark: start-up, the cost of a command that does little (``lbp-spec evaluate one.json``).

Prints figures; asserts nothing about speed. Each figure is a median over runs
of a fresh process (the commands take turns), with its ratio to baselines
measured in the same run: the
bare interpreter (``python -c pass``) and ``import lbp_spec``; with
``--baseline SRC``, also the same commands on another checkout's code (for
example the code before a change)::

    .venv/bin/python benchmarks/bench_startup.py
    .venv/bin/python benchmarks/bench_startup.py --quick       # fewer runs (CI)
    git archive <rev> src | tar -x -C /tmp/before
    .venv/bin/python benchmarks/bench_startup.py --baseline /tmp/before/src
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

from _timing import interleaved, lbp_spec_command, record

ROOT = Path(__file__).resolve().parents[1]
ONE_CASE = ROOT / "examples" / "profile1-initial.json"


def _median(runs: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not runs:
        return None
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def measure(runs: int, baseline: Path | None) -> dict[str, dict[str, float]]:
    """Median wall and CPU seconds of each command (a command with no good run is left out)."""
    python = sys.executable
    commands: dict[str, tuple[list[str], Path | None]] = {
        "python -c pass": ([python, "-c", "pass"], None),
        "import lbp_spec": ([python, "-c", "import lbp_spec"], None),
        "lbp-spec evaluate one.json": ([*lbp_spec_command(), "evaluate", str(ONE_CASE)], None),
    }
    if baseline is not None:
        commands["baseline: import lbp_spec"] = ([python, "-c", "import lbp_spec"], baseline)
        commands["baseline: lbp-spec evaluate one.json"] = (
            [*lbp_spec_command(baseline), "evaluate", str(ONE_CASE)],
            baseline,
        )
    figures: dict[str, dict[str, float]] = {}
    for name, runs_done in interleaved(commands, runs).items():
        median = _median(runs_done)
        if median is not None:
            figures[name] = {"wall_s": median[0], "cpu_s": median[1]}
    return figures


def _ratio(figures: dict[str, dict[str, float]], a: str, b: str) -> str:
    if a not in figures or b not in figures:
        return "(not measured)"
    wall = figures[a]["wall_s"] / figures[b]["wall_s"]
    cpu = figures[a]["cpu_s"] / figures[b]["cpu_s"]
    return f"{wall:5.2f} wall, {cpu:5.2f} CPU"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (CI)")
    parser.add_argument(
        "--baseline", type=Path, metavar="SRC", help="another checkout's src directory"
    )
    parser.add_argument(
        "--record", action="store_true", help="store the figures in results.json (for the docs)"
    )
    args = parser.parse_args(argv)
    runs = 5 if args.quick else 15
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"{os.cpu_count()} CPUs, load {_load()}")
    figures = measure(runs, args.baseline)
    print(f"\nstart-up: a fresh process each run, median of {runs}")
    for name, values in figures.items():
        print(f"  {name:40} {values['wall_s']:7.3f} s wall {values['cpu_s']:7.3f} s CPU")
    evaluate = "lbp-spec evaluate one.json"
    pairs = [
        ("evaluate one.json / import lbp_spec", evaluate, "import lbp_spec"),
        ("evaluate one.json / python -c pass", evaluate, "python -c pass"),
    ]
    if args.baseline is not None:
        pairs += [
            ("evaluate one.json / baseline", evaluate, f"baseline: {evaluate}"),
            ("import lbp_spec / baseline", "import lbp_spec", "baseline: import lbp_spec"),
        ]
    print("ratios, measured in this run")
    for label, a, b in pairs:
        print(f"  {label:40} {_ratio(figures, a, b)}")
    if args.record:
        record("startup", {"runs": runs, **figures})
    return 0


def _load() -> str:
    """The 1-minute load average, where the system tells it (timings suffer under load)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # pragma: no cover - not on every system
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
