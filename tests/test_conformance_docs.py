"""The how-to "Validate your implementation" and the vendor example stay true: they run."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lbp_spec.conformance.fields import case_fields_table, fields_table
from lbp_spec.rules import GUIDELINE

ROOT = Path(__file__).resolve().parents[1]
HOWTO = ROOT / "docs" / "how-to" / "validate-your-implementation.md"
VENDOR_DIR = ROOT / "examples" / "vendor"

SHIM = """\
import sys
from lbp_spec import cli
from lbp_spec.cli_conformance import CONFORMANCE
if CONFORMANCE not in cli.COMMANDS:
    cli.COMMANDS = (*cli.COMMANDS, CONFORMANCE)
sys.exit(cli.main(sys.argv[1:]))
"""

CHECKED = re.compile(r"^(Result: .*|FAIL \S+|ERROR \S+|lbp-spec: .*)$")


def console_blocks(text: str) -> list[list[tuple[str, list[str]]]]:
    """Each console block of a page: its commands, each with the output shown after it.

    A ``bench-output`` block counts too: its command runs like the others (the output
    shown under it is recorded, not written in the page).
    """
    blocks = []
    for body in re.findall(r"```(?:console|\{bench-output\} \S+)\n(.*?)```", text, flags=re.S):
        commands: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
        blocks.append(commands)
    return blocks


def test_the_field_tables_are_generated() -> None:
    """The how-to shows the field tables exactly as the package prints them from the rules."""
    page = HOWTO.read_text(encoding="utf-8")
    assert fields_table(GUIDELINE) in page
    assert case_fields_table(GUIDELINE) in page


def test_the_vendor_readme_lists_every_fault() -> None:
    """The example's README names each of its faults."""
    sys.path.insert(0, str(VENDOR_DIR))
    try:
        import lbp_vendor
    finally:
        sys.path.remove(str(VENDOR_DIR))
    readme = (VENDOR_DIR / "README.md").read_text(encoding="utf-8")
    assert [] == [name for name in lbp_vendor.FAULTS if f"`{name}`" not in readme]
    assert len(lbp_vendor.FAULTS) >= 10


@pytest.mark.slow
def test_the_howto_commands_run(tmp_path: Path) -> None:
    """Every command of the how-to runs, in order, with the status and the lines it shows."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lbp_spec_shim.py").write_text(SHIM, encoding="utf-8")
    launcher = bin_dir / "lbp-spec"
    shim = shlex.quote(str(bin_dir / "lbp_spec_shim.py"))
    launcher.write_text(
        f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {shim} "$@"\n', encoding="utf-8"
    )
    launcher.chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    ran = 0
    for block in console_blocks(HOWTO.read_text(encoding="utf-8")):
        for command, shown in block:
            if "run_mutants.py" in command:
                continue  # the mutation run has its own CI step
            done = subprocess.run(
                command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True
            )
            output = done.stdout + done.stderr
            expected = 0
            if any(line.startswith("Result: FAILED") for line in shown):
                expected = 1
            if any(line.startswith("lbp-spec: ") for line in shown):
                expected = 2
            assert expected == done.returncode, f"{command}\n{output}"
            for line in shown:
                if CHECKED.match(line):
                    assert line in output.splitlines(), f"{command}: {line!r} not in\n{output}"
            ran += 1
    assert ran >= 8


@pytest.mark.slow
def test_the_pytest_example_passes() -> None:
    """The Python vendors' pytest example passes against the example implementation."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(VENDOR_DIR / "test_lbp_vendor.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert 0 == done.returncode, done.stdout + done.stderr
