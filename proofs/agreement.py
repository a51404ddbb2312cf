"""Evaluator and Z3 encoding agree on many generated cases and on every conformance vector.

Every proof rests on this agreement. CI runs::

    python proofs/agreement.py --cases 100000 --suite SUITE_DIR

It prints how many cases were compared and exits 1 on any disagreement (each
shown with the case and the fields that differ). Cases: the regression vectors
(a minimal case on which each rule fires, both sides of each threshold, each
resolution), every vector of the conformance suite when ``--suite`` is given, and
generated cases biased to the rules' bounds and firing regions
(:func:`lbp_spec.agreement.generated_cases`), compared in bulk
(:func:`lbp_spec.agreement.check`), split over ``--jobs`` processes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lbp_spec import Case
from lbp_spec.agreement import Outcome, check, generated_cases
from lbp_spec.conformance import load_suite
from lbp_spec.contract import case_from_json

REGRESSION = Path(__file__).parents[1] / "tests" / "data" / "regression_vectors.jsonl"


def _cases(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [case_from_json(json.loads(line)["case"]) for line in lines if line.strip()]


def _job(seeds: list[Case], count: int, seed: int, first: bool) -> Outcome:
    return check(generated_cases(count, seeds=seeds, seed=seed, start_with_seeds=first))


def main() -> int:
    """Run the check; status 0 when evaluator and encoding agree on every case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in all (default 100000)")
    parser.add_argument("--suite", type=Path, help="a conformance suite: check its every vector")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated cases")
    args = parser.parse_args()
    start = time.perf_counter()
    regression = _cases(REGRESSION)
    suite = load_suite(args.suite) if args.suite else None
    vectors = [case_from_json(v.case) for v in suite.vectors] if suite else []
    seeds = regression + vectors
    jobs = max(1, min(args.jobs, args.cases))
    share = [args.cases // jobs + (i < args.cases % jobs) for i in range(jobs)]
    share[0] = max(share[0], len(seeds))  # the first job checks every seed
    with ProcessPoolExecutor(jobs) as pool:
        outcomes = list(
            pool.map(
                _job,
                [seeds] * jobs,
                share,
                [args.seed * 1000 + i for i in range(jobs)],
                [i == 0 for i in range(jobs)],
            )
        )
    cases = sum(o.cases for o in outcomes)
    found = [d for o in outcomes for d in o.disagreements]
    seconds = time.perf_counter() - start
    print(
        f"{cases} cases compared ({len(regression)} regression vectors, {len(vectors)} "
        f"conformance vectors, the rest generated), {sum(o.round_trips for o in outcomes)} "
        f"also read back from the model, {jobs} process(es), {seconds:.1f} s"
    )
    for d in found[:10]:
        print(f"DISAGREEMENT: {d.what}\n  case: {d.case!r}")
    if found:
        print(f"{len(found)} disagreement(s): the evaluator and the encoding differ")
        return 1
    print("evaluator and encoding agree on every case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
