"""Measured figures in the docs, read from the benchmarks' results file, never typed.

The benchmarks (``benchmarks/bench*.py --record``) write their figures, with the
machine and the date, to ``benchmarks/results.json``; the file is committed, so
the docs build renders the last recorded figures without running a benchmark.
Three pieces of markup use it:

* the role ``{bench}`verify/whole_process/lbp-spec verify/cpu_s``` renders one
  figure (the path of keys, ``/``-separated; a list index is a number), formatted
  by the last key's suffix: ``_s`` seconds, ``_us`` microseconds, ``_per_s`` a
  rate; other numbers as they are;
* the directive ``bench-source`` with a benchmark's name says where and when its
  figures were measured, and by which command;
* the directive ``bench-table`` with a benchmark's name and a key path to a list
  of rows renders them as a table; its content lists the columns, one
  ``key: heading`` per line; the option ``:code:`` names columns shown as code
  (long identifiers wrap), ``:class:`` adds classes to the table (``lbp-wide``
  gives the page the width of a wide table);
* the directive ``bench-output`` with a key path to a recorded command output
  renders its content (the command line) and that output as a console block.

A key that is not in the file is an error (the build fails under ``-W``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.application import Sphinx

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results.json"


class FigureError(KeyError):
    """A figure the docs ask for is not in the results file."""


def results() -> dict[str, Any]:
    """The recorded results, by benchmark."""
    data: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8"))
    return data


def lookup(path: str) -> Any:
    """The value at ``path`` (``benchmark/key/...``) of the recorded figures."""
    parts = path.split("/")
    data = results()
    if parts[0] not in data:
        raise FigureError(f"no benchmark {parts[0]!r} in {RESULTS.name}")
    value: Any = data[parts[0]]["figures"]
    for part in parts[1:]:
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError):
            raise FigureError(f"no figure {path!r} in {RESULTS.name}") from None
    return value


def _significant(value: float, digits: int = 2) -> str:
    """``value`` with at least one decimal below 10, else to the nearest unit."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}" if digits > 2 else f"{value:.0f}"
    return f"{value:.{digits}g}" if value < 1 else f"{value:.1f}"


def formatted(key: str, value: Any) -> str:
    """A figure as the docs show it, by the suffix of its key."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if key.endswith("_us"):
        return f"{value:.1f} µs"
    if key.endswith("_per_s"):
        rounded = float(f"{value:.3g}")
        return f"{rounded:,.0f}"
    if key.endswith("_s"):
        return f"{_significant(value, 3 if value >= 10 else 2)} s"
    if isinstance(value, int):
        return f"{value:,}"
    return _significant(value)


def source_text(benchmark: str) -> str:
    """Where, when and how the figures of ``benchmark`` were measured, in one sentence."""
    data = results()
    if benchmark not in data:
        raise FigureError(f"no benchmark {benchmark!r} in {RESULTS.name}")
    entry = data[benchmark]
    m = entry["machine"]
    load = "" if m.get("load") is None else f", load {m['load']}"
    return (
        f"Measured on {entry['date']} by `{entry['command']}` on {m['system']}, {m['cpu']}, "
        f"{m['cpus']} CPUs{load}; Python {m['python']}, Z3 {m['z3']}. The figures are "
        f"read from `benchmarks/{RESULTS.name}` when the docs are built; that file is "
        "committed and rewritten by the command (the docs build does not run benchmarks)."
    )


def bench_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """The role ``bench``: one recorded figure, formatted."""
    try:
        value = lookup(text)
    except FigureError as error:
        message = inliner.reporter.error(str(error), line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.Text(formatted(text.split("/")[-1], value))], []


def _paragraph(text: str) -> nodes.paragraph:
    """A paragraph of ``text`` with its backquoted parts as literals."""
    paragraph = nodes.paragraph()
    for i, part in enumerate(text.split("`")):
        if part:
            paragraph += nodes.literal(part, part) if i % 2 else nodes.Text(part)
    return paragraph


class BenchSource(Directive):
    """The directive ``bench-source``: the machine, date and command of a benchmark."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        """One paragraph."""
        try:
            text = source_text(self.arguments[0])
        except FigureError as error:
            raise self.error(str(error)) from None
        return [_paragraph(text)]


class BenchTable(Directive):
    """The directive ``bench-table``: rows of recorded figures as a table."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "code": directives.unchanged,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        """One table."""
        code = set((self.options.get("code") or "").split())
        columns = []
        for line in self.content:
            if line.strip():
                key, _, heading = line.partition(":")
                columns.append((key.strip(), heading.strip() or key.strip()))
        try:
            rows = lookup(self.arguments[0])
            cells = [
                [(formatted(key, row[key]), key in code) for key, _ in columns] for row in rows
            ]
        except (FigureError, KeyError, TypeError) as error:
            raise self.error(f"{self.arguments[0]}: {error}") from None
        table = nodes.table(classes=self.options.get("class", []))
        group = nodes.tgroup(cols=len(columns))
        table += group
        for _ in columns:
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        head += self._row([(heading, False) for _, heading in columns])
        group += head
        body = nodes.tbody()
        for row in cells:
            body += self._row(row)
        group += body
        return [table]

    @staticmethod
    def _row(texts: list[tuple[str, bool]]) -> nodes.row:
        """One row; a text marked ``True`` is shown as code (it may wrap anywhere)."""
        row = nodes.row()
        for text, literal in texts:
            entry = nodes.entry()
            if literal:
                paragraph = nodes.paragraph()
                paragraph += nodes.literal(text, text)
                entry += paragraph
            else:
                entry += _paragraph(text)
            row += entry
        return row


class BenchOutput(Directive):
    """The directive ``bench-output``: a command's recorded output, as a console block.

    Its content is the command line as the reader types it (``$ ...``); the output
    below it is the recorded text at the key path given as the argument.
    """

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        """One literal block: the command, then its recorded output."""
        try:
            output = lookup(self.arguments[0])
        except FigureError as error:
            raise self.error(str(error)) from None
        if not isinstance(output, str):
            raise self.error(f"{self.arguments[0]}: not a recorded output")
        text = "\n".join([*self.content, output])
        block = nodes.literal_block(text, text)
        block["language"] = "console"
        return [block]


def setup(app: Sphinx) -> dict[str, object]:
    """Register the role and the directives."""
    app.add_role("bench", bench_role)
    app.add_directive("bench-source", BenchSource)
    app.add_directive("bench-table", BenchTable)
    app.add_directive("bench-output", BenchOutput)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
