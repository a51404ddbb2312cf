"""Code-level mutation of the modules that judge documents and answers, against quick tests.

The rules are mutated as data by ``benchmarks/mutation.py``; this run mutates the
*code* that reads documents and judges vendors: ``lbp_spec.contract.codec``,
``lbp_spec.conformance.answers`` and ``lbp_spec.evaluator``. A small AST mutator
(no third-party tool) makes one change at a time:

* a comparison flipped (``==``/``!=``, ``<``/``<=``, ``>``/``>=``, ``is``/``is not``,
  ``in``/``not in``), ``and``/``or`` swapped, a ``not`` dropped;
* ``True``/``False`` swapped, an integer constant ``n`` made ``n + 1``, ``+``/``-`` swapped;
* ``continue``/``break`` swapped, a ``raise`` made ``pass``.

Each mutant runs in a fresh interpreter that loads the mutated module in place
of the real one, on that module's quick test selection (``pytest -x``, the
derandomized Hypothesis profile ``mutation``). A mutant is *killed* when a test
fails, *timeout* when it runs past the limit (counted as killed: the tests
noticed), *survived* otherwise. Survivors that cannot change behaviour are listed
in :data:`EQUIVALENT` with the reason; they are reported, not hidden, and left out
of the score's denominator. Prints one table per module and the score::

    .venv/bin/python benchmarks/code_mutation.py                 # every mutant
    .venv/bin/python benchmarks/code_mutation.py --quick         # CI: a seeded sample
    .venv/bin/python benchmarks/code_mutation.py --module codec  # one module

Exits 1 when a mutant survives that is not listed as equivalent.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib.abc
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "codec": (
        "lbp_spec.contract.codec",
        (
            "tests/test_contract_limits.py",
            "tests/test_contract.py",
            "tests/test_partial_case.py",
            "-k",
            "not costs_little",  # a memory measurement: seconds, and no mutant's business
        ),
    ),
    "answers": ("lbp_spec.conformance.answers", ("tests/test_conformance_answers.py",)),
    "evaluator": ("lbp_spec.evaluator", ("tests/test_evaluator.py", "tests/test_rules.py")),
}
"""Module key: the module mutated and its quick test selection (pytest arguments)."""

EQUIVALENT: dict[str, str] = {
    "evaluator:_Compiler.decide:Gt->GtE#1": (
        "a collision flag is compiled only for a slot with two or more possible values; "
        "with >= 1 a slot with one value also gets a flag, (h0) > 1, which is never true"
    ),
    "evaluator:_build:True->False#1": (
        "the default of _build's tables is used only by the rule mutation run "
        "(mutation.py), to compile each mutant rule set; with or without tables the "
        "evaluator gives the same advice (tests compare the two on generated cases)"
    ),
    "answers:_judge:Add->Sub#1": (
        "keys - extra_keys instead of keys + extra_keys only makes the key count miss, so "
        "the strict parser decides (the same verdict, slower); it can never match a text "
        "with more keys than counted, since every key ends in '\":' when the count is trusted"
    ),
    "answers:agrees_parsed:Add->Sub#1": (
        "as for _judge: a count that misses sends the answer to the strict parser, which "
        "gives the same verdict"
    ),
    "answers:_same:Add->Sub#1": (
        "as _judge:Add->Sub#1: - (0 or 2) for the referral instead of + only lowers the key "
        "count, which can never match a text with a repeated key (the strict parser decides)"
    ),
    "answers:_same:Add->Sub#2": (
        "as _same:Add->Sub#1: - len(interventions) lowers the key count by 16"
    ),
    "answers:_same:Add->Sub#3": ("as _same:Add->Sub#1: - 3 lowers the key count by 6"),
    "answers:agrees_parsed:Lt->LtE#1": (
        "_same returns -1 or the key count of an advice document, which is at least 20 (its "
        "required keys), so keys <= 0 holds exactly when keys < 0 does"
    ),
    "answers:agrees_parsed:0->1#1": (
        "as agrees_parsed:Lt->LtE#1: keys < 1 holds exactly when keys < 0 does"
    ),
    "answers:canonical:0->1#2": (
        "the last line of canonical is reached only for a document the library's reader "
        "accepts and the fast path refuses, of which there is none (the differential tests); "
        "its [1] instead of [0] is never evaluated"
    ),
    "answers:_slow:0->1#1": (
        "as canonical:0->1#2: the last line of _slow is reached only for an answer the "
        "library's reader accepts and the fast path refuses, of which there is none"
    ),
    "answers:<module>:And->Or#2": (
        "_RANKS keyed by 'a set field or a field with a vocabulary' also ranks the choice and "
        "referral fields, which value_json never looks up (it ranks set fields only); every "
        "set field has a vocabulary, so no field without one is ranked"
    ),
    "answers:_keys_counted:In->NotIn#1": (
        "the backslash guard is conservative: with no whitespace before a colon every key of "
        "the text ends in '\":', so the text holds at least as many '\":' as keys (an escaped "
        "quote in a string only adds more); a count equal to the keys of the value therefore "
        "proves no key repeated, with or without a backslash. Sending every text without a "
        "backslash to the strict parser instead gives the same verdict, slower"
    ),
    "answers:<module>:1->2#1": (
        "_REQUIRED takes the first part of each normative path with split('.', 1)[0]; "
        "split('.', 2)[0] is the same first part"
    ),
    "answers:_plan:1->2#1": (
        "an intervention's sub-key is the first part of the rest of its path, "
        "rest.split('.', 1)[0]; split('.', 2)[0] is the same first part"
    ),
    "answers:_normative:LtE->Lt#1": (
        "_REQUIRED < keys instead of <= only makes the fast path refuse a valid document "
        "without trace and resolutions; the library's reader then reads it and its canonical "
        "form is taken from the advice written back (which has both keys): the same value, "
        "slower"
    ),
    "answers:_too_long:4->5#1": (
        "as codec:parse_json:4->5#1: the pre-filter len(text) > MAX // 4 only skips encoding "
        "texts that cannot exceed the limit; // 5 skips fewer, the byte count decides the same"
    ),
    "answers:_too_long:Gt->GtE#1": (
        "as codec:parse_json:Gt->GtE#1: a text of exactly MAX // 4 characters is at most MAX "
        "bytes, so counting its bytes too finds it within the limit"
    ),
    "codec:parse_json:4->5#1": (
        "the size pre-filter len(text) > MAX // 4 only skips encoding texts that cannot "
        "exceed the limit (a character is at most 4 bytes); // 5 skips fewer, the exact "
        "byte count then decides the same"
    ),
    "codec:parse_json:Gt->GtE#1": (
        "the same size pre-filter: a text of exactly MAX // 4 characters is at most MAX "
        "bytes, so counting its bytes too finds it within the limit, as skipping the count "
        "does"
    ),
    "codec:parse_json:Gt->GtE#3": (
        "a text with exactly MAX_DEPTH brackets cannot nest deeper than MAX_DEPTH, so "
        "walking it too (>= instead of >) finds it within the limit"
    ),
    "codec:_Reader.next:1->2#2": (
        "the size of the chunks in which the rest of an over-long line is skipped "
        "(1 << 16 or 2 << 16 bytes): the same lines are read, with the same sizes"
    ),
    "codec:_Reader.next:16->17#1": (
        "as 1->2#2: chunks of 1 << 17 bytes instead of 1 << 16 skip the same line"
    ),
}
"""Mutant id -> why it cannot change behaviour (each found surviving, then argued)."""

EQUIVALENT_LINES: tuple[tuple[str, str, str, str], ...] = (
    (
        "answers",
        "_same",
        "return -1",
        "_same returns -1 for 'decide the slow way'; its one caller tests keys < 0, so -2 "
        "means the same",
    ),
)
"""(module, function, mutated line, reason): a class of equivalent mutants, by where they are."""


def equivalent_reason(mutant: Mutant) -> str | None:
    """Why ``mutant`` cannot change behaviour, if it is a listed equivalent."""
    if mutant.id in EQUIVALENT:
        return EQUIVALENT[mutant.id]
    where = mutant.id.split(":")[1]
    for module, function, text, reason in EQUIVALENT_LINES:
        if (module, function, text) == (mutant.module, where, mutant.text):
            return reason
    return None


QUICK = 6
"""Mutants per module in ``--quick`` (CI): a seeded sample, the same every run."""

LAST_SCORE = "-"
LAST_FIGURES: dict[str, Any] = {}
"""The figures of the last run in this process (for ``mutation.py --record``)."""
"""The score of the last run in this process, in words (for benchmarks/mutation.py)."""

TIMEOUT = 300.0
"""Seconds one mutant's tests may take (a mutant can loop)."""

_COMPARE = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


@dataclass(frozen=True)
class Mutant:
    """One change to one module."""

    module: str
    id: str
    line: int
    description: str
    source: str
    text: str = ""
    """The mutated line as written in the module."""


def _function_of(tree: ast.Module) -> dict[int, str]:
    """For each node id, the name of the function (or class) it is in."""
    names: dict[int, str] = {}

    def walk(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = name
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = f"{name}.{child.name}" if name else child.name
            names[id(child)] = inner
            walk(child, inner)

    walk(tree, "")
    return names


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            out.add(id(first.value))
    return out


def _changes(node: ast.AST) -> Iterator[tuple[str, Any]]:
    """Each way ``node`` can be mutated: (description, how)."""
    if isinstance(node, ast.Compare):
        for k, op in enumerate(node.ops):
            other = _COMPARE.get(type(op))
            if other is not None:
                yield f"{type(op).__name__}->{other.__name__}", ("compare", k, other)
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield f"{type(node.op).__name__}->{other.__name__}", ("boolop", other)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not x->x", ("unnot",)
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        yield f"{node.value}->{not node.value}", ("const", not node.value)
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        yield f"{node.value}->{node.value + 1}", ("const", node.value + 1)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        other = ast.Sub if isinstance(node.op, ast.Add) else ast.Add
        yield f"{type(node.op).__name__}->{other.__name__}", ("binop", other)
    elif isinstance(node, ast.Continue):
        yield "continue->break", ("stmt", ast.Break)
    elif isinstance(node, ast.Break):
        yield "break->continue", ("stmt", ast.Continue)
    elif isinstance(node, ast.Raise):
        yield "raise->pass", ("stmt", ast.Pass)


class _Apply(ast.NodeTransformer):
    def __init__(self, target: int, how: Any) -> None:
        self.target = target
        self.how = how
        self.count = -1

    def generic_visit(self, node: ast.AST) -> ast.AST:
        return super().generic_visit(node)

    def visit(self, node: ast.AST) -> Any:
        self.count += 1
        if self.count != self.target:
            return self.generic_visit(node)
        kind = self.how[0]
        if kind == "compare":
            assert isinstance(node, ast.Compare)
            node.ops[self.how[1]] = self.how[2]()
        elif kind == "boolop":
            assert isinstance(node, ast.BoolOp)
            node.op = self.how[1]()
        elif kind == "unnot":
            assert isinstance(node, ast.UnaryOp)
            return node.operand
        elif kind == "const":
            assert isinstance(node, ast.Constant)
            node.value = self.how[1]
        elif kind == "binop":
            assert isinstance(node, ast.BinOp)
            node.op = self.how[1]()
        elif kind == "stmt":
            return ast.copy_location(self.how[1](), node)
        return node


def mutants(key: str) -> list[Mutant]:
    """Every mutant of module ``key`` (see :data:`TARGETS`), in source order."""
    module = TARGETS[key][0]
    path = SRC / Path(*module.split(".")).with_suffix(".py")
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines()
    tree = ast.parse(original)
    docstrings = _docstrings(tree)
    names = _function_of(tree)
    out = []
    seen: dict[str, int] = {}
    nodes = []

    def index(node: ast.AST) -> None:  # the order _Apply.visit counts in
        nodes.append(node)
        for child in ast.iter_child_nodes(node):
            index(child)

    index(tree)
    for position, node in enumerate(nodes):
        if id(node) in docstrings or _in_annotation(node, tree):
            continue
        for description, how in _changes(node):
            mutated = _Apply(position, how).visit(copy.deepcopy(tree))
            ast.fix_missing_locations(mutated)
            where = names.get(id(node), "") or "<module>"
            base = f"{key}:{where}:{description}"
            seen[base] = seen.get(base, 0) + 1
            line = getattr(node, "lineno", 0)
            text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            source = ast.unparse(mutated)
            out.append(Mutant(key, f"{base}#{seen[base]}", line, description, source, text))
    return out


def _in_annotation(node: ast.AST, tree: ast.Module) -> bool:
    return False  # no mutated kind of node occurs in this code's annotations


# -- running -------------------------------------------------------------------------------------


class _Replace(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, path: str) -> None:
        self.name, self.path = name, path

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name == self.name:
            return importlib.util.spec_from_file_location(name, self.path)
        return None


def _run_one(module: str, path: str, tests: list[str]) -> int:
    """In the child: load ``module`` from ``path`` instead of the package, then run the tests."""
    sys.meta_path.insert(0, _Replace(module, path))
    import pytest

    return int(pytest.main(tests))


def run_mutant(mutant: Mutant, timeout: float = TIMEOUT) -> str:
    """``killed``, ``timeout`` or ``survived``."""
    module, tests = TARGETS[mutant.module]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutant.py"
        path.write_text(mutant.source, encoding="utf-8")
        argv = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--run-one",
            module,
            str(path),
            "--",
            *tests,
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--no-header",
        ]
        env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation", "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            done = subprocess.run(
                argv, cwd=ROOT, env=env, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return "timeout"
    if done.returncode == 0:
        return "survived"
    if done.returncode == 1:
        return "killed"
    return f"error (pytest status {done.returncode})"


def main(argv: list[str] | None = None) -> int:
    """Run the code-level mutation; see the module docstring."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["--run-one"]:
        split = args_list.index("--")
        return _run_one(args_list[1], args_list[2], args_list[split + 1 :])
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="CI: a seeded sample per module")
    parser.add_argument("--sample", type=int, default=None, help="mutants per module (seeded)")
    parser.add_argument("--module", choices=sorted(TARGETS), action="append")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument(
        "--record", action="store_true", help="store the figures in results.json (for the docs)"
    )
    args = parser.parse_args(args_list)
    sample = args.sample if args.sample is not None else (QUICK if args.quick else None)
    chosen: list[Mutant] = []
    totals: dict[str, int] = {}
    for key in args.module or sorted(TARGETS):
        every = mutants(key)
        totals[key] = len(every)
        if sample is not None and sample < len(every):
            every = sorted(random.Random(f"{key}-2021").sample(every, sample), key=lambda m: m.line)
        chosen.extend(every)
    started = time.perf_counter()
    print(
        f"code mutation run: {len(chosen)} of {sum(totals.values())} mutants "
        f"({', '.join(f'{k} {n}' for k, n in totals.items())}), jobs={args.jobs}",
        file=sys.stderr,
    )
    done = [0]

    def one(mutant: Mutant) -> str:
        result = run_mutant(mutant)
        done[0] += 1
        print(f"  [{done[0]}/{len(chosen)}] {mutant.id}: {result}", file=sys.stderr, flush=True)
        return result

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, chosen))
    seconds = time.perf_counter() - started
    by_module: dict[str, dict[str, int]] = {}
    survivors: list[Mutant] = []
    equivalent: list[Mutant] = []
    for mutant, result in zip(chosen, results, strict=True):
        status = result
        if result == "survived" and equivalent_reason(mutant) is not None:
            status = "equivalent"
            equivalent.append(mutant)
        elif result == "survived":
            survivors.append(mutant)
        counts = by_module.setdefault(mutant.module, {})
        counts[status.split(" ")[0]] = counts.get(status.split(" ")[0], 0) + 1
    print(
        f"{'module':<10} {'mutants':>7} {'killed':>7} {'timeout':>7} {'equiv':>6} {'survived':>8}"
    )
    killed_all = judged_all = 0
    rows: list[dict[str, Any]] = []
    for key, counts in by_module.items():
        n = sum(counts.values())
        killed = counts.get("killed", 0) + counts.get("timeout", 0)
        judged = n - counts.get("equivalent", 0)
        killed_all += killed
        judged_all += judged
        rows.append(
            {
                "module": key,
                "total": totals[key],
                "mutants": n,
                "killed": counts.get("killed", 0),
                "timeout": counts.get("timeout", 0),
                "equivalent": counts.get("equivalent", 0),
                "survived": counts.get("survived", 0),
            }
        )
        print(
            f"{key:<10} {n:>7} {counts.get('killed', 0):>7} {counts.get('timeout', 0):>7} "
            f"{counts.get('equivalent', 0):>6} {counts.get('survived', 0):>8}"
        )
    score = killed_all / judged_all if judged_all else 0.0
    global LAST_SCORE
    LAST_SCORE = f"{100 * score:.1f}% ({killed_all} / {judged_all}, {len(chosen)} mutants)"
    LAST_FIGURES.clear()
    LAST_FIGURES.update(
        {
            "sample_per_module": sample,
            "mutants_total": sum(totals.values()),
            "mutants_run": len(chosen),
            "modules": rows,
            "killed": killed_all,
            "judged": judged_all,
            "score_percent": round(100 * score, 1),
            "seconds_s": seconds,
            "jobs": args.jobs,
        }
    )
    print(
        f"code score: {100 * score:.1f}% (killed / (mutants - equivalent)), "
        f"{len(chosen)} mutants, {seconds:.1f} s"
    )
    errors = [(m, r) for m, r in zip(chosen, results, strict=True) if r.startswith("error")]
    for title, listed in (("equivalent", equivalent), ("survived", survivors)):
        if listed:
            print(f"\n{title} ({len(listed)}):")
            for m in listed:
                why = equivalent_reason(m) or ""
                print(f"  {m.id} (line {m.line})" + (f"\n      -> {why}" if why else ""))
    for m, r in errors:
        print(f"\nharness error on {m.id} (line {m.line}): {r}")
    if args.json is not None:
        listing = [
            {"id": m.id, "line": m.line, "result": r} for m, r in zip(chosen, results, strict=True)
        ]
        args.json.write_text(json.dumps(listing, indent=1) + "\n", encoding="utf-8")
    if args.record:
        from _timing import record  # benchmarks/ is on the path when this script runs

        record("code_mutation", LAST_FIGURES)
    return 1 if survivors or errors else 0


if __name__ == "__main__":
    sys.exit(main())
