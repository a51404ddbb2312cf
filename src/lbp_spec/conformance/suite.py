"""The conformance suite: vectors (a case and its expected normative advice), generated and stored.

A suite is a directory:

``manifest.json``
    ``format`` (1), ``contract_version``, ``suite_version`` (the contract version,
    ``+`` and the first 12 hex digits of the SHA-256 of ``vectors.jsonl``),
    ``sha256`` (the whole digest), ``guideline`` (the rule set's name),
    ``vectors`` (how many), ``groups`` (how many per group), ``generator`` (the
    settings that made it: random seed and size, the number of search processes,
    the solver time limit, and the versions of lbp_spec and Z3),
    ``normative_fields`` and ``informative_fields``, and ``not_covered``: each
    target no valid case can reach (for instance the strength ``do``, which no
    rule gives), with the reason.

``vectors.jsonl``
    One vector per line, keys sorted: ``id`` (``group/name``), ``group``,
    ``covers`` (the goals the vector meets, in words), ``rules`` (the rules it
    exercises: those that fire for the case, and the rules its goals are
    about), ``case`` (a case document of the contract) and ``expected`` (the
    normative advice, an advice document without the informative parts).

``cases.jsonl``
    The cases alone, one per line in the order of ``vectors.jsonl``, to feed a
    program in batch mode.

Generation is deterministic: the same rules, seed and size give the same bytes
(the Z3 search runs in fresh processes, see :mod:`lbp_spec.conformance.search`;
the random sample uses ``random`` only, see
:mod:`lbp_spec.conformance.sample`). The groups, in order, are ``rules``,
``conditions``, ``thresholds``, ``resolutions``, ``values`` and ``random`` (see
:mod:`lbp_spec.conformance.targets`). A case found for two goals is written
once, under the first, and lists both in ``covers``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

import attrs

from lbp_spec.case import Case
from lbp_spec.conformance.answers import canonical
from lbp_spec.conformance.fields import INFORMATIVE_FIELDS, NORMATIVE_FIELDS, normative_json
from lbp_spec.conformance.targets import GROUPS, Target, targets
from lbp_spec.contract import (
    CONTRACT_VERSION,
    advice_to_json,
    case_from_json,
    case_to_json,
    parse_json,
)
from lbp_spec.contract.codec import read_lines
from lbp_spec.contract.shape import show
from lbp_spec.errors import InvalidCaseError
from lbp_spec.evaluator import evaluate
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet

__all__ = [
    "DEFAULT_RANDOM",
    "DEFAULT_SEED",
    "FORMAT",
    "Suite",
    "SuiteError",
    "Vector",
    "existing_files",
    "generate",
    "load_suite",
    "random_suite",
    "suite_from_cases",
    "write_suite",
]

FORMAT: Final = 1
"""Version of the suite's file layout (not of the contract)."""

DEFAULT_SEED: Final = 2021
"""The seed of the random sample unless given."""

DEFAULT_RANDOM: Final = 200
"""The size of the random sample unless given."""

DEFAULT_TIMEOUT_MS: Final = 20_000

MANIFEST: Final = "manifest.json"
VECTORS: Final = "vectors.jsonl"
CASES: Final = "cases.jsonl"


class SuiteError(ValueError):
    """A suite directory is missing, malformed or altered."""


@attrs.frozen
class Vector:
    """One test vector: a case and the normative advice the guideline gives it.

    Attributes:
        id: ``group/name``, unique in the suite.
        group: The group (one of ``lbp_spec.conformance.targets.GROUPS``).
        covers: The goals it meets, in words.
        rules: The rules it exercises, in rule-set order.
        case: The case, as a case document of the contract.
        expected: The expected normative advice, as an advice document.

    """

    id: str
    group: str
    covers: tuple[str, ...]
    rules: tuple[str, ...]
    case: dict[str, Any] = attrs.field(eq=False)
    expected: dict[str, Any] = attrs.field(eq=False)

    def to_json(self) -> dict[str, Any]:
        """The vector as one JSON object (a line of ``vectors.jsonl``)."""
        return {
            "id": self.id,
            "group": self.group,
            "covers": list(self.covers),
            "rules": list(self.rules),
            "case": self.case,
            "expected": self.expected,
        }


@attrs.frozen
class Suite:
    """A generated or loaded suite.

    Attributes:
        manifest: The manifest (see the module docstring).
        vectors: The vectors, in file order.

    """

    manifest: dict[str, Any] = attrs.field(eq=False)
    vectors: tuple[Vector, ...]

    @property
    def version(self) -> str:
        """The suite version: contract version and content hash."""
        return str(self.manifest["suite_version"])

    def lines(self) -> list[str]:
        """The lines of ``vectors.jsonl`` (no newline)."""
        return [_dump(v.to_json()) for v in self.vectors]


def _dump(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


class _Builder:
    """Collects vectors, writing each distinct case once."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.rs = ruleset
        self.order = {r.id: i for i, r in enumerate(ruleset.rules)}
        self.vectors: list[dict[str, Any]] = []
        self.by_case: dict[str, int] = {}
        self.ids: set[str] = set()

    def add(self, group: str, name: str, purpose: str, about: Iterable[str], case: Case) -> None:
        case_json = case_to_json(case)
        key = _dump(case_json)
        index = self.by_case.get(key)
        if index is not None:
            vector = self.vectors[index]
            if purpose not in vector["covers"]:
                vector["covers"].append(purpose)
            vector["rules"] = self._rules(vector["rules"], about)
            return
        vid = f"{group}/{name}"
        if vid in self.ids:  # pragma: no cover - target names are unique
            raise AssertionError(f"duplicate vector id {vid}")
        self.ids.add(vid)
        advice = evaluate(case, self.rs)
        self.by_case[key] = len(self.vectors)
        self.vectors.append(
            {
                "id": vid,
                "group": group,
                "covers": [purpose],
                "rules": self._rules(advice.fired, about),
                "case": case_json,
                "expected": normative_json(advice_to_json(advice)),
            }
        )

    def _rules(self, fired: Iterable[str], about: Iterable[str]) -> list[str]:
        ids = {r for r in (*fired, *about) if r in self.order}
        return sorted(ids, key=self.order.__getitem__)


def _about(target: Target) -> tuple[str, ...]:
    spec = target.spec
    return tuple(spec[k] for k in ("rule", "winner", "loser") if k in spec)


def generate(
    *,
    seed: int = DEFAULT_SEED,
    random_size: int = DEFAULT_RANDOM,
    groups: Sequence[str] = GROUPS,
    ruleset: RuleSet = GUIDELINE,
    jobs: int = 2,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Suite:
    """Generate the conformance suite.

    Args:
        seed: Seed of the random sample.
        random_size: How many random vectors.
        groups: Which groups to generate (default: all).
        ruleset: The rules; the built-in guideline unless given. For another
            rule set the search runs in this process, and its cases are then not
            guaranteed to be the same on every run.
        jobs: How many search processes run at once (the result does not depend
            on it).
        timeout_ms: Solver time limit per target.

    Returns:
        The suite, with its manifest.

    """
    from lbp_spec.conformance import search as z3_search
    from lbp_spec.conformance.sample import random_cases

    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise ValueError(f"unknown groups {unknown}; known: {', '.join(GROUPS)}")
    chosen = [t for t in targets(ruleset) if t.group in groups]
    specs = [t.spec for t in chosen]
    if not specs:
        found: list[dict[str, Any]] = []
    elif ruleset is GUIDELINE:
        found = z3_search.search_isolated(specs, timeout_ms, jobs)
    else:
        found = z3_search.search(specs, ruleset, timeout_ms)
    builder = _Builder(ruleset)
    not_covered = []
    for group in GROUPS:
        if group not in groups:
            continue
        if group == "random":
            for k, case in enumerate(random_cases(random_size, seed), start=1):
                builder.add("random", f"{k:04d}", f"random sample, seed {seed}, #{k}", (), case)
            continue
        for target, result in zip(chosen, found, strict=True):
            if target.group != group:
                continue
            if result["status"] != "ok":
                not_covered.append(
                    {
                        "target": f"{target.group}/{target.name}",
                        "purpose": target.purpose,
                        "status": result["status"],
                        "reason": result.get("note", ""),
                    }
                )
                continue
            for label, case_json in result["cases"]:
                name = f"{target.name}/{label}" if label else target.name
                case = case_from_json(case_json)
                builder.add(group, name, target.describe(label), _about(target), case)
    generator = {
        "seed": seed,
        "random": random_size,
        "groups": list(groups),
        "search_processes": z3_search.CHUNKS,
        "timeout_ms": timeout_ms,
        "lbp_spec": _package_version("lbp-spec"),
        "z3": _z3_version(),
    }
    present = [g for g in GROUPS if g in groups]
    return _assemble(builder, ruleset, present, generator, not_covered)


def _assemble(
    builder: _Builder,
    ruleset: RuleSet,
    groups: Sequence[str],
    generator: dict[str, Any],
    not_covered: list[dict[str, str]],
) -> Suite:
    vectors = tuple(
        Vector(v["id"], v["group"], tuple(v["covers"]), tuple(v["rules"]), v["case"], v["expected"])
        for v in builder.vectors
    )
    digest = hashlib.sha256(
        "".join(_dump(v.to_json()) + "\n" for v in vectors).encode()
    ).hexdigest()
    manifest = {
        "format": FORMAT,
        "contract_version": CONTRACT_VERSION,
        "suite_version": f"{CONTRACT_VERSION}+{digest[:12]}",
        "sha256": digest,
        "guideline": ruleset.name,
        "vectors": len(vectors),
        "groups": {g: sum(1 for v in vectors if v.group == g) for g in groups},
        "generator": generator,
        "normative_fields": [f.path for f in NORMATIVE_FIELDS],
        "informative_fields": [path for path, _ in INFORMATIVE_FIELDS],
        "not_covered": not_covered,
    }
    return Suite(manifest, vectors)


def suite_from_cases(
    cases: Iterable[Case], *, group: str = "custom", ruleset: RuleSet = GUIDELINE
) -> Suite:
    """A suite of your own cases, with the normative advice the guideline gives them.

    Vectors are named ``group/0001``, ``group/0002``, ... in order; a case given
    twice is kept once. Useful to keep a vendor's own regression cases in the
    same form as the generated suite.

    Example:
        >>> from lbp_spec import Case
        >>> suite = suite_from_cases([Case(), Case(lrs=True, nprs=9)], group="mine")
        >>> [v.id for v in suite.vectors]
        ['mine/0001', 'mine/0002']
        >>> suite.vectors[1].expected["referral"]
        {'to': 'general_practitioner', 'urgency': 'not_stated', 'mode': 'instead_of_treatment'}

    """
    builder = _Builder(ruleset)
    for k, case in enumerate(cases, start=1):
        builder.add(group, f"{k:04d}", f"case {k} given", (), case)
    generator = {"cases": "given", "lbp_spec": _package_version("lbp-spec")}
    return _assemble(builder, ruleset, [group], generator, [])


def _z3_version() -> str:
    import z3

    return str(z3.get_version_string())


def random_suite(size: int, seed: int = DEFAULT_SEED) -> Suite:
    """A suite of ``size`` random vectors only, for comparison with the generated suite."""
    return generate(seed=seed, random_size=size, groups=("random",))


# -- files ---------------------------------------------------------------------------------------


def write_suite(suite: Suite, directory: Path | str) -> list[Path]:
    """Write ``suite`` into ``directory`` (created if needed; its suite files replaced).

    Each file is written to a new temporary file in ``directory`` and then
    renamed over its name, so that a symbolic link in the way is replaced by
    the file, never written through (its target is left untouched); see
    :func:`existing_files` to say what will be replaced.

    Returns:
        The paths written.

    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    vectors = "".join(line + "\n" for line in suite.lines())
    cases = "".join(_dump(v.case) + "\n" for v in suite.vectors)
    manifest = json.dumps(suite.manifest, sort_keys=True, indent=2, ensure_ascii=True) + "\n"
    written = []
    for name, text in ((MANIFEST, manifest), (VECTORS, vectors), (CASES, cases)):
        path = root / name
        _replace(path, text.encode("utf-8"))
        written.append(path)
    return written


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` as a new file at ``path`` (O_EXCL temporary, then renamed over it)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def existing_files(directory: Path | str) -> list[str]:
    """What writing a suite into ``directory`` replaces, in words (nothing: an empty list)."""
    out = []
    for name in (MANIFEST, VECTORS, CASES):
        path = Path(directory) / name
        if path.is_symlink():
            out.append(
                f"{name} (a symbolic link to {os.readlink(path)}: the link is replaced by the "
                "file, its target is not touched)"
            )
        elif path.is_file():
            out.append(f"{name} (an existing file)")
    return out


_VECTOR_KEYS: Final = frozenset({"id", "group", "covers", "rules", "case", "expected"})


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _vector(obj: object, line: int) -> Vector:
    """One line of ``vectors.jsonl``, every field checked (a crafted suite is a suite error)."""
    where = f"{VECTORS} line {line}"
    if not isinstance(obj, dict):
        raise SuiteError(f"{where}: not a JSON object")
    missing = _VECTOR_KEYS - obj.keys()
    if missing:
        raise SuiteError(f"{where}: missing {', '.join(sorted(missing))}")
    vector_id = obj["id"]
    if not isinstance(vector_id, str) or not vector_id:
        raise SuiteError(f"{where}: field id: must be a non-empty string, got {show(vector_id)}")
    where = f"{where} ({show(vector_id)})"
    if not isinstance(obj["group"], str) or not obj["group"]:
        raise SuiteError(
            f"{where}: field group: must be a non-empty string, got {show(obj['group'])}"
        )
    for name in ("covers", "rules"):
        if not _strings(obj[name]):
            raise SuiteError(
                f"{where}: field {name}: must be an array of strings, got {show(obj[name])}"
            )
    try:
        case_from_json(obj["case"])
    except InvalidCaseError as error:
        raise SuiteError(f"{where}: field case: {_first(error)}") from None
    try:
        canonical(obj["expected"])
    except ValueError as error:
        detail = _first(error) if isinstance(error, InvalidCaseError) else str(error)
        raise SuiteError(f"{where}: field expected: {detail}") from None
    return Vector(
        vector_id,
        obj["group"],
        tuple(obj["covers"]),
        tuple(obj["rules"]),
        obj["case"],
        obj["expected"],
    )


def _first(error: InvalidCaseError) -> str:
    """The first problems of ``error``, on one line."""
    shown = "; ".join(str(p) for p in error.problems[:3])
    more = len(error.problems) - 3
    return shown + (f"; and {more} more" if more > 0 else "")


def load_suite(directory: Path | str) -> Suite:
    """Read a suite written by ``write_suite``, checking its hash.

    Raises:
        SuiteError: A file is missing or malformed, or ``vectors.jsonl`` does not
            match the hash in the manifest.

    """
    root = Path(directory)
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        data = (root / VECTORS).read_bytes()
    except FileNotFoundError as error:
        raise SuiteError(f"not a conformance suite: {error.filename} is missing") from None
    except (OSError, ValueError, RecursionError) as error:
        raise SuiteError(f"cannot read the suite in {root}: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SuiteError(f"{root / MANIFEST}: not a suite manifest of format {FORMAT}")
    if not isinstance(manifest.get("suite_version"), str):
        raise SuiteError(f"{root / MANIFEST}: field suite_version: must be a string")
    digest = hashlib.sha256(data).hexdigest()
    if digest != manifest.get("sha256"):
        raise SuiteError(
            f"{root / VECTORS} does not match its manifest (sha256 {digest[:12]}, manifest "
            f"{str(manifest.get('sha256'))[:12]}): the suite was altered or is incomplete"
        )
    vectors = []
    for number, line in read_lines(io.BytesIO(data)):
        try:
            if isinstance(line, InvalidCaseError):
                raise line
            obj = parse_json(line)
        except InvalidCaseError as error:
            raise SuiteError(f"{VECTORS} line {number}: {error.problems[0].message}") from None
        vectors.append(_vector(obj, number))
    ids = [v.id for v in vectors]
    if len(set(ids)) != len(ids):
        raise SuiteError(f"{VECTORS}: vector ids are not unique")
    return Suite(manifest, tuple(vectors))
