"""Benchmark: ``lbp-spec evaluate`` on a JSON Lines batch, against the JSON floor.

Prints figures; asserts nothing about speed. The batch is generated (seeded, so
every run measures the same file): valid generated cases, some carrying an
``id``, and about one line in twenty invalid (a wrong type, an unknown field, an
out-of-range value, a contradiction, a duplicate key, a huge integer, a line that
is not JSON) or blank. Two child processes take turns on the same file, their
output going to the null device:

* ``lbp-spec evaluate FILE``, the real command;
* the baseline: a Python loop that only does ``json.loads`` and ``json.dumps``
  per line (compact, as the batch output is) and writes the line out.

The figure is the ratio of their CPU times (user + system, a median over runs),
measured in the same run::

    .venv/bin/python benchmarks/bench_batch.py              # 100,000 lines, 5 runs
    .venv/bin/python benchmarks/bench_batch.py --quick      # 50,000 lines, 3 runs (CI)
    git archive <rev> src | tar -x -C /tmp/before
    .venv/bin/python benchmarks/bench_batch.py --baseline /tmp/before/src
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _timing import interleaved, lbp_spec_command, record
from lbp_spec.agreement import generated_cases
from lbp_spec.contract import case_to_json

BASELINE_LOOP = """
import json, sys
out = sys.stdout
with open(sys.argv[1], "rb") as lines:
    for line in lines:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            out.write('{"error":null}\\n')
            continue
        out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\\n")
"""
"""The floor: parse and write back each line, nothing else."""

INVALID_SHARE = 0.05
"""About one line in twenty is invalid or blank."""


def _invalid(case: dict[str, Any], rng: random.Random) -> str:
    """One invalid line (or a blank one) made from a valid case document."""
    kind = rng.randrange(9)
    doc = dict(case)
    if kind == 0:
        doc["nprs"] = rng.choice(["high", True, 3.5, None])  # a wrong type
    elif kind == 1:
        doc["red_flag"] = ["fracture"]  # an unknown field
    elif kind == 2:
        doc["nprs"] = rng.choice([11, -1])  # out of range
    elif kind == 3:  # a contradiction: a follow-up field at an initial consultation
        doc["consultation"] = "initial"
        doc["weeks_since_start"] = 4
    elif kind == 4:
        doc["nprs"] = 10**4100  # a huge integer: far out of range
    elif kind == 5:  # a duplicate key
        text = json.dumps(doc, separators=(",", ":"))
        return text.replace('"nprs":', '"nprs":3,"nprs":', 1)
    elif kind == 6:  # not JSON
        text = json.dumps(doc)
        return text[: rng.randrange(1, len(text))]
    elif kind == 7:
        return rng.choice(["", "   "])  # blank: skipped, but counted in line numbers
    else:
        doc.pop("contract_version")
    return json.dumps(doc, separators=(",", ":"))


def write_batch(path: Path, lines: int, seed: int = 0) -> tuple[int, int]:
    """Write a batch of ``lines`` lines to ``path``; the number of valid and other lines."""
    rng = random.Random(seed)
    valid = 0
    with path.open("w", encoding="utf-8") as out:
        for number, case in enumerate(generated_cases(lines, seed=seed), start=1):
            doc = case_to_json(case)
            if rng.random() < INVALID_SHARE:
                out.write(_invalid(doc, rng) + "\n")
                continue
            if rng.random() < 0.3:
                doc = {"id": f"case-{number}", **doc}
            out.write(json.dumps(doc, separators=(",", ":")) + "\n")
            valid += 1
    return valid, lines - valid


def _median(runs: list[tuple[float, float]], pick: Callable[[tuple[float, float]], float]) -> float:
    return statistics.median(pick(r) for r in runs)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer lines and runs (CI)")
    parser.add_argument("--lines", type=int, help="lines in the batch (default 100000)")
    parser.add_argument("--runs", type=int, help="runs of each command (default 5)")
    parser.add_argument(
        "--baseline", type=Path, metavar="SRC", help="also time another checkout's src directory"
    )
    parser.add_argument(
        "--record", action="store_true", help="store the figures in results.json (for the docs)"
    )
    args = parser.parse_args(argv)
    lines = args.lines or (50_000 if args.quick else 100_000)
    runs = args.runs or (3 if args.quick else 5)
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch.jsonl"
        valid, other = write_batch(batch, lines)
        print(f"batch: {lines:,} lines, {valid:,} valid cases, {other:,} invalid or blank")
        commands: dict[str, tuple[list[str], Path | None]] = {
            "lbp-spec evaluate": ([*lbp_spec_command(), "evaluate", str(batch)], None),
            "json.loads + json.dumps": ([sys.executable, "-c", BASELINE_LOOP, str(batch)], None),
        }
        if args.baseline is not None:
            commands["baseline: lbp-spec evaluate"] = (
                [*lbp_spec_command(args.baseline), "evaluate", str(batch)],
                args.baseline,
            )
        # an invalid record makes the status 1, as it should
        samples = interleaved(commands, runs, ok=(0, 1), discard_output=True)
    print(f"\nchild processes, output to the null device, median of {runs} runs")
    figures: dict[str, float] = {}
    for name, done in samples.items():
        if not done:
            print(f"  {name:34} (no run ended well)")
            continue
        wall, cpu = _median(done, lambda r: r[0]), _median(done, lambda r: r[1])
        print(f"  {name:34} {wall:7.2f} s wall {cpu:7.2f} s CPU {lines / cpu:10,.0f} lines/s")
        figures[name] = cpu
    evaluate, floor = figures.get("lbp-spec evaluate"), figures.get("json.loads + json.dumps")
    if evaluate is None or floor is None:
        print("ratio: not measured")
        return 0
    print("ratios of CPU time, measured in this run")
    print(f"  {'lbp-spec evaluate / json floor':34} {evaluate / floor:7.2f}")
    before = figures.get("baseline: lbp-spec evaluate")
    if before is not None:
        print(f"  {'baseline / json floor':34} {before / floor:7.2f}")
        print(f"  {'lbp-spec evaluate / baseline':34} {evaluate / before:7.2f}")
    if args.record:
        record(
            "batch",
            {
                "lines": lines,
                "valid": valid,
                "runs": runs,
                "evaluate_cpu_s": evaluate,
                "floor_cpu_s": floor,
                "evaluate_lines_per_s": lines / evaluate,
                "evaluate_to_floor": evaluate / floor,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
