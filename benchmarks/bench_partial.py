"""Benchmark: how long :func:`lbp_spec.evaluate_partial` takes for 1, 3 and 5 unknown inputs.

Prints figures; asserts nothing about speed. Run it on a quiet machine::

    .venv/bin/python benchmarks/bench_partial.py           # 200 partial cases per row
    .venv/bin/python benchmarks/bench_partial.py --quick   # 40 per row (CI)

The partial cases are generated valid cases (Hypothesis, seeded) with 0, 1, 3 or 5
of their inputs made unknown, drawn (seeded) from every nameable input. Figures
printed, per number of unknown inputs: the median, 90th and 99th percentile and
the worst time of one call (the encoding already built: it is built once per
rule set, and its one-off cost is printed separately), the median number of
solver questions and the share of time inside Z3's ``check``, and the median CPU
and 99th percentile CPU time of the process (steadier than wall time on a shared
machine); the median is also
given as a ratio against two baselines measured in the same run: the partial
answer with nothing unknown (0 unknowns) and one call of :func:`lbp_spec.evaluate`.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time

import z3
from hypothesis import HealthCheck, given, settings

from _timing import SolverClock
from lbp_spec import Case, PartialCase, evaluate
from lbp_spec.partial import Status, evaluate_partial
from lbp_spec.partial_case import UNKNOWN_PATHS
from lbp_spec.strategies import cases


def _sample(n: int) -> list[Case]:
    """Draw ``n`` valid cases with Hypothesis (seeded, so every run measures the same)."""
    drawn: list[Case] = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(cases())
    def collect(case: Case) -> None:
        drawn.append(case)

    collect()
    return drawn[:n]


def _unknown(case: Case, k: int, rng: random.Random) -> list[str]:
    """``k`` nameable inputs of ``case``: none inside another, findings only of given parts."""
    chosen: list[str] = []
    paths = list(UNKNOWN_PATHS)
    rng.shuffle(paths)
    for path in paths:
        if len(chosen) == k:
            break
        if any(path.startswith(c + ".") or c.startswith(path + ".") for c in chosen):
            continue
        parent = path.split(".")[0] if "." in path else None
        if parent in ("neurological_exam", "sbst") and getattr(case, parent) is None:
            continue
        chosen.append(path)
    return chosen


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str]) -> int:
    """Print the figures (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 partial cases per row (CI)")
    parser.add_argument("-n", type=int, default=None, help="partial cases per row")
    args = parser.parse_args(argv)
    n = args.n or (40 if args.quick else 200)
    print(f"python {platform.python_version()}, z3 {z3.get_version_string()}, {n} cases per row")

    base_cases = _sample(n)
    rng = random.Random(20210)
    start = time.perf_counter()
    evaluate_partial(PartialCase.of(Case(), ["nprs"]))
    print(
        f"first call (builds the encoding once per rule set): {time.perf_counter() - start:.3f} s"
    )

    start = time.perf_counter()
    for case in base_cases:
        evaluate(case)
    evaluate_us = (time.perf_counter() - start) / len(base_cases) * 1e6

    print(
        f"\n{'unknown':>7} {'median':>8} {'p90':>8} {'p99':>8} {'worst':>8} {'cpu med.':>8} "
        f"{'cpu p99':>8} "
        f"{'questions':>9} "
        f"{'in z3':>6} {'x 0 unknown':>11} {'x evaluate':>10}  fields"
    )
    baseline: float | None = None
    for k in (0, 1, 3, 5):
        times: list[float] = []
        cpu: list[float] = []
        questions: list[int] = []
        solver = 0.0
        statuses = {s: 0 for s in Status}
        for case in base_cases:
            partial = PartialCase.of(case, _unknown(case, k, rng))
            clock = SolverClock()
            with clock.active():
                start, start_cpu = time.perf_counter(), time.process_time()
                answer = evaluate_partial(partial)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            solver += clock.seconds
            questions.append(answer.checks)
            for field in answer.fields:
                statuses[field.status] += 1
        median = statistics.median(times)
        if baseline is None:
            baseline = median
        fields = ", ".join(f"{count} {s.value}" for s, count in statuses.items())
        print(
            f"{k:>7} {median * 1e3:>6.1f}ms {_percentile(times, 0.9) * 1e3:>6.1f}ms "
            f"{_percentile(times, 0.99) * 1e3:>6.1f}ms {max(times) * 1e3:>6.1f}ms "
            f"{statistics.median(cpu) * 1e3:>6.1f}ms {_percentile(cpu, 0.99) * 1e3:>6.1f}ms "
            f"{statistics.median(questions):>9.0f} {solver / sum(times):>6.0%} "
            f"{median / baseline:>11.1f} {median * 1e6 / evaluate_us:>10.0f}  {fields}"
        )
    print(f"\nevaluate(case): {evaluate_us:.1f} µs per case (the 'x evaluate' baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
