"""Mutation run: does the generated conformance suite catch a vendor's mistakes?

The example implementation (``lbp_vendor.py``) passes the suite. Each of its named
faults (``lbp_vendor.FAULTS``: a threshold off by one, a missing LRS exception, a
swapped strength, a missing referral, a wrong re-evaluation window, ...) is
injected in turn, and the faulty program is checked in batch mode against

* the generated suite (Z3-found vectors plus its seeded random sample), and
* a suite of random vectors only, of the same size (another seed),

and the kill rate of each is printed: a mutant is killed when at least one vector
fails. Exits 1 if a mutant survives the generated suite, 2 if the unmutated
program does not pass both suites::

    .venv/bin/python examples/vendor/run_mutants.py                  # generates the suite
    .venv/bin/python examples/vendor/run_mutants.py --suite suite    # uses a suite on disk
    .venv/bin/python examples/vendor/run_mutants.py --json mutants.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from lbp_spec.conformance import (
    Outcome,
    Program,
    Report,
    Suite,
    check_program,
    generate,
    load_suite,
    random_suite,
)
from lbp_spec.conformance.targets import GROUPS

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "lbp_vendor.py"
sys.path.insert(0, str(HERE))

from lbp_vendor import FAULTS  # noqa: E402


def _program(fault: str | None, timeout: float) -> Program:
    argv = [sys.executable, str(VENDOR), "--batch"]
    if fault:
        argv += ["--fault", fault]
    return Program(tuple(argv), timeout=timeout, batch=True)


def _failing_groups(report: Report) -> Counter[str]:
    return Counter(
        r.vector.group for r in report.results if r.outcome in (Outcome.FAIL, Outcome.ERROR)
    )


def _rate(killed: int, total: int) -> str:
    return f"{killed}/{total} ({100 * killed / total:.0f}%)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run every fault against both suites and print the kill rates."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", metavar="DIR", help="a generated suite (default: generate)")
    parser.add_argument(
        "--random-seed", type=int, default=1, help="seed of the random comparison suite"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per answer")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    suite: Suite = load_suite(args.suite) if args.suite else generate()
    size = len(suite.vectors)
    comparison = random_suite(size, seed=args.random_seed)
    groups = suite.manifest["groups"]
    print(
        f"generated suite {suite.version}: {size} vectors "
        f"({', '.join(f'{g} {groups[g]}' for g in GROUPS if g in groups)})"
    )
    print(
        f"random suite {comparison.version}: {len(comparison.vectors)} vectors, "
        f"seed {args.random_seed}"
    )

    for name, candidate in (("generated", suite), ("random", comparison)):
        baseline = check_program(candidate, _program(None, args.timeout))
        if not baseline.passed:
            print(f"the unmutated example does not pass the {name} suite", file=sys.stderr)
            return 2
    print("the unmutated example implementation passes both suites\n")

    rows = []
    header = f"{'fault':28} {'generated':>10} {'random':>8}  generated: failing vectors by group"
    print(header)
    print("-" * len(header))
    for fault in FAULTS:
        generated = check_program(suite, _program(fault, args.timeout))
        random_report = check_program(comparison, _program(fault, args.timeout))
        groups = _failing_groups(generated)
        z3_only = sum(n for g, n in groups.items() if g != "random")
        row = {
            "fault": fault,
            "what": FAULTS[fault],
            "generated_failing": sum(groups.values()),
            "generated_failing_without_random": z3_only,
            "random_failing": sum(_failing_groups(random_report).values()),
            "by_group": dict(groups),
        }
        rows.append(row)
        detail = ", ".join(f"{g} {n}" for g, n in groups.items()) or "-"
        print(f"{fault:28} {row['generated_failing']:>10} {row['random_failing']:>8}  {detail}")

    total = len(rows)
    killed = sum(1 for r in rows if r["generated_failing"])
    killed_z3 = sum(1 for r in rows if r["generated_failing_without_random"])
    killed_random = sum(1 for r in rows if r["random_failing"])
    print()
    print(f"kill rate, generated suite ({size} vectors):          {_rate(killed, total)}")
    found = size - suite.manifest["groups"].get("random", 0)
    print(f"kill rate, its Z3-found vectors alone ({found} vectors):  {_rate(killed_z3, total)}")
    print(
        f"kill rate, random suite of the same size ({size} vectors): {_rate(killed_random, total)}"
    )
    survivors = [r["fault"] for r in rows if not r["generated_failing"]]
    if survivors:
        print(f"survivors of the generated suite: {', '.join(survivors)}")
    print(f"({time.perf_counter() - started:.1f} s)")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "suite": suite.version,
                    "random_suite": comparison.version,
                    "size": size,
                    "killed_generated": killed,
                    "killed_generated_without_random": killed_z3,
                    "killed_random": killed_random,
                    "mutants": rows,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
