"""Evaluator and Z3 encoding agree on many generated cases and on every conformance vector.

Every proof rests on this agreement. CI runs::

    python proofs/agreement.py --cases 100000 --suite SUITE_DIR

It prints how many cases were compared and exits 1 on any disagreement (each
shown with the case and the fields that differ). Cases: the regression vectors
(a minimal case on which each rule fires, both sides of each threshold, each
resolution), every vector of the conformance suite when ``--suite`` is given, and
generated cases biased to the rules' bounds and firing regions
(:func:`lbp_spec.agreement.generated_cases`), compared in bulk
(:func:`lbp_spec.agreement.check`), split over ``--jobs`` processes. Then
``--literal-cases`` more on the rules read literally (collisions left unresolved,
the fallback and its warning), where the resolved rules never go.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lbp_spec import GUIDELINE, Case
from lbp_spec.agreement import Outcome, check, generated_cases
from lbp_spec.conformance import load_suite
from lbp_spec.contract import case_from_json

REGRESSION = Path(__file__).parents[1] / "tests" / "data" / "regression_vectors.jsonl"


def _cases(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [case_from_json(json.loads(line)["case"]) for line in lines if line.strip()]


def _job(seeds: list[Case], count: int, seed: int, first: bool, literal: bool) -> Outcome:
    ruleset = GUIDELINE.literal() if literal else GUIDELINE
    cases = generated_cases(count, seeds=seeds, ruleset=ruleset, seed=seed, start_with_seeds=first)
    return check(cases, ruleset=ruleset)


def main() -> int:
    """Run the check; status 0 when evaluator and encoding agree on every case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in all (default 100000)")
    parser.add_argument(
        "--literal-cases",
        type=int,
        default=10_000,
        help="further cases on the rules read literally, without resolutions (default 10000)",
    )
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
    literal = [args.literal_cases // jobs + (i < args.literal_cases % jobs) for i in range(jobs)]
    with ProcessPoolExecutor(jobs) as pool:
        runs = list(
            pool.map(
                _job,
                [seeds] * (2 * jobs),
                share + literal,
                [args.seed * 1000 + i for i in range(2 * jobs)],
                [i == 0 for i in range(2 * jobs)],
                [False] * jobs + [True] * jobs,
            )
        )
    outcomes, literal_outcomes = runs[:jobs], runs[jobs:]
    cases = sum(o.cases for o in outcomes)
    found = [d for o in runs for d in o.disagreements]
    seconds = time.perf_counter() - start
    print(
        f"{cases} cases compared ({len(regression)} regression vectors, {len(vectors)} "
        f"conformance vectors, the rest generated), {sum(o.round_trips for o in outcomes)} "
        f"also read back from the model; and {sum(o.cases for o in literal_outcomes)} on the "
        f"rules read literally (without resolutions); {jobs} process(es), {seconds:.1f} s"
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
