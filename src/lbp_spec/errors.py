"""Errors raised at the edge, each naming every problem by its field path."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = ["InvalidAdviceError", "InvalidCaseError", "Problem", "RuleSetError"]


@attrs.frozen
class Problem:
    """One thing wrong with an input, at one field path.

    Attributes:
        path: Dotted field path from the document root, e.g.
            ``neurological_exam.mrc_lowest`` or ``red_flags[2]``; ``""`` for
            the document itself.
        message: What is wrong, in words, naming the allowed values.

    """

    path: str
    message: str

    def at(self, prefix: str) -> Problem:
        """Return this problem with its path placed under ``prefix``."""
        if not prefix:
            return self
        if not self.path:
            return Problem(prefix, self.message)
        sep = "" if self.path.startswith("[") else "."
        return Problem(f"{prefix}{sep}{self.path}", self.message)

    def __str__(self) -> str:
        return f"{self.path or '<document>'}: {self.message}"


class InvalidCaseError(ValueError):
    """A case (or a part of one) is malformed, out of range or self-contradictory.

    Attributes:
        problems: Every problem found, each with its field path.

    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid case ({len(self.problems)} problem(s)):\n{lines}")


class InvalidAdviceError(InvalidCaseError):
    """An advice document is malformed or out of range.

    A subclass of :class:`InvalidCaseError`, so that one ``except`` catches every
    invalid contract document.

    Attributes:
        problems: Every problem found, each with its field path.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        ValueError.__init__(self, f"invalid advice ({len(self.problems)} problem(s)):\n{lines}")


class RuleSetError(ValueError):
    """A rule set is malformed: duplicate ids, dangling references, cycles."""
