"""Benchmark: evaluation speed, JSON parsing cost, and the Z3 proof times.

Prints figures; asserts nothing about speed. Run it on a quiet machine::

    .venv/bin/python benchmarks/bench.py            # full run
    .venv/bin/python benchmarks/bench.py --quick    # what CI runs

Figures printed:

* cases per second for ``evaluate`` on generated valid cases (one process);
* the cost of ``json.loads`` alone and of ``json.loads`` + ``case_from_json``
  (parsing and validating) on the JSON of the same cases;
* the ratio of evaluating to parsing+validating;
* the time to compile the rule set to Z3 and to prove each property.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from hypothesis import HealthCheck, given, settings

from _timing import record
from lbp_spec import GUIDELINE, Case, evaluate
from lbp_spec.contract import case_from_json, case_to_json
from lbp_spec.properties import CATALOGUE
from lbp_spec.strategies import cases
from lbp_spec.symbolic import Encoding
from lbp_spec.verify import verify


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
    return drawn


def _per_item(fns: Sequence[Callable[[], object]], items: int, repeat: int) -> list[float]:
    """Best-of-``repeat`` seconds per item of one pass of each of ``fns`` over ``items`` items.

    The passes take turns, so that a change in the machine's load falls on each alike
    and their ratios hold better than their times.
    """
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return [t / items for t in best]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer cases and repeats (CI)")
    parser.add_argument(
        "--record", action="store_true", help="store the figures in results.json (for the docs)"
    )
    args = parser.parse_args(argv)
    n_cases, repeat = (300, 5) if args.quick else (2000, 9)

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    sample = _sample(n_cases)
    texts = [json.dumps(case_to_json(c)) for c in sample]
    n = len(sample)
    evaluate(sample[0])  # compile the evaluator once, outside the timing

    def run_evaluate() -> None:
        for case in sample:
            evaluate(case)

    def run_loads() -> None:
        for text in texts:
            json.loads(text)

    def run_parse() -> None:
        for text in texts:
            case_from_json(json.loads(text))

    t_eval, t_loads, t_parse = _per_item([run_evaluate, run_loads, run_parse], n, repeat)
    print(f"\ncases: {n} generated valid cases, best of {repeat} passes taking turns")
    rows = [
        ("evaluate", t_eval, True),
        ("json.loads", t_loads, False),
        ("json.loads + case_from_json", t_parse, True),
    ]
    for label, t, rate in rows:
        per_second = f"  {1 / t:10,.0f} cases/s" if rate else ""
        print(f"  {label:<29} {t * 1e6:8.1f} us/case{per_second}")
    print(f"  evaluate / (parse+validate)   {t_eval / t_parse:8.2f}")
    print(f"  evaluate / json.loads         {t_eval / t_loads:8.2f}")

    start = time.perf_counter()
    enc = Encoding(GUIDELINE)
    for rule in GUIDELINE.rules:
        enc.fired(rule.id)
    t_compile = time.perf_counter() - start
    print(f"\nZ3: compile {len(GUIDELINE.rules)} rules to Z3     {t_compile:8.3f} s")
    runs = [verify(GUIDELINE) for _ in range(repeat)]
    for i, prop in enumerate(CATALOGUE):
        secs = [r.results[i].seconds for r in runs]
        status = runs[0].results[i].status.value
        print(f"  {prop.name:40} {status:8} {statistics.median(secs):8.3f} s (median of {repeat})")
    total = statistics.median(r.seconds for r in runs)
    print(f"  {'verify(), encoding included':40} {'':8} {total:8.3f} s (median of {repeat})")
    if args.record:
        figures = {
            "cases": n,
            "repeat": repeat,
            "evaluate_us": t_eval * 1e6,
            "evaluate_per_s": 1 / t_eval,
            "json_loads_us": t_loads * 1e6,
            "parse_validate_us": t_parse * 1e6,
            "parse_validate_per_s": 1 / t_parse,
            "evaluate_to_parse_validate": t_eval / t_parse,
            "evaluate_to_json_loads": t_eval / t_loads,
            "compile_s": t_compile,
            "verify_s": total,
        }
        record("evaluation", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
