"""Benchmark: how long the bounded episode proofs take, and how that grows with the bound.

Prints figures; asserts nothing about speed. A property that a bound decides but
that is not answered as expected (a solver timeout on a loaded machine, say) is
reported in a note and in the row's answers, since a timing of failing proofs
measures something else. Run it on a quiet machine::

    .venv/bin/python benchmarks/bench_episodes.py            # 8, 16, 32 weeks; 3 runs each
    .venv/bin/python benchmarks/bench_episodes.py --quick    # 8, 16, 32 weeks; one run (CI)

Figures printed:

* per bound: the most consultations an episode has (proven by the verifier,
  which unrolls one more), the time to build that model (one
  encoding per consultation and the pathway), the total of
  :func:`lbp_spec.episodes.verify.verify_episodes`, the part of it inside Z3's
  ``check`` (Solver and Optimize), and the growth against the 8-week bound next
  to the growth of the number of consultations;
* the slowest properties at each bound;
* the simulator: episodes per second on the executable side;
* with ``--baseline SRC`` (another checkout's ``src``) or ``--baseline-rev REV``
  (this repository's code at a revision, unpacked for the run): the CPU time of
  the episode proofs at the default bound in a child process, start-up
  included, for the working code and the baseline taking turns, and the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import z3

from _timing import SolverClock, interleaved, record, revision
from lbp_spec import GUIDELINE, Case
from lbp_spec.episodes import Change, simulate
from lbp_spec.episodes.model import EpisodeModel
from lbp_spec.episodes.pathway import PATHWAY, max_consultations
from lbp_spec.episodes.verify import EpisodeReport, verify_episodes
from lbp_spec.verify import Status
from lbp_spec.vocabulary import FactorLevel, Improvement, PrognosticFactor


def _decided(report: EpisodeReport) -> bool:
    """Whether every property the bound decides is answered as expected (else a note)."""
    wrong = [
        f"{r.name}: {r.status.value}"
        for r in report.results
        if r.property.horizon_weeks <= report.bound_weeks and not r.passed
    ]
    if wrong:
        print(f"  note: bound {report.bound_weeks}: not every property answered: {wrong}")
    return not wrong


def _bounds(bounds: Sequence[int], repeat: int) -> list[dict[str, float]]:
    print(f"\nverify_episodes() by bound (median of {repeat})")
    print(
        f"  {'bound':>6} {'visits':>6} {'build':>8} {'verify':>8} {'z3 check':>9} "
        f"{'growth':>7} {'visits gr.':>10}  answers"
    )
    base: tuple[float, int] | None = None
    rows = []
    for bound in bounds:
        samples = []
        for _ in range(repeat):
            clock = SolverClock()
            with clock.active():
                report = verify_episodes(bound_weeks=bound)
            # the model the verifier checks on: one consultation more than an episode
            # has (proven never to take place), or the most the bound allows
            most = max_consultations(bound, PATHWAY, GUIDELINE.domain("recheck_after_days"))  # type: ignore[arg-type]
            size = min(report.consultations + 1, most)
            start = time.perf_counter()
            EpisodeModel(GUIDELINE, bound_weeks=bound, size=size).constraints()
            build = time.perf_counter() - start
            samples.append((report.seconds, build, clock.seconds, report))
        samples.sort(key=lambda sample: sample[0])
        total, build, solving, report = samples[len(samples) // 2]
        decided = all([_decided(sample[3]) for sample in samples])
        if base is None:
            base = (total, report.consultations)
        answers = ", ".join(f"{report.count(s)} {s.value}" for s in Status if report.count(s))
        print(
            f"  {bound:>4} w {report.consultations:>6} {build:>7.2f}s {total:>7.2f}s "
            f"{solving:>8.2f}s {total / base[0]:>7.1f} {report.consultations / base[1]:>10.1f}"
            f"  {answers}"
        )
        slowest = sorted(report.results, key=lambda r: -r.seconds)[:3]
        print("         slowest: " + ", ".join(f"{r.name} {r.seconds:.2f}s" for r in slowest))
        rows.append(
            {
                "bound_weeks": bound,
                "consultations": report.consultations,
                "build_s": build,
                "verify_s": total,
                "check_s": solving,
                "growth": total / base[0],
                "properties": len(report.results),
                "answers": answers if decided else f"{answers} (not as expected: see the note)",
            }
        )
    print(
        "  visits: the most consultations an episode has up to the bound (proven; the model "
        "unrolls one\n  more, never taking place); build: the "
        "encodings and the pathway constraints; verify: wall time of "
        "verify_episodes (build included);\n  z3 check: inside Solver/Optimize.check; growth: "
        "verify / verify at the first bound, next to\n  the growth of the consultations. "
        "At 8 weeks the properties that need week 12 are 'unknown'."
    )
    return rows


def _simulator(count: int) -> dict[str, float]:
    rng = random.Random(2021)
    starts = [
        Case(lrs=rng.random() < 0.5, prognostic_factors=factors)
        for factors in (
            {},
            {PrognosticFactor.LEG_PAIN: FactorLevel.NON_DOMINANT},
            {PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT},
        )
        for _ in range(count // 3)
    ]
    changes = [
        Change(
            after_days=rng.choice([2, 3, 4, 7, 14]),
            findings={
                "improvement": rng.choice(list(Improvement)),
                "reevaluation_new_insights": rng.random() < 0.5,
                "adjustment_expected_to_suffice": rng.random() < 0.5,
            },
        )
        for _ in range(40)
    ]
    start = time.perf_counter()
    visits = sum(len(simulate(case, changes).visits) for case in starts)
    seconds = time.perf_counter() - start
    print(f"\nsimulator: {len(starts)} episodes up to 16 weeks, {visits} consultations")
    print(
        f"  {seconds:.2f} s: {len(starts) / seconds:,.0f} episodes/s, "
        f"{visits / seconds:,.0f} consultations/s"
    )
    return {"episodes": len(starts), "episodes_per_s": len(starts) / seconds}


_PROOFS = (
    "import sys; from lbp_spec.episodes.verify import verify_episodes; "
    "sys.exit(0 if verify_episodes().ok else 1)"
)
"""A child that runs the episode proofs at the default bound (status 1 if not all passed)."""


def _against(baseline: Path, runs: int) -> dict[str, float]:
    """CPU seconds of the episode proofs in a child, now and at the baseline; their ratio."""
    commands = {
        "now": ([sys.executable, "-c", _PROOFS], None),
        "baseline": ([sys.executable, "-c", _PROOFS], baseline),
    }
    print(
        f"\nverify_episodes() at the default bound in a child, start-up included "
        f"(median CPU of {runs} runs, taking turns)"
    )
    medians = {}
    for name, samples in interleaved(commands, runs).items():
        if samples:
            medians[name] = statistics.median(cpu for _, cpu in samples)
            print(f"  {name:10} {medians[name]:8.3f} s CPU")
        else:
            print(f"  {name:10} (no run ended well)")
    if len(medians) < 2:
        return {}
    ratio = medians["now"] / medians["baseline"]
    print(f"  {'ratio':10} {ratio:8.2f}   (now / baseline)")
    return {"now_cpu_s": medians["now"], "baseline_cpu_s": medians["baseline"], "ratio": ratio}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run per bound (CI)")
    parser.add_argument(
        "--bounds",
        type=lambda s: [int(b) for b in s.split(",")],
        default=[8, 16, 32],
        help="bounds in weeks, comma-separated (default 8,16,32)",
    )
    parser.add_argument(
        "--record", action="store_true", help="store the figures in results.json (for the docs)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="another checkout's src directory: its episode proofs are timed in the same run",
    )
    parser.add_argument(
        "--baseline-rev",
        metavar="REV",
        help="a git revision of this repository, as --baseline (unpacked for the run)",
    )
    args = parser.parse_args(argv)
    if args.baseline is not None and args.baseline_rev is not None:
        parser.error("give --baseline or --baseline-rev, not both")
    repeat = 1 if args.quick else 3
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"z3 {z3.get_version_string()}, {os.cpu_count()} CPUs, load {_load()}")
    bounds = _bounds(args.bounds, repeat)
    simulator = _simulator(300 if args.quick else 3000)
    figures: dict[str, object] = {"repeat": repeat, "bounds": bounds, "simulator": simulator}
    with contextlib.ExitStack() as stack:
        baseline = args.baseline
        if args.baseline_rev is not None:
            print(f"\nbaseline: the code at {args.baseline_rev}")
            baseline = stack.enter_context(revision(args.baseline_rev))
        if baseline is not None:
            against = _against(baseline, 3 if args.quick else 5)
            if against:
                figures["against_baseline"] = against
    if args.record:
        record("episodes", figures)
    return 0


def _load() -> str:
    """The 1-minute load average, where the system tells it (timings suffer under load)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # pragma: no cover - not on every system
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
