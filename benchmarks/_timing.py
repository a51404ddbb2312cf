"""Timing helpers shared by the benchmarks.

A benchmark reports; it does not gate. A child process that the machine kills
(out of memory, a signal) or that fails is reported in one line and its sample
left out, never turned into a failed run.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import z3


class SolverClock:
    """Adds up the time spent inside Z3's ``check`` (Solver and Optimize) while active."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Time every ``check`` call made inside the ``with`` block."""
        originals = {cls: cls.check for cls in (z3.Solver, z3.Optimize)}

        def timed(original: Callable[..., Any]) -> Callable[..., Any]:
            def check(solver: Any, *args: Any) -> Any:
                start = time.perf_counter()
                try:
                    return original(solver, *args)
                finally:
                    self.seconds += time.perf_counter() - start

            return check

        for cls, original in originals.items():
            cls.check = timed(original)
        try:
            yield
        finally:
            for cls, original in originals.items():
                cls.check = original


def lbp_spec_command(src: Path | None = None) -> list[str]:
    """The ``lbp-spec`` command of this interpreter; with ``src``, of the package there.

    ``src`` is the ``src`` directory of another checkout (for example the code
    before a change, unpacked with ``git archive``): the command then runs that
    code with this interpreter, so that both are measured in the same run.
    """
    if src is None:
        beside = Path(sys.executable).with_name("lbp-spec")
        if beside.exists():
            return [str(beside)]
    code = "import sys; from lbp_spec.cli import main; sys.exit(main())"
    return [sys.executable, "-c", code]


def environment(src: Path | None = None) -> dict[str, str]:
    """The environment a child runs in: with ``src`` first on the path when given.

    A child runs as on a user's machine, where Python keeps the bytecode of what
    it imports (``__pycache__``): ``PYTHONDONTWRITEBYTECODE``, which some
    sandboxes set, is left out, or every run would compile every module again
    and the figures would time the compiler.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def child(
    command: Sequence[str],
    *,
    src: Path | None = None,
    stdin: str | None = None,
    ok: Collection[int] = (0,),
    discard_output: bool = False,
) -> tuple[float, float] | None:
    """Wall and CPU seconds (user + system) of one run of ``command``, or ``None``.

    ``None`` when the run did not end with a status in ``ok`` (killed by the
    machine, or failed): the run is reported in one line and left out of the
    figures. With ``discard_output`` its standard output goes to the null device
    (a large output is then not held in memory).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command,
        input=stdin,
        stdout=subprocess.DEVNULL if discard_output else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(src),
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in ok:
        how = (
            f"was killed by signal {-done.returncode}"
            if done.returncode < 0
            else f"ended with status {done.returncode}"
        )
        last = (done.stderr.strip().splitlines() or [""])[-1]
        print(f"  note: {shlex.join(command)} {how}; sample left out. {last}")
        return None
    return wall, cpu


def samples(
    command: Sequence[str], runs: int, *, src: Path | None = None
) -> list[tuple[float, float]]:
    """Up to ``runs`` (wall, CPU) samples of ``command``: the runs that ended well."""
    return interleaved({"": (command, src)}, runs)[""]


def interleaved(
    commands: dict[str, tuple[Sequence[str], Path | None]],
    runs: int,
    *,
    ok: Collection[int] = (0,),
    discard_output: bool = False,
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) samples of each named ``(command, src)``, taking turns run by run.

    Taking turns spreads a change in the machine's load over every command
    alike, so that their ratios hold better than their times. Each command first
    runs once untimed, so that its imports are cached as on a user's machine
    (see :func:`environment`). ``ok`` and
    ``discard_output`` are those of :func:`child`.
    """
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for command, src in commands.values():  # a first run, not timed: imports cached
        subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment(src),
            check=False,
        )
    for _ in range(runs):
        for name, (command, src) in commands.items():
            sample = child(command, src=src, ok=ok, discard_output=discard_output)
            if sample is not None:
                out[name].append(sample)
    return out


RESULTS = Path(__file__).resolve().parent / "results.json"
"""The recorded figures that the documentation renders (``--record`` writes them)."""


def machine() -> dict[str, object]:
    """Where the figures come from: the system, the CPU, the versions, the load."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        load: float | None = round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - not on every system
        load = None
    return {
        "system": f"{platform.system()} {platform.machine()}",
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "z3": z3.get_version_string(),
        "load": load,
    }


def record(benchmark: str, figures: dict[str, Any]) -> None:
    """Store ``figures`` of ``benchmark`` in :data:`RESULTS`, with the machine and date.

    The command stored is this process's own (script and arguments).
    """
    script = Path(sys.argv[0]).resolve()
    with contextlib.suppress(ValueError):
        script = script.relative_to(RESULTS.parents[1])
    command = shlex.join(["python", str(script), *sys.argv[1:]])
    results: dict[str, Any] = {}
    if RESULTS.exists():
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results[benchmark] = {
        "command": command,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "figures": _rounded(figures),
    }
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nrecorded in {RESULTS.name}: {benchmark}")


def _rounded(value: Any) -> Any:
    """Floats to 4 significant digits (the noise is larger), recursively."""
    if isinstance(value, float):
        return float(f"{value:.4g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


@contextlib.contextmanager
def revision(rev: str) -> Iterator[Path]:
    """The ``src`` directory of this repository at git revision ``rev``, unpacked for the block.

    For a baseline measured in the same run as the working code (``--baseline-rev``).
    """
    root = RESULTS.parents[1]
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", rev, "src"],
        capture_output=True,
        check=True,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="lbp-spec-baseline-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / "src"
