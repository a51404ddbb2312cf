"""Benchmark of the conformance kit: generating the suite, and checking answers.

Prints figures; asserts nothing about speed. Run it on a quiet machine::

    .venv/bin/python benchmarks/bench_conformance.py            # 1,000,000 answers
    .venv/bin/python benchmarks/bench_conformance.py --quick    # 100,000 (what CI runs)
    .venv/bin/python benchmarks/bench_conformance.py --suite suite   # skip generating

Figures printed:

* the time to generate the suite (Z3 search in fresh processes, and the sample);
* vectors per second through the example vendor program (``examples/vendor``) in
  batch mode, process start-up included, and in one-case-per-run mode;
* answers checked per second from a file: the example's answers to the suite
  (normative fields only, as a vendor writes them), repeated to N lines, checked
  positionally against the suite's vectors repeated alike (each line is parsed,
  validated against the contract and compared; nothing is cached between
  lines); and, on a tenth as many lines, the full advice documents with trace and
  rules, as ``lbp-spec evaluate`` writes them.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from _timing import lbp_spec_command, record
from lbp_spec import advice_to_json, case_from_json, evaluate
from lbp_spec.conformance import (
    Program,
    Suite,
    check_answers_file,
    check_program,
    load_suite,
)

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "examples" / "vendor" / "lbp_vendor.py"


def _repeat(suite: Suite, n: int) -> Suite:
    """The suite's vectors repeated to ``n`` (the same objects, so memory stays small)."""
    vectors = suite.vectors * (n // len(suite.vectors) + 1)
    return Suite(suite.manifest, vectors[:n])


def _answers_file(path: Path, answers: Sequence[str], n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(answers[i % len(answers)])
            out.write("\n")


def _check_file(suite: Suite, answers: Sequence[str], n: int, directory: Path) -> float:
    """Answers per second for ``n`` answers read from a file (file writing not timed)."""
    path = directory / f"answers-{n}.jsonl"
    _answers_file(path, answers, n)
    big = _repeat(suite, n)
    started = time.perf_counter()
    report = check_answers_file(big, path)
    seconds = time.perf_counter() - started
    path.unlink()
    assert report.passed, "the example's answers should all pass"
    return n / seconds


def _generate() -> tuple[Suite, float, str]:
    """The suite as ``lbp-spec conformance generate --output suite`` writes it, its time and output.

    The command runs as a child process in a temporary directory, so the output is
    the command's own, with the directory named ``suite`` as in the how-to.
    """
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = subprocess.run(
            [*lbp_spec_command(), "conformance", "generate", "--output", "suite"],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
        return load_suite(Path(tmp) / "suite"), seconds, done.stdout.strip()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 answers instead of 1,000,000")
    parser.add_argument("--answers", type=int, help="how many answers to check from a file")
    parser.add_argument("--suite", metavar="DIR", help="use this suite instead of generating one")
    parser.add_argument("--record", action="store_true", help="store the figures in results.json")
    args = parser.parse_args(argv)
    figures: dict[str, float | int | str] = {}
    n_answers = args.answers or (100_000 if args.quick else 1_000_000)

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    if args.suite:
        suite = load_suite(args.suite)
        print(f"suite {suite.version}: {len(suite.vectors)} vectors (loaded from {args.suite})")
    else:
        suite, seconds, output = _generate()
        print(f"generate: suite {suite.version}, {len(suite.vectors)} vectors in {seconds:.1f} s")
        figures |= {
            "generate_s": seconds,
            "vectors": len(suite.vectors),
            "suite": suite.version,
            "generate_output": output,
        }

    batch = Program((sys.executable, str(VENDOR), "--batch"), batch=True)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        report = check_program(suite, batch)
        best = min(best, time.perf_counter() - started)
        assert report.passed
    print(
        f"check, example program in batch mode: {len(suite.vectors)} vectors in {best:.2f} s "
        f"= {len(suite.vectors) / best:,.0f} vectors/s (start-up included)"
    )
    many = _repeat(suite, 10 * len(suite.vectors))
    started = time.perf_counter()
    assert check_program(many, batch).passed
    seconds = time.perf_counter() - started
    print(
        f"check, example program in batch mode: {len(many.vectors):,} vectors (the suite 10 "
        f"times) = {len(many.vectors) / seconds:,.0f} vectors/s"
    )
    figures["batch_vectors_per_s"] = len(many.vectors) / seconds
    few = Suite(suite.manifest, suite.vectors[:40])
    single = Program((sys.executable, str(VENDOR)), jobs=1)
    started = time.perf_counter()
    check_program(few, single)
    seconds = time.perf_counter() - started
    print(
        f"check, example program one case per run: {len(few.vectors) / seconds:,.1f} vectors/s "
        "(one Python start-up per case)"
    )

    cases = "".join(json.dumps(v.case) + "\n" for v in suite.vectors)
    vendor_answers = subprocess.run(
        [sys.executable, str(VENDOR), "--batch"],
        input=cases,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    full_answers = [
        json.dumps(advice_to_json(evaluate(case_from_json(v.case))), separators=(",", ":"))
        for v in suite.vectors
    ]
    size = sum(len(a) + 1 for a in vendor_answers) / len(vendor_answers)
    full_size = sum(len(a) + 1 for a in full_answers) / len(full_answers)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        rate = _check_file(suite, vendor_answers, n_answers, directory)
        print(
            f"check, answers file: {n_answers:,} answers ({size:,.0f} bytes each, normative "
            f"fields) = {rate:,.0f} answers/s"
        )
        figures |= {"answers": n_answers, "answers_per_s": rate}
        n_full = max(1, n_answers // 10)
        rate = _check_file(suite, full_answers, n_full, directory)
        print(
            f"check, answers file: {n_full:,} full advices ({full_size:,.0f} bytes each, with "
            f"trace and rules) = {rate:,.0f} answers/s"
        )
    if args.record:
        record("conformance", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
