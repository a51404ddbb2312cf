"""Benchmark: how long the property catalogue takes to prove, and how that grows with rules.

Prints figures; asserts nothing about speed (but fails when a requirement is not
proven, since a timing of failing proofs measures something else). Run it on a
quiet machine::

    .venv/bin/python benchmarks/bench_verify.py            # 1x, 10x and 100x
    .venv/bin/python benchmarks/bench_verify.py --quick    # 1x and 10x (CI)

Figures printed:

* the wall and CPU time of ``lbp-spec verify`` as a subprocess, start-up
  included (median of several runs), and of the start-up alone (importing the
  CLI); with ``--baseline SRC`` also of another checkout's code (for example
  the code before a change, unpacked with ``git archive``), or with
  ``--baseline-rev REV`` of this repository's code at a revision (unpacked
  for the run), and the ratio;
* each property's time and the total from :func:`lbp_spec.verify.verify`
  in-process (medians);
* the total for the guideline scaled up synthetically
  (:func:`lbp_spec.scaling.scale`: 1x, 10x, 100x the rules, same meaning), with
  the growth ``total(k) / total(1)`` next to ``k`` and to ``k * properties``,
  and where the time goes: building the rule set, Z3 solving (``check`` calls)
  and the rest (Python building Z3 terms, and replaying the counterexample of
  the finding through the evaluator).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import z3

from _timing import SolverClock, interleaved, lbp_spec_command, record, revision
from lbp_spec import GUIDELINE
from lbp_spec.properties import CATALOGUE
from lbp_spec.scaling import scale
from lbp_spec.verify import Report, verify


def _requirements_hold(report: Report) -> None:
    """Stop the benchmark when a requirement is not proven: the timing would be meaningless."""
    if not report.ok:
        failed = [f"{r.name}: {r.status.value}" for r in report.results if not r.passed]
        raise SystemExit(f"{report.ruleset}: not every requirement proven: {failed}")


def _whole_process(runs: int, baseline: Path | None) -> dict[str, dict[str, float]]:
    """``lbp-spec verify`` as a subprocess: wall and CPU time, start-up included."""
    python = sys.executable
    commands: dict[str, tuple[Sequence[str], Path | None]] = {
        "lbp-spec verify": ([*lbp_spec_command(), "verify"], None),
        "start-up alone (import lbp_spec.cli)": ([python, "-c", "import lbp_spec.cli"], None),
    }
    if baseline is not None:
        commands["baseline: lbp-spec verify"] = (
            [*lbp_spec_command(baseline), "verify"],
            baseline,
        )
    print(
        f"\nlbp-spec verify as a subprocess, start-up included (median of {runs} runs, "
        "the commands taking turns)"
    )
    medians: dict[str, tuple[float, float]] = {}
    figures: dict[str, dict[str, float]] = {}
    for name, runs_done in interleaved(commands, runs).items():
        if not runs_done:
            print(f"  {name:40} (no run ended well)")
            continue
        wall = statistics.median(w for w, _ in runs_done)
        cpu = statistics.median(c for _, c in runs_done)
        medians[name] = (wall, cpu)
        figures[name] = {"wall_s": wall, "cpu_s": cpu}
        print(f"  {name:40} {wall:8.3f} s wall {cpu:8.3f} s CPU")
    if "lbp-spec verify" in medians and "baseline: lbp-spec verify" in medians:
        now, before = medians["lbp-spec verify"], medians["baseline: lbp-spec verify"]
        print(
            f"  {'ratio to the baseline':40} {now[0] / before[0]:8.2f}   wall "
            f"{now[1] / before[1]:8.2f}   CPU"
        )
    return figures


def _in_process(repeat: int) -> dict[str, object]:
    verify(GUIDELINE)  # warm up: imports, the evaluator's compilation
    runs = [verify(GUIDELINE) for _ in range(repeat)]
    for run in runs:
        _requirements_hold(run)
    print(f"\nverify() in-process, per property (median of {repeat})")
    for i, prop in enumerate(CATALOGUE):
        secs = statistics.median(r.results[i].seconds for r in runs)
        status = runs[0].results[i].status.value
        print(f"  {prop.name:48} {status:8} {secs:8.3f} s")
    total = statistics.median(r.seconds for r in runs)
    summed = statistics.median(sum(p.seconds for p in r.results) for r in runs)
    print(f"  {'sum of the properties':48} {'':8} {summed:8.3f} s")
    print(f"  {'total, encoding included':48} {'':8} {total:8.3f} s")
    return {"properties": len(CATALOGUE), "total_s": total, "sum_of_properties_s": summed}


def _scaled(factors: Sequence[int], repeat: int) -> list[dict[str, float]]:
    n_props = len(CATALOGUE)
    print(
        f"\nscaled rule sets: verify() of all {n_props} properties on a fresh rule set "
        f"(median of {repeat} runs below 100x, one run from 100x)"
    )
    print(
        f"  {'factor':>6} {'rules':>6} {'build':>8} {'verify':>8} {'z3 check':>9} {'rest':>8} "
        f"{'cpu':>8} {'growth':>7} {'cpu gr.':>7} {'k':>5} {'k*props':>8}"
    )
    base: tuple[float, float] | None = None
    rows = []
    for k in factors:
        samples = []
        for _ in range(repeat if k < 100 else 1):
            start = time.perf_counter()
            ruleset = scale(GUIDELINE, k)
            build = time.perf_counter() - start
            clock = SolverClock()
            cpu = time.process_time()
            with clock.active():
                report = verify(ruleset)
            cpu = time.process_time() - cpu
            _requirements_hold(report)
            samples.append((report.seconds, cpu, clock.seconds, build, len(ruleset.rules), report))
        samples.sort(key=lambda sample: sample[0])
        total, cpu, solving, build, rules, report = samples[len(samples) // 2]
        if base is None:
            base = (total, cpu)
        print(
            f"  {k:>5}x {rules:>6} {build:>7.3f}s {total:>7.3f}s {solving:>8.3f}s "
            f"{total - solving:>7.3f}s {cpu:>7.3f}s {total / base[0]:>7.1f} {cpu / base[1]:>7.1f} "
            f"{k:>5} {k * n_props:>8}"
        )
        slowest = sorted(report.results, key=lambda r: -r.seconds)[:3]
        print("         slowest: " + ", ".join(f"{r.name} {r.seconds:.3f}s" for r in slowest))
        rows.append(
            {
                "factor": k,
                "rules": rules,
                "build_s": build,
                "verify_s": total,
                "check_s": solving,
                "cpu_s": cpu,
                "growth": total / base[0],
                "cpu_growth": cpu / base[1],
            }
        )
    print(
        "  build: scale() and the RuleSet checks; verify: wall time of verify(); z3 check: time "
        "inside\n  Solver/Optimize.check; rest: the other Python (building Z3 terms, replaying "
        "the finding's\n  counterexample through the evaluator); cpu: CPU time of verify(); "
        "growth and cpu gr.: verify(k)/verify(1x)\n  in wall and CPU time, to compare with k "
        "(linear in rules) and k*props (linear in rules, per property)"
    )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1x and 10x only, fewer runs (CI)")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="another checkout's src directory: its lbp-spec verify is measured in the same run",
    )
    parser.add_argument(
        "--baseline-rev",
        metavar="REV",
        help="a git revision of this repository: its lbp-spec verify is measured in the same "
        "run (as --baseline, unpacked for the run)",
    )
    parser.add_argument(
        "--factors",
        type=lambda s: [int(f) for f in s.split(",")],
        help="scale factors, comma-separated (default 1,10,100; --quick 1,10)",
    )
    parser.add_argument(
        "--record", action="store_true", help="store the figures in results.json (for the docs)"
    )
    args = parser.parse_args(argv)
    runs, repeat = (3, 3) if args.quick else (7, 7)
    factors = args.factors or ([1, 10] if args.quick else [1, 10, 100])

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"z3 {z3.get_version_string()}, {os.cpu_count()} CPUs, load {_load()}")
    if args.baseline is not None and args.baseline_rev is not None:
        parser.error("give --baseline or --baseline-rev, not both")
    with contextlib.ExitStack() as stack:
        baseline = args.baseline
        if args.baseline_rev is not None:
            print(f"baseline: the code at {args.baseline_rev}")
            baseline = stack.enter_context(revision(args.baseline_rev))
        whole = _whole_process(runs, baseline)
    in_process = _in_process(repeat)
    scaled = _scaled(factors, repeat)
    if args.record:
        figures = {"runs": runs, "repeat": repeat, "whole_process": whole}
        figures |= {"in_process": in_process, "scaled": scaled}
        record("verify", figures)
    return 0


def _load() -> str:
    """The 1-minute load average, where the system tells it (timings suffer under load)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # pragma: no cover - not on every system
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
