"""Mutation run: how many small changes to the rules do the proofs, vectors and tests catch?

Every rule and resolution of the built-in guideline is mutated in turn (see
:mod:`lbp_spec.mutation`); each mutant is verified, run on the regression
vectors, optionally run through the hand-written tests, and a survivor is
checked for equivalence with Z3. Prints the per-operator table, the score, the
equivalent mutants with their reasons and any survivor::

    .venv/bin/python benchmarks/mutation.py                 # every mutant, fast criteria
    .venv/bin/python benchmarks/mutation.py --quick         # what CI runs (fast criteria only)
    .venv/bin/python benchmarks/mutation.py --tests         # + tests/test_rules.py per mutant
    .venv/bin/python benchmarks/mutation.py --json out.json # the report as JSON
    .venv/bin/python benchmarks/mutation.py --quick --code quick  # + the code, sampled (CI)
    .venv/bin/python benchmarks/mutation.py --code full     # + every mutant of the code

``--code`` also mutates the code that reads documents and judges answers (see
``benchmarks/code_mutation.py``) and prints its score beside the rules' score;
its survivors are listed but do not change the status (``code_mutation.py`` on its
own exits 1 on a survivor not argued equivalent).

Maintaining the regression vectors (``tests/data/regression_vectors.jsonl``)::

    .venv/bin/python benchmarks/mutation.py --seed-vectors  # rewrite the seed vectors
    .venv/bin/python benchmarks/mutation.py --add-vectors   # append the survivors' cases

Both write expected advice computed by the reference: review the diff before
committing it. Exits 1 when a mutant survives, the solver gives up, the harness
fails on a mutant, or a committed vector no longer matches the reference.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lbp_spec import GUIDELINE, Case
from lbp_spec.mutation import (
    MutationReport,
    Operator,
    Outcome,
    load_vectors,
    mutants,
    run,
    seed_vectors,
    write_vectors,
)

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "data" / "regression_vectors.jsonl"
TESTS = ROOT / "tests" / "test_rules.py"


def _examples() -> list[tuple[str, Case]]:
    """The hand-written examples of tests/test_rules.py, firing and quiet, by rule."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        examples: dict[str, tuple[Case, Case]] = importlib.import_module("test_rules").EXAMPLES
    finally:
        sys.path.pop(0)
    return [
        (f"example:{rule_id}:{side}", case)
        for rule_id, pair in examples.items()
        for side, case in zip(("fires", "quiet"), pair, strict=True)
    ]


def _seed(path: Path) -> int:
    kept = (
        [v for v in load_vectors(path) if v.name.startswith("survivor:")] if path.exists() else []
    )
    vectors = seed_vectors(GUIDELINE, _examples())
    seen = {v.name for v in vectors}
    write_vectors(path, [*vectors, *(v for v in kept if v.name not in seen)])
    print(f"wrote {len(vectors)} seed vectors and kept {len(kept)} survivor vectors in {path}")
    return 0


def _progress(total: int) -> Callable[[Outcome], None]:
    done = [0]
    start = time.perf_counter()

    def show(outcome: Outcome) -> None:
        done[0] += 1
        if outcome.status not in ("killed", "equivalent") or done[0] % 25 == 0:
            elapsed = time.perf_counter() - start
            print(
                f"  [{done[0]:>3}/{total} {elapsed:6.1f}s] {outcome.status:<10} {outcome.mutant}",
                file=sys.stderr,
                flush=True,
            )

    return show


def main(argv: list[str] | None = None) -> int:
    """Run the mutation analysis; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick", action="store_true", help="CI: proofs, vectors and equivalence only, no --tests"
    )
    parser.add_argument(
        "--sample", type=int, default=None, help="run this many mutants (per operator, seeded)"
    )
    parser.add_argument("--tests", action="store_true", help="also run tests/test_rules.py")
    parser.add_argument("--no-proofs", action="store_true", help="skip verify() per mutant")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, default=None, help="write the report here")
    parser.add_argument("--vectors", type=Path, default=VECTORS)
    parser.add_argument("--seed-vectors", action="store_true", help="rewrite the seed vectors")
    parser.add_argument(
        "--add-vectors", action="store_true", help="append the survivors' cases as vectors"
    )
    parser.add_argument(
        "--code",
        choices=("quick", "full"),
        default=None,
        help="also mutate the code (benchmarks/code_mutation.py): a seeded sample, or all",
    )
    parser.add_argument(
        "--record", action="store_true", help="store the figures in results.json (for the docs)"
    )
    args = parser.parse_args(argv)

    if args.seed_vectors:
        return _seed(args.vectors)
    vectors = load_vectors(args.vectors) if args.vectors.exists() else ()
    if args.quick and args.tests:
        parser.error("--quick runs the fast criteria only; drop --tests")
    every = len(mutants(GUIDELINE))
    total = every if args.sample is None else min(args.sample, every)
    mode = "quick" if args.quick else "full"
    print(
        f"mutation run ({mode}): {total} mutants, {len(vectors)} vectors, jobs={args.jobs}, "
        f"proofs={'no' if args.no_proofs else 'yes'}, tests={'yes' if args.tests else 'no'}",
        file=sys.stderr,
    )
    report = run(
        GUIDELINE,
        vectors,
        proofs=not args.no_proofs,
        tests=[TESTS] if args.tests else (),
        sample=args.sample,
        jobs=args.jobs,
        on_outcome=_progress(total),
    )
    score = report.score
    print(report.table())
    print()
    shown = "-" if score is None else f"{100 * score:.1f}%"
    print(
        f"score: {shown} (killed / (mutants - equivalent - invalid)), "
        f"{len(report.outcomes)} of {report.total} mutants, {report.seconds:.1f} s, "
        f"{report.jobs} jobs"
    )
    print()
    print("kills by property:")
    for name, kills in report.by_property().items():
        print(f"  {kills:>4}  {name}")
    for status in ("equivalent", "survived", "unknown", "error", "invalid"):
        chosen = [o for o in report.outcomes if o.status == status]
        if chosen:
            print(f"\n{status} ({len(chosen)}):")
            for o in chosen:
                why = o.invalid or o.error or o.reason
                print(f"  {o.mutant}\n      {o.description}\n      -> {why}")
    if report.stale_vectors:
        print(
            f"\nstale vectors (the reference no longer gives their advice): {report.stale_vectors}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(report.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"\nreport written to {args.json}")
    new = report.new_vectors()
    if new and args.add_vectors:
        existing = load_vectors(args.vectors) if args.vectors.exists() else ()
        names = {v.name for v in existing}
        write_vectors(args.vectors, [*existing, *(v for v in new if v.name not in names)])
        print(f"\nappended {len(new)} survivor vectors to {args.vectors}: review and commit them")
    elif new:
        print(f"\n{len(new)} survivors have a distinguishing case: rerun with --add-vectors")
    status = 0 if report.ok else 1
    if args.code is not None:
        import code_mutation  # benchmarks/ is on the path when this script runs

        print("\ncode-level mutation (lbp_spec.contract.codec, conformance.answers, evaluator):")
        code_args = ["--jobs", str(args.jobs)] + (["--quick"] if args.code == "quick" else [])
        code_status = code_mutation.main(code_args)
        shown_rules = "-" if score is None else f"{100 * score:.1f}%"
        print(f"\nscores: rules {shown_rules}, code {code_mutation.LAST_SCORE}")
        if code_status:  # reported above; the rules' run decides the status
            print("code-level survivors or harness errors are listed above")
    if args.record:
        from _timing import record  # benchmarks/ is on the path when this script runs

        figures = _figures(report, mode, len(vectors))
        figures["sample_per_operator"] = args.sample
        if args.code is not None:
            import code_mutation

            figures["code"] = dict(code_mutation.LAST_FIGURES)
        record("mutation", figures)
    return status


def _figures(report: MutationReport, mode: str, vectors: int) -> dict[str, Any]:
    """What the docs show of a run: the table by operator, the score, what the proofs kill."""
    skipped = {
        c for c, ran in (("tests", report.tests_run), ("proofs", report.proofs_run)) if not ran
    }

    def row(counts: dict[str, int]) -> dict[str, int | None]:
        return {k: (None if k in skipped else v) for k, v in counts.items()}

    totals = report.counts()
    killable = totals["mutants"] - totals["equivalent"] - totals["invalid"]
    present = {o.operator for o in report.outcomes}
    operators = [
        {"operator": op.value, **row(report.counts(op))} for op in Operator if op in present
    ]
    kills = report.by_property()
    top = next(iter(kills.items()), ("-", 0))
    score = report.score
    return {
        "mode": mode,
        "rules": len(GUIDELINE.rules),
        "resolutions": len(GUIDELINE.resolutions),
        "vectors": vectors,
        "jobs": report.jobs,
        "seconds_s": report.seconds,
        "mutants": totals["mutants"],
        "killable": killable,
        "score_percent": None if score is None else round(100 * score, 1),
        "proofs_percent": None
        if skipped & {"proofs"} or not killable
        else round(100 * totals["proofs"] / killable, 1),
        "operators": [*operators, {"operator": "all", **row(totals)}],
        "top_property": top[0],
        "top_property_kills": top[1],
        "equivalent": [
            {"mutant": o.mutant, "reason": o.reason or ""}
            for o in report.outcomes
            if o.status == "equivalent"
        ],
        "invalid": [
            {"mutant": o.mutant, "reason": o.invalid or ""}
            for o in report.outcomes
            if o.status == "invalid"
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
