"""Benchmarks report without gating, and the docs' figures come from their recorded results."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import lbp_figures  # noqa: E402

import _timing  # noqa: E402

DOCS = sorted(p for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts)
ROLE = re.compile(r"\{bench\}`([^`]+)`")
DIRECTIVE = re.compile(r"```\{bench-(?:source|table|output)\} (\S+)")


def test_a_child_killed_by_the_machine_is_reported_not_raised(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A benchmark child killed by a signal is left out with a note; the benchmark goes on."""
    killed = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]
    assert _timing.child(killed) is None
    assert "was killed by signal 9; sample left out" in capsys.readouterr().out
    assert 1 == len(_timing.samples([sys.executable, "-c", "pass"], 1))


def test_a_failing_child_is_reported_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    """A benchmark child that exits non-zero is left out with its status and last error line."""
    failing = [sys.executable, "-c", "raise SystemExit('broken on purpose')"]
    assert [] == _timing.samples(failing, 2)
    out = capsys.readouterr().out
    assert 2 == out.count("ended with status 1; sample left out. broken on purpose")


def test_children_are_timed_with_the_bytecode_cache_a_user_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sandbox's PYTHONDONTWRITEBYTECODE does not reach a timed child (nor time the compiler)."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("LBP_SPEC_MARK", "kept")
    env = _timing.environment()
    assert (None, "kept") == (env.get("PYTHONDONTWRITEBYTECODE"), env.get("LBP_SPEC_MARK"))


def test_every_figure_the_docs_show_is_recorded() -> None:
    """Each {bench} role and bench directive in the docs names a recorded figure."""
    missing = []
    for page in DOCS:
        text = page.read_text(encoding="utf-8")
        for path in ROLE.findall(text):
            try:
                lbp_figures.lookup(path)
            except lbp_figures.FigureError:
                missing.append(f"{page.name}: {path}")
        for path in DIRECTIVE.findall(text):
            try:
                if "/" in path:
                    lbp_figures.lookup(path)
                else:
                    lbp_figures.source_text(path)
            except lbp_figures.FigureError:
                missing.append(f"{page.name}: {path}")
    assert [] == missing


def test_the_recorded_figures_are_of_these_rules_and_this_contract() -> None:
    """Figures recorded before the rules, the catalogues or the contract changed are stale.

    The docs render the recorded figures; when a property, an episode property, a
    rule or the contract version changes, the benchmarks must be recorded again
    (``--record``), or the docs would show figures of another specification.
    """
    from lbp_spec import GUIDELINE
    from lbp_spec.contract import CONTRACT_VERSION
    from lbp_spec.episodes.properties import CATALOGUE as EPISODES
    from lbp_spec.mutation import mutants
    from lbp_spec.properties import CATALOGUE

    recorded = {name: entry["figures"] for name, entry in lbp_figures.results().items()}
    assert len(CATALOGUE) == recorded["verify"]["in_process"]["properties"]
    assert [len(EPISODES)] * len(recorded["episodes"]["bounds"]) == [
        bound["properties"] for bound in recorded["episodes"]["bounds"]
    ]
    assert recorded["conformance"]["suite"].startswith(f"{CONTRACT_VERSION}+")
    mutation = recorded["mutation"]
    assert (len(GUIDELINE.rules), len(GUIDELINE.resolutions)) == (
        mutation["rules"],
        mutation["resolutions"],
    )
    assert (None, len(mutants(GUIDELINE))) == (mutation["sample_per_operator"], mutation["mutants"])


def test_the_recorded_code_mutation_is_of_this_code() -> None:
    """The code-mutation figures were recorded on the code as it is (the same mutants)."""
    import code_mutation

    made = {key: len(code_mutation.mutants(key)) for key in code_mutation.TARGETS}
    code = lbp_figures.lookup("mutation/code")
    assert made == {row["module"]: row["total"] for row in code["modules"]}


def test_every_recorded_benchmark_says_where_and_when() -> None:
    """Each recorded benchmark carries its command, date and machine."""
    keys = {"system", "cpu", "cpus", "python", "z3", "load"}
    for name, entry in lbp_figures.results().items():
        assert (name, True) == (name, entry["command"].startswith("python benchmarks/"))
        assert (name, True) == (name, entry["date"].endswith(" UTC"))
        assert (name, keys) == (name, set(entry["machine"]))


def test_an_unknown_figure_is_an_error() -> None:
    """A figure that is not recorded fails the docs build instead of showing nothing."""
    with pytest.raises(lbp_figures.FigureError, match="no figure"):
        lbp_figures.lookup("startup/no such command/wall_s")


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("wall_s", 0.1234, "0.12 s"),
        ("verify_s", 15.06, "15.1 s"),
        ("evaluate_us", 13.04, "13.0 µs"),
        ("evaluate_per_s", 76712.3, "76,700"),
        ("consultations", 60, "60"),
        ("growth", 2.53, "2.5"),
    ],
)
def test_figures_are_shown_with_their_unit(key: str, value: float, shown: str) -> None:
    """A figure's unit follows its key: seconds, microseconds, a rate, or a plain number."""
    assert shown == lbp_figures.formatted(key, value)
